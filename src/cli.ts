// The maintainer CLI: static-ota keygen | publish | rollout | cosign | verify.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_IMAGE_BYTES } from './image.js';
import { InputError, parseDuration, parsePositiveInteger } from './inputs.js';
import { isValidBoard, isValidChannel, STABLE_CHANNEL } from './manifest.js';
import { createTarget, type TargetConfig } from './publish/targets.js';
import { runRelease } from './release.js';
import { changeRollout, cosign, parseRequiredSignatures, parseRolloutPercent } from './resign.js';
import { readTargetConfig, TARGET_SETTING_NAMES } from './target-settings.js';
import { generateKey, parsePublicKey, parseSigningKeys, publicKeyAsCArray, type SigningKey } from './sign.js';
import { verifyMirror } from './verify.js';

export interface CliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export const KEY_ENVIRONMENT_VARIABLE = 'STATIC_OTA_KEY';

const USAGE = `Usage:
  static-ota keygen --out key.pem
  static-ota publish --firmware PATH --version SEMVER --board ID (--out DIR | --target KIND ...)
                     [--key PATH]... [--channel C] [--force] [--trusted-key HEX]...
                     [--allow-lockout] [--expires-in 30d] [--keep-versions N] [--max-image-size BYTES]
                     [--no-follow-stable] [--rollout PERCENT] [--required-signatures K]
      Keys: --key files (PKCS#8 PEM, or a 32-byte seed as hex or base64), or the
      ${KEY_ENVIRONMENT_VARIABLE} environment variable holding the key itself.
  static-ota rollout --board ID --percent N (--out DIR | --target KIND ...) [--channel C] [--key PATH]...
                     [--trusted-key HEX]... [--required-signatures K]
      Re-signs the manifest on the mirror for its current version with a new
      rollout percentage (0 halts the release), same image, seq one higher.
  static-ota cosign --board ID (--out DIR | --target KIND ...) --trusted-key HEX... [--channel C] [--key PATH]
                    [--required-signatures K]
      Adds a signature to the staged manifest (pending.txt, or latest.txt when
      none is staged) after verifying every existing one; promotes it to
      latest.txt once it has K signatures (default 2).
  Mirror targets (publish, rollout, cosign), with the action's settings as flags:
      --out DIR                     the directory target (same as --directory DIR)
      --target github-pages         --pages-branch B --pages-folder F; the remote is
                                    GITHUB_SERVER_URL/GITHUB_REPOSITORY.git, token GITHUB_TOKEN
      --target s3                   --s3-bucket B --s3-prefix P --s3-region R --s3-endpoint URL
                                    --s3-force-path-style true --s3-acl ACL; credentials
                                    AWS_ACCESS_KEY_ID (or --s3-access-key-id), AWS_SECRET_ACCESS_KEY,
                                    AWS_SESSION_TOKEN
  static-ota verify --mirror DIR_OR_URL --board ID --pubkey HEX [--pubkey HEX]... [--channel C]
                    [--required-signatures K] [--pending]
`;

class UsageError extends Error {}

type Write = (text: string) => void;

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function keygen(args: string[], out: Write): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const path = required(values, 'out');
  const key = generateKey();
  await writeFile(path, key.privatePem, { flag: 'wx', mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(error.code === 'EEXIST' ? `${path} already exists: refusing to overwrite a key` : `cannot write ${path}: ${error.message}`);
  });
  const publicHex = Buffer.from(key.publicKey).toString('hex');
  out(`private key written to ${path} (keep it secret; store it as the STATIC_OTA_SIGNING_KEY repository secret)\n`);
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

async function publish(args: string[], out: Write, env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      firmware: { type: 'string' },
      version: { type: 'string' },
      board: { type: 'string' },
      channel: { type: 'string' },
      key: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      'no-follow-stable': { type: 'boolean', default: false },
      rollout: { type: 'string' },
      'required-signatures': { type: 'string' },
      'trusted-key': { type: 'string', multiple: true, default: [] },
      'allow-lockout': { type: 'boolean', default: false },
      'expires-in': { type: 'string' },
      'keep-versions': { type: 'string' },
      'max-image-size': { type: 'string' },
    },
  });
  const target = targetFrom(values, env);
  const expiresIn = values['expires-in'];
  const keepVersions = values['keep-versions'];
  const maxImageSize = values['max-image-size'];
  const { manifests } = await runRelease({
    version: required(values, 'version'),
    channel: values.channel,
    projectDir: '.',
    environments: [],
    build: false,
    firmware: [{ board: required(values, 'board'), path: required(values, 'firmware') }],
    signingKeys: await readKeys(values.key, env),
    nextReleaseKeys: values['trusted-key'].map((key) => parsePublicKey(key, '--trusted-key')),
    allowLockout: values['allow-lockout'],
    expiresInSeconds: expiresIn === undefined ? undefined : parseDuration(expiresIn, '--expires-in'),
    force: values.force,
    followStable: !values['no-follow-stable'],
    rollout: values.rollout === undefined ? undefined : parseRolloutPercent(values.rollout, '--rollout'),
    requiredSignatures: requiredSignatures(values, 1),
    maxImageBytes: maxImageSize === undefined ? DEFAULT_MAX_IMAGE_BYTES : parsePositiveInteger(maxImageSize, '--max-image-size'),
    keepVersions: keepVersions === undefined ? undefined : parsePositiveInteger(keepVersions, '--keep-versions'),
    target,
    log: { info: (message) => out(`${message}\n`), warning: (message) => out(`warning: ${message}\n`) },
  });
  for (const published of manifests) {
    out(`  ${published.image}: ${published.size} bytes, sha256 ${published.sha256}${published.imageWritten ? '' : ' (already there)'}\n`);
    if (published.supersededBy === undefined && target.kind === 'directory') {
      const text = await readFile(join(target.directory, ...published.manifest.split('/')), 'latin1');
      out(`  ${published.manifest}:\n${text.replace(/^/gm, '    ')}`);
    }
  }
}

async function rollout(args: string[], out: Write, env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      board: { type: 'string' },
      channel: { type: 'string', default: STABLE_CHANNEL },
      percent: { type: 'string' },
      key: { type: 'string', multiple: true, default: [] },
      'trusted-key': { type: 'string', multiple: true, default: [] },
      'required-signatures': { type: 'string' },
      ...TARGET_OPTIONS,
    },
  });
  const percent = parseRolloutPercent(required(values, 'percent'), '--percent');
  const target = await createTarget(targetFrom(values, env));
  const result = await changeRollout(target, {
    ...manifestLocation(values),
    percent,
    keys: await readKeys(values.key, env),
    trustedKeys: values['trusted-key'].map((key) => parsePublicKey(key, '--trusted-key')),
    requiredSignatures: requiredSignatures(values, 1),
  });
  out(`${result.path}: ${result.version} rollout ${result.previousPercent}% -> ${result.percent}% (seq ${result.seq})${percent === 0 ? ', halted' : ''}\n`);
  if (result.path.endsWith('/pending.txt')) out('staged: devices keep the current manifest until static-ota cosign adds the other signatures\n');
}

async function cosignCommand(args: string[], out: Write, env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      board: { type: 'string' },
      channel: { type: 'string', default: STABLE_CHANNEL },
      key: { type: 'string', multiple: true, default: [] },
      'trusted-key': { type: 'string', multiple: true, default: [] },
      'required-signatures': { type: 'string' },
      ...TARGET_OPTIONS,
    },
  });
  if (values['trusted-key'].length === 0) throw new UsageError('--trusted-key is required: the public keys devices trust, to verify the existing signatures');
  const keys = await readKeys(values.key, env);
  if (keys.length !== 1) throw new UsageError(`cosign adds one signature: give exactly one key, got ${keys.length}`);
  const target = await createTarget(targetFrom(values, env));
  const result = await cosign(target, {
    ...manifestLocation(values),
    key: keys[0],
    trustedKeys: values['trusted-key'].map((key) => parsePublicKey(key, '--trusted-key')),
    requiredSignatures: requiredSignatures(values, 2),
  });
  out(`${result.path}: ${result.version} now has ${result.signatures} signature${result.signatures === 1 ? '' : 's'}${result.promoted ? ', promoted to latest.txt' : ''}\n`);
}

/** The action's target settings as flags, plus --out for the directory target. */
const TARGET_OPTIONS = {
  out: { type: 'string' },
  ...Object.fromEntries(TARGET_SETTING_NAMES.map((name) => [name, { type: 'string' }])),
} as Record<'out' | (typeof TARGET_SETTING_NAMES)[number], { type: 'string' }>;

/** The mirror target from the flags, through the action's own parser; secrets come from the environment only. */
function targetFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv): TargetConfig {
  const flag = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const secrets: Record<string, string | undefined> = {
    token: env.GITHUB_TOKEN,
    's3-secret-access-key': env.AWS_SECRET_ACCESS_KEY,
    's3-session-token': env.AWS_SESSION_TOKEN,
  };
  const fallbacks: Record<string, string | undefined> = { directory: flag('out'), 's3-access-key-id': env.AWS_ACCESS_KEY_ID };
  const config = readTargetConfig((name) => (name in secrets ? secrets[name] : (flag(name) ?? fallbacks[name])), env);
  if (config.kind === 'directory' && flag('directory') === undefined && flag('out') === undefined) {
    throw new UsageError('--out DIR is required (or --target github-pages|s3 with its settings)');
  }
  return config;
}

function requiredSignatures(values: Record<string, unknown>, fallback: number): number {
  const text = values['required-signatures'];
  if (typeof text !== 'string') return fallback;
  return parseRequiredSignatures(text, '--required-signatures');
}

/** --board and --channel, checked. */
function manifestLocation(values: Record<string, unknown>): { board: string; channel: string } {
  const board = required(values, 'board');
  const channel = typeof values.channel === 'string' ? values.channel : STABLE_CHANNEL;
  if (!isValidBoard(board)) throw new UsageError(`--board ${JSON.stringify(board)} is not a board name`);
  if (!isValidChannel(channel)) throw new UsageError(`--channel ${JSON.stringify(channel)} is not a channel name`);
  return { board, channel };
}

async function verify(args: string[], out: Write): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      mirror: { type: 'string' },
      board: { type: 'string' },
      channel: { type: 'string', default: STABLE_CHANNEL },
      pubkey: { type: 'string', multiple: true, default: [] },
      'required-signatures': { type: 'string' },
      pending: { type: 'boolean', default: false },
    },
  });
  if (values.pubkey.length === 0) throw new UsageError('--pubkey is required');
  const { board, channel } = manifestLocation(values);
  const report = await verifyMirror({
    mirror: required(values, 'mirror'),
    board,
    channel,
    trustedKeys: values.pubkey.map((key) => parsePublicKey(key, '--pubkey')),
    requiredSignatures: requiredSignatures(values, 1),
    pending: values.pending,
  });
  const { manifest } = report;
  out(`OK ${report.manifestLocation}\n`);
  out(`  version ${manifest.version}, board ${manifest.board}, channel ${manifest.channel}, signed by ${manifest.verifiedKeys.join(', ')}\n`);
  if (manifest.expires !== undefined) out(`  expires ${new Date(manifest.expires * 1000).toISOString()}\n`);
  out(`  image ${report.imageLocation}: ${manifest.size} bytes, sha256 ${manifest.sha256} (matches)\n`);
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  const env = io.env ?? process.env;
  const [command, ...args] = argv;
  try {
    if (command === 'keygen') await keygen(args, out);
    else if (command === 'publish') await publish(args, out, env);
    else if (command === 'verify') await verify(args, out);
    else if (command === 'rollout') await rollout(args, out, env);
    else if (command === 'cosign') await cosignCommand(args, out, env);
    else if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out(USAGE);
      return command === undefined ? 2 : 0;
    } else throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    err(`static-ota ${command}: ${(error as Error).message}\n`);
    if (usage) err(USAGE);
    return usage ? 2 : 1;
  }
}
