// Parsing of option values shared by the action inputs and the CLI flags.

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * What the CLI uses for an option it is not given: action.yml's defaults for
 * the same inputs, which the action gets from the runner. The CLI cannot read
 * action.yml, so this is the one copy; test/cli/targets.test.ts checks
 * every entry against action.yml.
 */
export const CLI_DEFAULTS: Readonly<Record<string, string>> = {
  target: 'directory',
  directory: 'public',
  'pages-branch': 'gh-pages',
  'pages-folder': '',
  'pages-history': 'keep',
  's3-prefix': '',
  's3-region': 'us-east-1',
  's3-force-path-style': 'false',
  'max-image-size': '16777216',
};

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `3600`, `3600s`, `90m`, `12h` or `30d` → seconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : NaN;
  if (!(seconds > 0 && seconds <= 10 * 365 * 86400)) {
    throw new InputError(
      `${name} must be a duration such as 3600, 12h or 30d (at most 10 years), got ${JSON.stringify(text)}`,
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

/** Items separated by commas or new lines, trimmed, empty ones dropped. */
export const splitList = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);

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
