// The maintainer CLI: static-ota keygen | pubkey | publish | rollout | cosign | verify | fleet,
// on commander (subcommands, per-command help, "did you mean" for mistyped options).
// Each command declares its own options in src/cli/commands/.
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { terminalText } from '../common/terminal-text.js';
import { registerFleet } from './commands/fleet.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerPublish } from './commands/publish.js';
import { registerResignCommands } from './commands/resign.js';
import { registerVerify } from './commands/verify.js';
import { UsageError, type CommandIo, type Write } from './options.js';

export interface CliIo {
  stdout?: Write;
  stderr?: Write;
  env?: NodeJS.ProcessEnv;
}

/** Exit codes, as `--help` and the README list them. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const EXIT_CODES_HELP =
  '\nExit codes: 0 success, 1 failure (nothing or only part was done: see the message), 2 usage error (a missing, bad or conflicting option; nothing was done).\n';

/** A message may carry text others control (a mirror's file, a server's header): no terminal controls reach the user. */
const MAX_MESSAGE_LINE = 4000;
const printable = (message: string): string =>
  message
    .split('\n')
    .map((line) => terminalText(line, MAX_MESSAGE_LINE))
    .join('\n');

function program(io: CommandIo): Command {
  const root = new Command('static-ota')
    .description(
      'Signed OTA updates for ESP8266/ESP32 from a static mirror: make keys, publish images, verify mirrors, read fleet status from access logs.',
    )
    .version(packageJson.version, '-V, --version', 'print the version of static-ota')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError()
    .showHelpAfterError('Run with --help for the options.')
    // Root options only before the command: `publish --version 1.4.2` is publish's own option.
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  // Each subcommand inherits the output, suggestion and exit settings; help and its text are per command.
  const command = (name: string, description: string) =>
    root
      .command(name)
      .description(description)
      .helpOption('-h, --help', 'show help')
      .addHelpText('after', EXIT_CODES_HELP);
  registerKeyCommands(command, io);
  registerPublish(command, io);
  registerResignCommands(command, io);
  registerVerify(command, io);
  registerFleet(command, io);
  return root;
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  const cli = program({ out, err, env: io.env ?? process.env });
  if (argv.length === 0) {
    err(cli.helpInformation());
    return EXIT.usage;
  }
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    // commander has already printed its own messages (help, version, usage errors).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // A usage error met while parsing comes before commander has set the command's arguments.
    const name = cli.args[0] ?? argv[0];
    err(`static-ota ${name}: ${printable((error as Error).message)}\n`);
    if (error instanceof UsageError) {
      err(`Run static-ota ${name} --help for its options.\n`);
      return EXIT.usage;
    }
    return EXIT.failure;
  }
}
