// The mirror target flags of the commands that write to a mirror: the action's
// target settings under the same names, read by the action's own parser.
import { Command, Option } from 'commander';
import { defaultOf } from '../settings/defaults.js';
import { readTargetConfig, TARGET_KINDS, TARGET_SETTINGS, type TargetConfig } from '../settings/target.js';
import { camelCase, parsed, UsageError } from './options.js';

/** The target options as commander gives them (camelCase keys). */
export type TargetOptions = { [setting: string]: unknown };

/** The settings that are secrets: the CLI reads each from its environment variable, never from its arguments. */
const SECRET_VARIABLES: Readonly<Record<string, string>> = {
  token: 'GITHUB_TOKEN',
  's3-access-key-id': 'AWS_ACCESS_KEY_ID',
  's3-secret-access-key': 'AWS_SECRET_ACCESS_KEY',
  's3-session-token': 'AWS_SESSION_TOKEN',
};

/** Adds --target and every target's settings; --out stays a hidden alias of --directory for existing scripts. */
export function addTargetOptions(command: Command): Command {
  command
    .addOption(
      new Option('--target <kind>', `mirror target (default: ${JSON.stringify(defaultOf('target'))})`).choices(
        TARGET_KINDS,
      ),
    )
    .addOption(new Option('--out <dir>', 'the mirror directory: --directory').conflicts('directory').hideHelp());
  for (const [name, setting] of Object.entries(TARGET_SETTINGS)) {
    const { help } = setting;
    const metavar = 'metavar' in setting ? setting.metavar : undefined;
    const fallback = defaultOf(name);
    // A switch is off unless given: only values show their default.
    const shown = fallback && metavar && name !== 'directory' ? ` (default: ${JSON.stringify(fallback)})` : '';
    command.addOption(new Option(metavar ? `--${name} ${metavar}` : `--${name}`, `${help}${shown}`));
  }
  return command;
}

/** Whether the directory target's folder is missing: it has no default on the command line (the action's is `public`). */
export const directoryMissing = (options: TargetOptions): string[] =>
  (options.target ?? defaultOf('target')) === 'directory' &&
  options.directory === undefined &&
  options.out === undefined
    ? ['directory']
    : [];

/**
 * The mirror target from the flags, through the action's own parser (readTargetConfig), with action.yml's defaults;
 * secrets from the environment only. A flag of another target than the chosen one would be ignored: it is refused.
 */
export function targetFrom(options: TargetOptions, env: NodeJS.ProcessEnv): TargetConfig {
  const given = (name: string): string | boolean | undefined => {
    const value = options[camelCase(name)];
    return typeof value === 'string' || typeof value === 'boolean' ? value : undefined;
  };
  const kind = (given('target') as string | undefined) ?? defaultOf('target');
  const owners: Array<[string, string]> = [
    ['out', 'directory'],
    ...Object.entries(TARGET_SETTINGS).map(([name, { kind: owner }]): [string, string] => [name, owner]),
  ];
  for (const [name, owner] of owners) {
    if (given(name) !== undefined && owner !== kind) {
      throw new UsageError(
        `--${name} is a setting of --target ${owner}, and the target is ${kind}${given('target') === undefined ? ' (the default)' : ''}`,
      );
    }
  }
  const setting = (name: string): string | undefined => {
    if (name in SECRET_VARIABLES) return name === 'token' ? env.GITHUB_TOKEN : undefined;
    if (name === 'directory') return (given('directory') ?? given('out')) as string | undefined;
    const value = given(name);
    return typeof value === 'boolean' ? String(value) : (value ?? defaultOf(name));
  };
  return parsed(() => readTargetConfig(setting, env, (name) => SECRET_VARIABLES[name] ?? `--${name}`));
}
