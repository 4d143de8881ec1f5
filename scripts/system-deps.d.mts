/** A tool the tests need: found on PATH (command) or at one of its paths, else installed from its Debian packages. */
export interface SystemNeed {
  what: string;
  command?: string;
  paths?: string[];
  packages: string[];
}
export const SYSTEM_NEEDS: SystemNeed[];
export function missingPackages(needs?: SystemNeed[]): string[];
