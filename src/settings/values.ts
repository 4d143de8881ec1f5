// Parsers of setting values, one per kind of value, shared by the action's
// inputs and the CLI's flags. `name` is the setting as the user wrote it (the
// input in the action, the --flag on the command line), for messages.
import { FULL_ROLLOUT, isValidBoard, MAX_REQUIRED_SIGNATURES } from '../protocol/manifest.js';
import { INSTALL_FOLDER } from '../site/page.js';
import { InputError } from '../common/input-error.js';

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `3600s`, `90m`, `12h` or `30d` → seconds. A bare number is refused: `30` could mean seconds or days. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]] : NaN;
  if (!(seconds > 0 && seconds <= 10 * 365 * 86400)) {
    const hint = /^\s*\d+\s*$/.test(text) ? ' (a number needs its unit: s, m, h or d)' : '';
    throw new InputError(
      `${name} must be a duration with its unit, such as 45s, 30m, 12h or 30d (at most 10 years), got ${JSON.stringify(text)}${hint}`,
    );
  }
  return seconds;
}

export function parsePositiveInteger(text: string, name: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(Number.isSafeInteger(value) && value >= 1))
    throw new InputError(`${name} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  return value;
}

const PEM_BLOCK = /-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g;

/** Items separated by commas or new lines, trimmed, empty ones dropped; PEM blocks first, each whole. */
export const splitList = (text: string): string[] => {
  // A PEM block (a public key in trusted-keys) is one item, whatever lines it spans.
  const pemBlocks = text.match(PEM_BLOCK) ?? [];
  const items = text
    .replace(PEM_BLOCK, '\n')
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
  return [...pemBlocks, ...items];
};

/** How images are served: auto gzips ESP8266 (espressif8266) images only. */
export const COMPRESS_MODES = ['auto', 'gzip', 'none'] as const;
export type CompressMode = (typeof COMPRESS_MODES)[number];

export function parseCompressMode(text: string, name: string): CompressMode {
  const mode = text.trim();
  if (!(COMPRESS_MODES as readonly string[]).includes(mode)) {
    throw new InputError(`${name} must be one of ${COMPRESS_MODES.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return mode as CompressMode;
}

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput reads them. */
export function parseBoolean(text: string | undefined, name: string): boolean {
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  throw new InputError(`${name} must be true or false, got ${JSON.stringify(text ?? '')}`);
}

/** A rollout percentage: a whole number from 0 (halted) to 100, `%` allowed. */
export function parseRolloutPercent(text: string, name: string): number {
  const trimmed = text.trim().replace(/%$/, '');
  const value = /^(0|[1-9]\d{0,2})$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= 0 && value <= FULL_ROLLOUT))
    throw new InputError(`${name} must be a whole percentage from 0 to 100, got ${JSON.stringify(text)}`);
  return value;
}

/** k of the k-of-n threshold: 1 to MAX_REQUIRED_SIGNATURES. */
export function parseRequiredSignatures(text: string, name: string): number {
  const count = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(count >= 1 && count <= MAX_REQUIRED_SIGNATURES)) {
    throw new InputError(
      `${name} must be a whole number from 1 to ${MAX_REQUIRED_SIGNATURES} (devices trust at most that many keys), got ${JSON.stringify(text)}`,
    );
  }
  return count;
}

/** Board names become folders of the mirror: refuse bad ones before anything is built. */
export function checkBoard(board: string, name: string): string {
  if (!isValidBoard(board)) {
    throw new InputError(
      `${name} ${JSON.stringify(board)} is invalid: use letters, digits, '_', '-' and '.' (not first), at most 64`,
    );
  }
  if (board === INSTALL_FOLDER)
    throw new InputError(
      `${name} ${JSON.stringify(board)} is taken: the release page keeps ESP Web Tools in ${INSTALL_FOLDER}/`,
    );
  return board;
}

/** How many earlier versions each image gets a delta patch from: 0 (none) to 8. */
export function parseDeltaFrom(text: string, name: string): number {
  const count = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(count >= 0 && count <= 8))
    throw new InputError(`${name} must be a whole number from 0 (no patches) to 8, got ${JSON.stringify(text)}`);
  return count;
}

/** A PlatformIO release as pip takes it after `platformio==`: 6.1.18. */
export function parsePlatformioVersion(text: string, name: string): string {
  const version = text.trim();
  if (!/^\d+(\.\d+){1,3}$/.test(version))
    throw new InputError(`${name} must be a PlatformIO release such as 6.2.0, got ${JSON.stringify(text)}`);
  return version;
}
