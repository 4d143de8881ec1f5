// What the commands share: options made from the settings' declarations, one
// style of usage error, and the signing and public keys as the CLI takes them.
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { checkSigningKeys, parsePublicKey, parseSigningKeys, type SigningKey } from '../release/sign.js';
import { flagLabel, type Setting } from '../settings/declarations.js';
import { defaultOf } from '../settings/defaults.js';

export type Write = (text: string) => void;

/** What a command reads and writes: its output streams and the environment. */
export interface CommandIo {
  out: Write;
  err: Write;
  env: NodeJS.ProcessEnv;
}

/** Makes a subcommand of the program with its description (program.ts sets what all of them share). */
export type NewCommand = (name: string, description: string) => Command;

/** The one secret both front doors name: the action's repository secret, the CLI's environment variable. */
export const SIGNING_KEY_VARIABLE = 'STATIC_OTA_SIGNING_KEY';
/** The CLI's earlier name for it, still read (with a warning) so that existing scripts keep working. */
const OLD_SIGNING_KEY_VARIABLE = 'STATIC_OTA_KEY';

/** A missing, bad or conflicting option: exit 2, nothing was done. */
export class UsageError extends Error {}

/** A value the parsers refuse is a usage error (exit 2); a failure of the work itself stays exit 1. */
export function usage(error: unknown): never {
  throw new UsageError((error as Error).message, { cause: error });
}

/** Runs a parser of option values; whatever it refuses is a usage error. */
export function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    return usage(error);
  }
}

/** An optional value through its parser: undefined when the flag is not given. */
export const optional = <T>(text: string | undefined, parse: (text: string) => T): T | undefined =>
  text === undefined ? undefined : parsed(() => parse(text));

export const camelCase = (name: string): string =>
  name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

/** Every required option that is missing, in one message. */
export function requireOptions(options: object, names: string[]): void {
  const values = options as Record<string, unknown>;
  const missing = names.filter((name) => {
    const value = values[camelCase(name)];
    return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length === 1) throw new UsageError(`required option --${missing[0]} is missing`);
  if (missing.length > 1)
    throw new UsageError(`required options ${missing.map((name) => `--${name}`).join(', ')} are missing`);
}

/** commander's parser of a repeatable option: every value, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** An option that takes one value: a second one would silently replace the first, so it is refused. */
export function singleValue(option: Option): Option {
  let given = false;
  return option.argParser((value: string) => {
    if (given) throw new UsageError(`${option.long} is given twice: give it once`);
    given = true;
    return value;
  });
}

/** `--name <what>` taking one value, refused when given twice. */
export const valueOption = (flags: string, description: string): Option => singleValue(new Option(flags, description));

/**
 * The flag of a declared setting: `--name <metavar>`, repeatable where declared; a switch is `--name`, or
 * `--no-name` when action.yml defaults it to true. A value's default is action.yml's, shown in --help, unless the
 * command gives its own (`fallback`; null: none, where the setting means something else there).
 */
export function settingOption(
  setting: Setting<unknown>,
  help = setting.help,
  fallback: string | null = defaultOf(setting.input) ?? null,
): Option {
  const flag = setting.flag ?? setting.input;
  if (setting.metavar === undefined) return new Option(fallback === 'true' ? `--no-${flag}` : `--${flag}`, help);
  const option = new Option(`--${flag} ${setting.metavar}`, help);
  if (setting.repeatable) return option.argParser(collect);
  singleValue(option);
  return fallback === null || fallback === '' ? option : option.default(fallback);
}

/** A declared setting's value from the command's options, parsed and named as typed; undefined when not given. */
export function settingValue<T>(options: object, setting: Setting<T>): T | undefined {
  const value = given(options, setting);
  // A switch: commander gives true or false itself.
  if (typeof value === 'boolean') return value as T;
  return typeof value === 'string' ? parseAsTyped(setting, value) : undefined;
}

/** A repeatable declared setting's values, each parsed. */
export function settingValues<T>(options: object, setting: Setting<T>): T[] {
  const texts = given(options, setting);
  return Array.isArray(texts) ? texts.map((text: string) => parseAsTyped(setting, text)) : [];
}

/** What commander holds for a declared setting's flag. */
const given = (options: object, setting: Setting<unknown>): unknown =>
  (options as Record<string, unknown>)[camelCase(setting.flag ?? setting.input)];

/** A value through its setting's parser, named by its flag; what the parser refuses is a usage error. */
const parseAsTyped = <T>(setting: Setting<T>, text: string): T =>
  parsed(() => setting.parse(text, flagLabel(setting.input)));

/** Public keys from the flag's repeated values (the key text, not a file). */
export const publicKeysFrom = (texts: string[] | undefined, flag: string): Uint8Array[] =>
  parsed(() => (texts ?? []).map((text) => parsePublicKey(text, flag)));

/** The signing keys: a file that cannot be read is a failure, one that holds no key a usage error. */
export async function readSigningKeys(paths: string[], io: CommandIo): Promise<SigningKey[]> {
  if (paths.length === 0) {
    const [name, material] = signingKeyFromEnvironment(io);
    if (!material) throw new UsageError(`give --key PATH or set ${SIGNING_KEY_VARIABLE}`);
    return parsed(() => parseSigningKeys(material, name));
  }
  const keys: SigningKey[] = [];
  for (const path of paths) {
    const material = await readFile(path, 'utf8').catch((error: Error) => {
      throw new Error(`cannot read key file ${path}: ${error.message}`);
    });
    keys.push(...parsed(() => parseSigningKeys(material, `--key ${path}`)));
  }
  return parsed(() => checkSigningKeys(keys));
}

function signingKeyFromEnvironment({ env, err }: CommandIo): [string, string | undefined] {
  if (env[SIGNING_KEY_VARIABLE] || !env[OLD_SIGNING_KEY_VARIABLE])
    return [SIGNING_KEY_VARIABLE, env[SIGNING_KEY_VARIABLE]];
  err(
    `warning: ${OLD_SIGNING_KEY_VARIABLE} is read for now; name it ${SIGNING_KEY_VARIABLE}, as the action's secret\n`,
  );
  return [OLD_SIGNING_KEY_VARIABLE, env[OLD_SIGNING_KEY_VARIABLE]];
}

/** --key: a signing key file, repeatable; its help names what the command does with it. */
export const keyOption = (what: string): Option =>
  new Option(
    '--key <file>',
    `${what} (PKCS#8 PEM, or a 32-byte seed as hex or base64); default: the ${SIGNING_KEY_VARIABLE} environment variable holding the key itself`,
  ).argParser(collect);
