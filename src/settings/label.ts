// How a message names a setting: as the user wrote it, the input in the action, the --flag on the command line.

/** A setting's name, given by its action input name, as the user wrote it. */
export type Label = (input: string) => string;

/** The action names its inputs; so does library code that is told nothing else. */
export const inputLabel: Label = (input) => input;
