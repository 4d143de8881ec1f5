// The maintainer CLI: static-ota keygen | publish | rollout | cosign | verify | fleet,
// on commander (subcommands, per-command help, "did you mean" for mistyped options).
import { Command, CommanderError, Option } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import packageJson from '../../package.json' with { type: 'json' };
import {
  CLI_DEFAULTS,
  COMPRESS_MODES,
  parseDuration,
  parsePositiveInteger,
  type CompressMode,
} from '../settings/values.js';
import { STABLE_CHANNEL } from '../protocol/manifest.js';
import { createTarget } from '../mirror/factory.js';
import { fleetQueries, parseBucket, parseEngine, runFleet, type FleetCommandOptions } from '../maintain/fleet/fleet.js';
import type { VerifyReport } from '../maintain/verify.js';
import { checkBoard, runRelease } from '../release/run.js';
import {
  changeRollout,
  cosign,
  describeRelease,
  parseRequiredSignatures,
  parseRolloutPercent,
  type ExpectedRelease,
} from '../maintain/resign.js';
import {
  checkSigningKeys,
  generateKey,
  parsePublicKey,
  parseSigningKeys,
  publicKeyAsCArray,
  type SigningKey,
} from '../release/sign.js';
import { readTargetConfig, TARGET_SETTING_KINDS, type TargetConfig } from '../settings/target.js';
import { layoutForPrebuilt } from '../release/flash-layout.js';
import { channelFor, parseChannel, parseVersion } from '../release/version.js';

export interface CliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export const KEY_ENVIRONMENT_VARIABLE = 'STATIC_OTA_KEY';

/** What parsePublicKey reads, for the help of the options that take public keys. */
const PUBLIC_KEY_FORMS = '64 hex characters (as keygen prints it) or the PEM text';

/** Exit codes, as `--help` and the README list them. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const EXIT_CODES_HELP =
  '\nExit codes: 0 success, 1 failure (nothing or only part was done: see the message), 2 usage error (a missing, bad or conflicting option; nothing was done).\n';

class UsageError extends Error {}

type Write = (text: string) => void;

/**
 * A setting as the command line spells it: the shared parsers name the
 * action's inputs (`s3-bucket`), the CLI's flags are the same names as options.
 */
const flag = (name: string): string => `--${name}`;

/** A value the parsers refuse is a usage error (exit 2); a failure of the work itself stays exit 1. */
function usage(error: unknown): never {
  throw new UsageError((error as Error).message, { cause: error });
}

/** Runs a parser of option values; whatever it refuses is a usage error. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    return usage(error);
  }
}

const publicKeys = (keys: string[] | undefined, name: string): Uint8Array[] =>
  parsed(() => (keys ?? []).map((key) => parsePublicKey(key, flag(name))));

/** Every required option that is missing, in one message. */
function requireOptions(options: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((name) => {
    const value = options[camelCase(name)];
    return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length === 1) throw new UsageError(`required option --${missing[0]} is missing`);
  if (missing.length > 1)
    throw new UsageError(`required options ${missing.map((name) => `--${name}`).join(', ')} are missing`);
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
    throw new Error(
      error.code === 'EEXIST'
        ? `${options.out} already exists: refusing to overwrite a key`
        : `cannot write ${options.out}: ${error.message}`,
    );
  });
  const publicHex = Buffer.from(key.publicKey).toString('hex');
  out(
    `private key written to ${options.out} (keep it secret; store it as the STATIC_OTA_SIGNING_KEY repository secret)\n`,
  );
  out(`public key: ${publicHex}\nkeyid: ${key.keyId}\n\nFor your firmware:\n${publicKeyAsCArray(key.publicKey)}\n`);
}

/** The signing keys: a file that cannot be read is a failure, one that holds no key a usage error. */
async function readKeys(paths: string[], env: NodeJS.ProcessEnv): Promise<SigningKey[]> {
  if (paths.length === 0) {
    const material = env[KEY_ENVIRONMENT_VARIABLE];
    if (!material) throw new UsageError(`give --key PATH or set ${KEY_ENVIRONMENT_VARIABLE}`);
    return parsed(() => parseSigningKeys(material, KEY_ENVIRONMENT_VARIABLE));
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

/** --out or --target with the action's target settings (commander's camelCase keys). */
type TargetOptions = { out?: string } & { [setting: string]: unknown };

/** The settings that are secrets: the CLI reads each from its environment variable, never from argv. */
const SECRET_VARIABLES: Record<string, string> = {
  token: 'GITHUB_TOKEN',
  's3-secret-access-key': 'AWS_SECRET_ACCESS_KEY',
  's3-session-token': 'AWS_SESSION_TOKEN',
};

/** Which target each flag configures: --out is the directory target's. */
const TARGET_FLAG_KINDS: Record<string, TargetConfig['kind']> = { out: 'directory', ...TARGET_SETTING_KINDS };

/**
 * The mirror target from the flags, through the action's own parser
 * (readTargetConfig); secrets come from the environment only, never argv.
 * A flag of another target than the chosen one would be ignored: it is refused.
 */
function targetFrom(options: TargetOptions, env: NodeJS.ProcessEnv): TargetConfig {
  const given = (name: string): string | undefined => {
    const value = options[camelCase(name)];
    return typeof value === 'string' ? value : undefined;
  };
  const kind = given('target') ?? CLI_DEFAULTS.target;
  for (const [name, owner] of Object.entries(TARGET_FLAG_KINDS)) {
    if (given(name) !== undefined && owner !== kind) {
      throw new UsageError(
        `${flag(name)} is a setting of --target ${owner}, and the target is ${kind}${given('target') === undefined ? ' (the default)' : ''}`,
      );
    }
  }
  const fallbacks: Record<string, string | undefined> = {
    ...CLI_DEFAULTS,
    directory: options.out,
    's3-access-key-id': env.AWS_ACCESS_KEY_ID,
  };
  return parsed(() =>
    readTargetConfig(
      (name) => (name in SECRET_VARIABLES ? env[SECRET_VARIABLES[name]] : (given(name) ?? fallbacks[name])),
      env,
      (name) => SECRET_VARIABLES[name] ?? flag(name),
    ),
  );
}

/** The directory target needs its folder: --out (or --directory) is then required. */
const mirrorOptionsMissing = (options: TargetOptions): string[] =>
  (options.target ?? 'directory') === 'directory' && options.directory === undefined ? ['out'] : [];

/** The target flags every command that writes to a mirror takes: the action's settings under the same names. */
function addTargetOptions(command: Command): Command {
  command
    .addOption(
      new Option(
        '--out <dir>',
        'the mirror directory (the directory target; required unless --target says otherwise)',
      ).conflicts('directory'),
    )
    .addOption(
      new Option(
        '--target <kind>',
        "mirror target, as the action's target input; the github-pages: and s3: options below need theirs",
      ).choices(['directory', 'github-pages', 's3']),
    );
  const descriptions: Record<string, string> = {
    directory: 'the mirror directory (same as --out; give one of the two)',
    'pages-branch':
      'github-pages: branch (default gh-pages); the remote is GITHUB_SERVER_URL/GITHUB_REPOSITORY.git, the token GITHUB_TOKEN',
    'pages-folder': 'github-pages: sub-folder of the branch that is the mirror root',
    'pages-history':
      'github-pages: keep (a commit per publish, the default) or squash (one commit, pushed with --force-with-lease)',
    's3-bucket': 's3: bucket; credentials AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN',
    's3-prefix': 's3: key prefix (the mirror root)',
    's3-region': 's3: region (default us-east-1; R2 uses auto)',
    's3-endpoint': 's3: endpoint URL for S3-compatible services',
    's3-force-path-style': 's3: true for path-style addressing (MinIO)',
    's3-access-key-id': 's3: access key id (default AWS_ACCESS_KEY_ID)',
    's3-acl': 's3: canned ACL for uploads, e.g. public-read',
  };
  for (const name of Object.keys(TARGET_SETTING_KINDS)) command.option(`${flag(name)} <value>`, descriptions[name]);
  return command;
}

/** --board and --channel of a manifest already on a mirror, checked. */
function manifestLocation(options: { board: string; channel: string }): { board: string; channel: string } {
  const board = parsed(() => checkBoard(options.board, '--board'));
  return { board, channel: parsed(() => parseChannel(options.channel, '--channel')) };
}

const requiredSignatures = (text: string | undefined, fallback: number): number =>
  text === undefined ? fallback : parsed(() => parseRequiredSignatures(text, '--required-signatures'));

/** An optional value through its parser: undefined when the flag is not given. */
const optional = <T>(text: string | undefined, parse: (text: string) => T): T | undefined =>
  text === undefined ? undefined : parsed(() => parse(text));

interface PublishOptions extends TargetOptions {
  firmware: string;
  version: string;
  board: string;
  channel?: string;
  key?: string[];
  force?: boolean;
  trustedKey?: string[];
  allowLockout?: boolean;
  expiresIn?: string;
  keepVersions?: string;
  maxImageSize: string;
  compress: CompressMode;
  followStable: boolean;
  rollout?: string;
  requiredSignatures?: string;
  chipFamily?: string;
}

async function publish(options: PublishOptions, out: Write, env: NodeJS.ProcessEnv): Promise<void> {
  requireOptions({ ...options }, ['firmware', 'version', 'board', ...mirrorOptionsMissing(options)]);
  // Every option value is checked before anything is read or written.
  const target = targetFrom(options, env);
  const version = parsed(() => parseVersion(options.version, '--version'));
  const channel = parsed(() => channelFor(version, options.channel, '--channel'));
  if (!options.followStable && channel !== STABLE_CHANNEL)
    throw new UsageError(`--no-follow-stable is for stable releases, and ${version} goes to ${channel}`);
  const board = parsed(() => checkBoard(options.board, '--board'));
  const flash = await layoutForPrebuilt(options.firmware, options.chipFamily, '--chip-family').catch(usage);
  const nextReleaseKeys = publicKeys(options.trustedKey, 'trusted-key');
  const expiresInSeconds = optional(options.expiresIn, (text) => parseDuration(text, '--expires-in'));
  const rollout = optional(options.rollout, (text) => parseRolloutPercent(text, '--rollout'));
  const maxImageBytes = parsed(() => parsePositiveInteger(options.maxImageSize, '--max-image-size'));
  const keepVersions = optional(options.keepVersions, (text) => parsePositiveInteger(text, '--keep-versions'));
  const required = requiredSignatures(options.requiredSignatures, 1);
  const { manifests } = await runRelease({
    version,
    channel,
    projectDir: '.',
    environments: [],
    build: false,
    firmware: [{ board, path: options.firmware, flash }],
    signingKeys: await readKeys(options.key ?? [], env),
    nextReleaseKeys,
    allowLockout: options.allowLockout === true,
    expiresInSeconds,
    force: options.force === true,
    followStable: options.followStable,
    rollout,
    requiredSignatures: required,
    maxImageBytes,
    compress: options.compress,
    keepVersions,
    target,
    log: { info: (message) => out(`${message}\n`), warning: (message) => out(`warning: ${message}\n`) },
  });
  for (const published of manifests) {
    out(
      `  ${published.image}: ${published.size} bytes, sha256 ${published.sha256}${published.imageWritten ? '' : ' (already there)'}\n`,
    );
    if (published.supersededBy === undefined && target.kind === 'directory') {
      const text = await readFile(join(target.directory, ...published.manifest.split('/')), 'latin1');
      out(`  ${published.manifest}:\n${text.replace(/^/gm, '    ')}`);
    }
  }
  if (flash === undefined)
    out(
      `${board}: no install button on the release page: the chip of a prebuilt image is unknown (--chip-family ESP8266 adds one)\n`,
    );
}

interface VerifyOptions {
  mirror: string;
  board: string;
  channel: string;
  pubkey?: string[];
  requiredSignatures?: string;
  pending?: boolean;
  warnBefore?: string;
  timeout?: string;
  json?: boolean;
}

/** A duration that must say its unit: `7` alone could mean seconds or days. */
function durationWithUnit(text: string, name: string): number {
  if (/^\s*\d+\s*$/.test(text))
    throw new UsageError(`${name} needs a unit: 7d, 12h, 30m or 45s, got ${JSON.stringify(text)}`);
  return parsed(() => parseDuration(text, name));
}

async function verify(options: VerifyOptions, out: Write): Promise<void> {
  requireOptions({ ...options }, ['mirror', 'board', 'pubkey']);
  // Loaded only to verify: importing node:http and node:https costs every publish tens of milliseconds.
  const { parseMirror, verifyMirror, VerifyError } = await import('../maintain/verify.js');
  const trustedKeys = publicKeys(options.pubkey, 'pubkey');
  const required = requiredSignatures(options.requiredSignatures, 1);
  if (required > trustedKeys.length)
    throw new UsageError(`--required-signatures ${required} needs as many --pubkey keys, got ${trustedKeys.length}`);
  const warnBeforeSeconds = optional(options.warnBefore, (text) => durationWithUnit(text, '--warn-before'));
  const timeoutSeconds = optional(options.timeout, (text) => durationWithUnit(text, '--timeout'));
  const request = {
    mirror: parsed(() => parseMirror(options.mirror, '--mirror')),
    ...manifestLocation(options),
    trustedKeys,
    requiredSignatures: required,
    pending: options.pending === true,
    warnBeforeSeconds,
    timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
  };
  let report: VerifyReport;
  try {
    report = await verifyMirror(request);
  } catch (error) {
    // A script reads the failure on stdout; the message still goes to stderr with exit 1.
    const code = error instanceof VerifyError ? error.code : 'error';
    if (options.json) out(`${JSON.stringify({ ok: false, code, error: (error as Error).message }, null, 2)}\n`);
    throw error;
  }
  out(options.json ? `${JSON.stringify(verifyJson(report), null, 2)}\n` : verifyText(report, options));
}

/** The report of verify --json: one object, the fields a monitor checks. */
function verifyJson(report: VerifyReport): Record<string, unknown> {
  const { manifest } = report;
  return {
    ok: true,
    manifest: report.manifestLocation,
    image: report.imageLocation,
    version: manifest.version,
    board: manifest.board,
    channel: manifest.channel,
    rollout: manifest.rollout,
    seq: manifest.seq,
    expires: manifest.expires === undefined ? null : new Date(manifest.expires * 1000).toISOString(),
    signedBy: manifest.verifiedKeys,
    requiredSignatures: report.requiredSignatures,
    awaitingCosign: report.awaitingCosign,
    size: manifest.size,
    sha256: manifest.sha256,
    encoding: manifest.encoding ?? null,
    warnings: report.warnings,
  };
}

function verifyText(report: VerifyReport, options: VerifyOptions): string {
  const { manifest } = report;
  const signatures = manifest.verifiedKeys.length;
  const count =
    options.requiredSignatures === undefined ? `${signatures}` : `${signatures} of ${report.requiredSignatures}`;
  const encoding = manifest.encoding
    ? ` ${manifest.encoding} (the ESP8266 boot loader inflates it; ESP32 devices refuse it)`
    : '';
  return [
    `OK ${report.manifestLocation}${report.awaitingCosign ? ' (awaiting cosign)' : ''}`,
    `  version ${manifest.version}, board ${manifest.board}, channel ${manifest.channel}, signed by ${manifest.verifiedKeys.join(', ')} (${count} signature${count === '1' ? '' : 's'})`,
    `  rollout ${manifest.rollout} %${manifest.rollout === 0 ? ' (halted)' : ''}, seq ${manifest.seq}`,
    ...(manifest.expires === undefined ? [] : [`  expires ${new Date(manifest.expires * 1000).toISOString()}`]),
    `  image ${report.imageLocation}:${encoding} ${manifest.size} bytes, sha256 ${manifest.sha256} (matches)`,
    ...report.warnings.map((warning) => `warning: ${warning}`),
    '',
  ].join('\n');
}

/** What rollout and cosign share: the manifest on a mirror, the keys, the threshold and what was reviewed. */
interface ResignOptions extends TargetOptions {
  board: string;
  channel: string;
  key?: string[];
  trustedKey?: string[];
  requiredSignatures?: string;
  expectVersion?: string;
  expectSha256?: string;
}

/** --expect-version and --expect-sha256: the release the maintainer reviewed. */
function expectedRelease(options: ResignOptions): ExpectedRelease {
  const sha256 = options.expectSha256?.trim().toLowerCase();
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256))
    throw new UsageError(
      `--expect-sha256 must be 64 hex characters (as verify prints it), got ${JSON.stringify(options.expectSha256)}`,
    );
  return {
    version: optional(options.expectVersion, (text) => parseVersion(text, '--expect-version')),
    sha256,
  };
}

interface RolloutOptions extends ResignOptions {
  percent: string;
}

async function rollout(options: RolloutOptions, out: Write, env: NodeJS.ProcessEnv): Promise<void> {
  requireOptions({ ...options }, ['board', 'percent', ...mirrorOptionsMissing(options)]);
  const config = targetFrom(options, env);
  const percent = parsed(() => parseRolloutPercent(options.percent, '--percent'));
  const location = manifestLocation(options);
  const trustedKeys = publicKeys(options.trustedKey, 'trusted-key');
  const required = optional(options.requiredSignatures, (text) =>
    parseRequiredSignatures(text, '--required-signatures'),
  );
  const expected = expectedRelease(options);
  const keys = await readKeys(options.key ?? [], env);
  const result = await changeRollout(await createTarget(config), {
    ...location,
    percent,
    keys,
    trustedKeys,
    requiredSignatures: required,
    expected,
  });
  const { manifest } = result;
  out(
    `${result.path}: ${manifest.version} rollout ${result.previousPercent}% -> ${manifest.rollout}% (seq ${manifest.seq})${percent === 0 ? ', halted' : ''}\n`,
  );
  out(`  ${describeRelease(manifest)}\n`);
  if (result.path.endsWith('/pending.txt'))
    out('staged: devices keep the current manifest until static-ota cosign adds the other signatures\n');
}

async function cosignCommand(options: ResignOptions, out: Write, env: NodeJS.ProcessEnv): Promise<void> {
  requireOptions({ ...options }, ['board', 'trusted-key', ...mirrorOptionsMissing(options)]);
  const config = targetFrom(options, env);
  const location = manifestLocation(options);
  const trustedKeys = publicKeys(options.trustedKey, 'trusted-key');
  const required = requiredSignatures(options.requiredSignatures, 2);
  const expected = expectedRelease(options);
  const keys = await readKeys(options.key ?? [], env);
  if (keys.length !== 1) throw new UsageError(`cosign adds one signature: give exactly one key, got ${keys.length}`);
  const result = await cosign(await createTarget(config), {
    ...location,
    key: keys[0],
    trustedKeys,
    requiredSignatures: required,
    expected,
  });
  out(
    `${result.path}: ${result.manifest.version} now has ${result.signatures} signature${result.signatures === 1 ? '' : 's'}${result.promoted ? ', promoted to latest.txt' : ''}\n`,
  );
  out(`  ${describeRelease(result.manifest)}\n`);
}

/** The options that pin what a maintainer reviewed, for rollout and cosign. */
function addExpectOptions(command: Command, what: string): Command {
  return command
    .option('--expect-version <semver>', `refuse unless the manifest ${what} offers this version`)
    .option(
      '--expect-sha256 <hex>',
      `refuse unless the manifest ${what} names the image with this SHA-256 (as verify prints it)`,
    );
}

function program(out: Write, err: Write, env: NodeJS.ProcessEnv): Command {
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
    .configureOutput({ writeOut: out, writeErr: err })
    .exitOverride();
  // Each subcommand inherits the output, suggestion and exit settings; help and its text are per command.
  const command = (name: string, description: string) =>
    root
      .command(name)
      .description(description)
      .helpOption('-h, --help', 'show help')
      .addHelpText('after', EXIT_CODES_HELP);

  command(
    'keygen',
    'make an Ed25519 signing key (PKCS#8 PEM) and print its public key as hex and as C for the firmware',
  )
    .option('--out <path>', 'file to write the private key to (required; never overwritten)')
    .action((options: KeygenOptions) => keygen(options, out));

  const publishCommand = command(
    'publish',
    'sign a prebuilt image and publish it with its latest.txt to a mirror (a directory, or --target)',
  )
    .option('--firmware <path>', 'the image to publish, e.g. .pio/build/nodemcuv2/firmware.bin (required)')
    .option('--version <semver>', 'its version, e.g. 1.4.2 or v1.5.0-beta.2 (required)')
    .option('--board <id>', 'board name: the mirror folder devices poll (required)')
    .option(
      '--key <path>',
      `signing key file (PKCS#8 PEM, or a 32-byte seed as hex or base64); repeat to sign with several; default: the ${KEY_ENVIRONMENT_VARIABLE} environment variable holding the key itself`,
      collect,
    )
    .option(
      '--channel <name>',
      'channel to publish to (default: stable, or the pre-release identifier: 1.5.0-beta.2 goes to beta)',
    )
    .option('--force', 're-publish a version equal to the one in the mirror (a lower one is always refused)')
    .option(
      '--trusted-key <key>',
      `public key able to sign the next release, which the image must contain (lockout guard), as ${PUBLIC_KEY_FORMS}; repeatable; default: the signing keys`,
      collect,
    )
    .option(
      '--allow-lockout',
      'publish even when the image contains none of those keys (devices running it could never update again)',
    )
    .option('--expires-in <duration>', 'write expires= this long after now, e.g. 30d, 12h, 3600s')
    .option('--keep-versions <n>', 'keep only the newest N images per board and channel (default: keep all)')
    .addOption(
      new Option(
        '--max-image-size <bytes>',
        'largest image accepted, in bytes (a gzip image: compressed and inflated)',
      ).default(CLI_DEFAULTS['max-image-size'], CLI_DEFAULTS['max-image-size']),
    )
    .option(
      '--no-follow-stable',
      "a stable release is not also offered on the board's other channels that offer a lower version",
    )
    .option(
      '--rollout <percent>',
      'staged rollout: offer the release to this percentage of devices (0-100; default all)',
    )
    .option(
      '--required-signatures <k>',
      'signatures devices require (k of n); with fewer keys the release is staged as pending.txt for cosign',
    )
    .option(
      '--chip-family <name>',
      "ESP Web Tools chip family for the release page's install button: only ESP8266 (the image alone at 0; other chips need a bootloader: publish from the action's build); default: ESP8266 for a gzip image, else no install button",
    )
    .addOption(
      new Option(
        '--compress <mode>',
        'gzip: serve the image gzip-compressed with encoding=gzip (ESP8266 only: its boot loader inflates it); auto: gzip for --chip-family ESP8266; none: as it is (an image already gzip is always served as it is)',
      )
        .choices(COMPRESS_MODES)
        .default('auto'),
    )
    .action((options: PublishOptions) => publish(options, out, env));
  addTargetOptions(publishCommand);

  const rolloutCommand = command(
    'rollout',
    're-sign the manifest on the mirror for its current version with a new rollout percentage (0 halts)',
  )
    .option('--board <id>', 'board name (required)')
    .option('--channel <name>', 'channel', STABLE_CHANNEL)
    .option('--percent <n>', 'percentage of devices, 0 to 100; 0 is the kill switch (required)')
    .option('--key <path>', `signing key file; repeatable; default: ${KEY_ENVIRONMENT_VARIABLE}`, collect)
    .option(
      '--trusted-key <key>',
      `public key devices trust, as ${PUBLIC_KEY_FORMS}; the current manifest must verify under these; repeatable; default: the signing keys`,
      collect,
    )
    .option(
      '--required-signatures <k>',
      'signatures devices require (default: one per trusted key); the current manifest must carry them; with fewer keys the change is staged for cosign',
    )
    .action((options: RolloutOptions) => rollout(options, out, env));
  addExpectOptions(rolloutCommand, 'on the mirror');
  addTargetOptions(rolloutCommand);

  const cosignCommandLine = command(
    'cosign',
    'add a signature to the staged manifest (or latest.txt) after verifying the existing ones; promote it at k',
  )
    .option('--board <id>', 'board name (required)')
    .option('--channel <name>', 'channel', STABLE_CHANNEL)
    .option('--key <path>', `the one signing key to add; default: ${KEY_ENVIRONMENT_VARIABLE}`, collect)
    .option(
      '--trusted-key <key>',
      `public key devices trust, as ${PUBLIC_KEY_FORMS}; every existing signature must verify under these; repeatable (required)`,
      collect,
    )
    .option(
      '--required-signatures <k>',
      'signatures devices require, which promote a staged manifest to latest.txt',
      '2',
    )
    .action((options: ResignOptions) => cosignCommand(options, out, env));
  addExpectOptions(cosignCommandLine, 'to cosign');
  addTargetOptions(cosignCommandLine);

  command(
    'verify',
    'check a mirror as a device does: latest.txt, its signatures, board, channel and expiry, then the image size and SHA-256',
  )
    .option(
      '--mirror <dir-or-url>',
      'mirror root: a directory, or an http:// or https:// URL; or the latest.txt URL devices poll (required)',
    )
    .option('--board <id>', 'board name (required)')
    .option(
      '--pubkey <key>',
      `a trusted public key itself, not a file: ${PUBLIC_KEY_FORMS}; repeatable (required)`,
      collect,
    )
    .option('--channel <name>', 'channel', STABLE_CHANNEL)
    .option(
      '--required-signatures <k>',
      'signatures from distinct trusted keys the manifest needs, as devices require (default 1)',
    )
    .option('--pending', 'check the staged manifest (pending.txt) awaiting cosignatures instead of latest.txt')
    .option(
      '--warn-before <duration>',
      'warn when the manifest expires within this long, e.g. 7d (an expired one always fails, as on devices with a clock)',
    )
    .option('--timeout <duration>', 'give up on a request after this long, e.g. 10s (default 30s)')
    .option('--json', 'print the report, or the failure with its code, as JSON')
    .action((options: VerifyOptions) => verify(options, out));

  command(
    'fleet',
    "which versions the fleet runs, from the mirror's access logs (nginx/Apache combined, S3; gzip rotations too)",
  )
    .option('--log <files...>', 'access logs to read, e.g. a shell glob of rotations; repeatable (required)')
    .option('--since <duration>', 'only requests this recent, e.g. 7d, 12h')
    .option('--json', 'print the report as JSON, time series included')
    .option('--html <file>', 'also write the report with its charts as one self-contained page')
    .option('--mirror <dir-or-url>', "mark each release's rollout share on the page, from the mirror's index.json")
    .option('--bucket <size>', 'time series by hour or day (default: by the hour for up to three days of logs)')
    .option('--sql <engine>', 'print the queries that make this report in athena, clickhouse or duckdb, and exit')
    .action((options: FleetCommandOptions) => {
      const bucket = optional(options.bucket, parseBucket);
      const engine = optional(options.sql, parseEngine);
      if (engine) return out(fleetQueries(engine, options.log ?? [], bucket));
      requireOptions({ ...options }, ['log']);
      const sinceSeconds = optional(options.since, (text) => parseDuration(text, '--since'));
      return runFleet({ ...options, log: options.log as string[], sinceSeconds, bucket }, out);
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
