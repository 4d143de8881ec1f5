// A value the user gave that cannot be used: the message names the setting as
// the user wrote it; the CLI exits 2 for it, the action fails the step.
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
