// The inputs' defaults from action.yml, their one home: the runner gives them to
// the action; the CLI gets them here, read from action.yml when it is built.
import actionDefaults from '../../action.yml';

/** The default of a setting by its action input name; undefined for one without. */
export const defaultOf = (input: string): string | undefined => actionDefaults[input];
