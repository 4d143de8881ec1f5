// The maintainer CLI: static-ota keygen | publish | verify | fleet, on commander
// (subcommands, per-command help, "did you mean" for mistyped options).
import { Command, CommanderError, Option } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };
import { DEFAULT_MAX_IMAGE_BYTES } from './image.js';
import { COMPRESS_MODES, InputError, parseDuration, parsePositiveInteger, type CompressMode } from './inputs.js';
import { isValidBoard, isValidChannel, STABLE_CHANNEL } from './manifest.js';
import { runFleet, type FleetOptions } from './fleet.js';
import { runRelease } from './release.js';
import { generateKey, parsePublicKey, parseSigningKeys, publicKeyAsCArray, type SigningKey } from './sign.js';
import { layoutForPrebuilt } from './site/web-install.js';

export interface CliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export const KEY_ENVIRONMENT_VARIABLE = 'STATIC_OTA_KEY';

/** Exit codes, as `--help` and the README list them. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const EXIT_CODES_HELP = '\nExit codes: 0 success, 1 failure (nothing or only part was done: see the message), 2 usage error.\n';

class UsageError extends Error {}

type Write = (text: string) => void;

/** Every required option that is missing, in one message. */
function requireOptions(options: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((name) => {
    const value = options[camelCase(name)];
    return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length === 1) throw new UsageError(`required option --${missing[0]} is missing`);
  if (missing.length > 1) throw new UsageError(`required options ${missing.map((name) => `--${name}`).join(', ')} are missing`);
}

const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface KeygenOptions {
  out: string;
}

async function keygen(options: KeygenOptions, out: Write): Promise<void> {
  requireOptions({ ...options }, ['out']);
  const key = generateKey();
  await writeFile(options.out, key.privatePem, { flag: 'wx', mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(
      error.code === 'EEXIST' ? `${options.out} already exists: refusing to overwrite a key` : `cannot write ${options.out}: ${error.message}`,
    );
  });
  const publicHex = Buffer.from(key.publicKey).toString('hex');
  out(`private key written to ${options.out} (keep it secret; store it as the STATIC_OTA_SIGNING_KEY repository secret)\n`);
  out(`public key: ${publicHex}\nkeyid: ${key.keyId}\n\nFor your firmware:\n${publicKeyAsCArray(key.publicKey)}\n`);
}

async function readKeys(paths: string[], env: NodeJS.ProcessEnv): Promise<SigningKey[]> {
  if (paths.length === 0) {
    const material = env[KEY_ENVIRONMENT_VARIABLE];
    if (!material) throw new UsageError(`give --key PATH or set ${KEY_ENVIRONMENT_VARIABLE}`);
    return parseSigningKeys(material, KEY_ENVIRONMENT_VARIABLE);
  }
  const keys: SigningKey[] = [];
  for (const path of paths) {
    const material = await readFile(path, 'utf8').catch((error: Error) => {
      throw new InputError(`cannot read key file ${path}: ${error.message}`);
    });
    keys.push(...parseSigningKeys(material, path));
  }
  return keys;
}

interface PublishOptions {
  firmware: string;
  version: string;
  board: string;
  out: string;
  channel?: string;
  key?: string[];
  force?: boolean;
  trustedKey?: string[];
  allowLockout?: boolean;
  expiresIn?: string;
  keepVersions?: string;
  maxImageSize: string;
  compress: CompressMode;
  chipFamily?: string;
}

async function publish(options: PublishOptions, out: Write, env: NodeJS.ProcessEnv): Promise<void> {
  requireOptions({ ...options }, ['firmware', 'version', 'board', 'out']);
  const { expiresIn, keepVersions } = options;
  const { manifests } = await runRelease({
    version: options.version,
    channel: options.channel,
    projectDir: '.',
    environments: [],
    build: false,
    firmware: [{ board: options.board, path: options.firmware, flash: await layoutForPrebuilt(options.firmware, options.chipFamily) }],
    signingKeys: await readKeys(options.key ?? [], env),
    nextReleaseKeys: (options.trustedKey ?? []).map((key) => parsePublicKey(key, '--trusted-key')),
    allowLockout: options.allowLockout === true,
    expiresInSeconds: expiresIn === undefined ? undefined : parseDuration(expiresIn, '--expires-in'),
    force: options.force === true,
    maxImageBytes: parsePositiveInteger(options.maxImageSize, '--max-image-size'),
    compress: options.compress,
    keepVersions: keepVersions === undefined ? undefined : parsePositiveInteger(keepVersions, '--keep-versions'),
    target: { kind: 'directory', directory: options.out },
    log: { info: (message) => out(`${message}\n`), warning: (message) => out(`warning: ${message}\n`) },
  });
  for (const published of manifests) {
    out(`  ${published.image}: ${published.size} bytes, sha256 ${published.sha256}${published.imageWritten ? '' : ' (already there)'}\n`);
    if (published.supersededBy === undefined) {
      const text = await readFile(join(options.out, ...published.manifest.split('/')), 'latin1');
      out(`  ${published.manifest}:\n${text.replace(/^/gm, '    ')}`);
    }
  }
}

interface VerifyOptions {
  mirror: string;
  board: string;
  channel: string;
  pubkey?: string[];
}

async function verify(options: VerifyOptions, out: Write): Promise<void> {
  requireOptions({ ...options }, ['mirror', 'board', 'pubkey']);
  if (!isValidBoard(options.board)) throw new UsageError(`--board ${JSON.stringify(options.board)} is not a board name`);
  if (!isValidChannel(options.channel)) throw new UsageError(`--channel ${JSON.stringify(options.channel)} is not a channel name`);
  // Loaded only to verify: importing node:http and node:https costs every publish tens of milliseconds.
  const { verifyMirror } = await import('./verify.js');
  const report = await verifyMirror({
    mirror: options.mirror,
    board: options.board,
    channel: options.channel,
    trustedKeys: (options.pubkey ?? []).map((key) => parsePublicKey(key, '--pubkey')),
  });
  const { manifest } = report;
  out(`OK ${report.manifestLocation}\n`);
  out(`  version ${manifest.version}, board ${manifest.board}, channel ${manifest.channel}, signed by ${manifest.verifiedBy}\n`);
  if (manifest.expires !== undefined) out(`  expires ${new Date(manifest.expires * 1000).toISOString()}\n`);
  const encoding = manifest.encoding ? ` ${manifest.encoding} (the ESP8266 boot loader inflates it; ESP32 devices refuse it)` : '';
  out(`  image ${report.imageLocation}:${encoding} ${manifest.size} bytes, sha256 ${manifest.sha256} (matches)\n`);
}

function program(out: Write, err: Write, env: NodeJS.ProcessEnv): Command {
  const root = new Command('static-ota')
    .description('Signed OTA updates for ESP8266/ESP32 from a static mirror: make keys, publish images, verify mirrors, read fleet status from access logs.')
    .version(packageJson.version, '-V, --version', 'print the version of static-ota')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError()
    .showHelpAfterError('Run with --help for the options.')
    // Root options only before the command: `publish --version 1.4.2` is publish's own option.
    .enablePositionalOptions()
    .configureOutput({ writeOut: out, writeErr: err })
    .exitOverride();
  // Each subcommand inherits the output, suggestion and exit settings; help and its text are per command.
  const command = (name: string, description: string) =>
    root.command(name).description(description).helpOption('-h, --help', 'show help').addHelpText('after', EXIT_CODES_HELP);

  command('keygen', 'make an Ed25519 signing key (PKCS#8 PEM) and print its public key as hex and as C for the firmware')
    .option('--out <path>', 'file to write the private key to (required; never overwritten)')
    .action((options: KeygenOptions) => keygen(options, out));

  command('publish', 'sign a prebuilt image and publish it with its latest.txt to a directory mirror')
    .option('--firmware <path>', 'the image to publish, e.g. .pio/build/nodemcuv2/firmware.bin (required)')
    .option('--version <semver>', 'its version, e.g. 1.4.2 or v1.5.0-beta.2 (required)')
    .option('--board <id>', 'board name: the mirror folder devices poll (required)')
    .option('--out <dir>', 'the mirror directory (required)')
    .option('--key <path>', `signing key file (PKCS#8 PEM, or a 32-byte seed as hex or base64); repeat to sign with several; default: the ${KEY_ENVIRONMENT_VARIABLE} environment variable holding the key itself`, collect)
    .option('--channel <name>', 'channel to publish to (default: stable, or the pre-release identifier: 1.5.0-beta.2 goes to beta)')
    .option('--force', 're-publish a version equal to the one in the mirror (a lower one is always refused)')
    .option('--trusted-key <hex>', 'public key able to sign the next release, which the image must contain (lockout guard); repeatable; default: the signing keys', collect)
    .option('--allow-lockout', 'publish even when the image contains none of those keys (devices running it could never update again)')
    .option('--expires-in <duration>', 'write expires= this long after now, e.g. 30d, 12h, 3600s')
    .option('--keep-versions <n>', 'keep only the newest N images per board and channel (default: keep all)')
    .addOption(new Option('--max-image-size <bytes>', 'largest image accepted, in bytes (a gzip image: compressed and inflated)').default(String(DEFAULT_MAX_IMAGE_BYTES), `${DEFAULT_MAX_IMAGE_BYTES}`))
    .option('--chip-family <name>', "ESP Web Tools chip family for the release page's install button: ESP8266 (the image alone at 0); default: ESP8266 for a gzip image, else none")
    .addOption(
      new Option('--compress <mode>', 'gzip: serve the image gzip-compressed with encoding=gzip (ESP8266 only: its boot loader inflates it); auto: gzip for --chip-family ESP8266, an image already gzip as it is')
        .choices(COMPRESS_MODES)
        .default('auto'),
    )
    .action((options: PublishOptions) => publish(options, out, env));

  command('verify', 'check a mirror as a device does: latest.txt, its signature, then the image size and SHA-256')
    .option('--mirror <dir-or-url>', 'mirror root: a directory, or an http:// or https:// URL (required)')
    .option('--board <id>', 'board name (required)')
    .option('--pubkey <hex>', 'trusted public key (hex or PEM); repeatable (required)', collect)
    .option('--channel <name>', 'channel', STABLE_CHANNEL)
    .action((options: VerifyOptions) => verify(options, out));

  command('fleet', 'which versions the fleet runs, from the mirror\'s access logs (nginx/Apache combined, S3; gzip rotations too)')
    .option('--log <file>', 'access log to read; repeat for rotations (required)', collect)
    .option('--since <duration>', 'only requests this recent, e.g. 7d, 12h')
    .option('--json', 'print the report as JSON')
    .action((options: FleetOptions) => {
      requireOptions({ ...options }, ['log']);
      return runFleet(options, out);
    });
  return root;
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  const cli = program(out, err, io.env ?? process.env);
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
    const name = cli.args[0] ?? '';
    err(`static-ota ${name}: ${(error as Error).message}\n`);
    if (error instanceof UsageError) {
      err(`Run static-ota ${name} --help for its options.\n`);
      return EXIT.usage;
    }
    return EXIT.failure;
  }
}
