// What the release reports to its user: the Actions log (with groups and masks) or the CLI's output.
export interface Reporter {
  info(message: string): void;
  warning(message: string): void;
  /** Folds the output of `work` under `title` (a ::group:: in the Actions log); absent, the output is not folded. */
  group?<T>(title: string, work: () => Promise<T>): Promise<T>;
  /** Hides a secret from the log (core.setSecret in the action); absent, nothing is masked. */
  mask?(secret: string): void;
}
