// The action's entry: read inputs, run the release, set outputs. All logic lives in the library.
import * as core from '@actions/core';
import { InputError } from './common/input-error.js';
import { ReleaseError, runRelease, type ReleaseOptions, type ReleaseResult } from './release/run.js';
import { prebuiltImage, type ChipFamily } from './release/flash-layout.js';
import { parseSigningKeys, type SigningKey } from './release/sign.js';
import { inputLabel } from './settings/label.js';
import { SETTINGS, type Setting } from './settings/declarations.js';
import { readTargetConfig, type TargetConfig } from './settings/target.js';
import { splitList } from './settings/values.js';

// Defaults live in action.yml alone: the runner sets every input that has one.
const input = (name: string): string => core.getInput(name);
const flag = (name: string): boolean => core.getBooleanInput(name);

/** A declared setting from its input: undefined when empty, except a switch, which is always true or false. */
function setting<T>(declared: Setting<T>): T | undefined {
  const text = input(declared.input);
  return text || declared.metavar === undefined ? declared.parse(text, declared.input) : undefined;
}

/** A declared repeatable setting from its list input (one per line, or separated by commas). */
const settings = <T>(declared: Setting<T>): T[] =>
  splitList(input(declared.input)).map((text) => declared.parse(text, declared.input));

/** Registers every form of a secret a log line could contain, line by line (masks do not span lines). */
function maskSecret(value: string | undefined): void {
  for (const line of value?.split(/\r?\n/) ?? []) {
    if (line.trim()) core.setSecret(line.trim());
  }
}

function readSigningKeys(): SigningKey[] {
  const material = input('signing-key');
  maskSecret(material);
  if (!material.trim()) return [];
  const keys = parseSigningKeys(material, 'signing-key');
  for (const key of keys) {
    const seed = Buffer.from(key.seed);
    for (const encoding of ['hex', 'base64', 'base64url'] as const) core.setSecret(seed.toString(encoding));
  }
  return keys;
}

/** With build false: the prebuilt images, each with its chip (chip-family, or a gzip image's ESP8266) and layout. */
async function readFirmware(environments: string[], chipFamily: ChipFamily | undefined) {
  const lines = splitList(input('firmware'));
  let images: Array<{ board: string; path: string }>;
  if (lines.length === 1 && !lines[0].includes('=')) {
    if (environments.length !== 1) {
      throw new InputError(
        'firmware is a single path: name its board with exactly one entry in environments, or write board=path',
      );
    }
    images = [{ board: environments[0], path: lines[0] }];
  } else {
    images = lines.map((line) => {
      const equals = line.indexOf('=');
      if (equals < 1) throw new InputError(`firmware line ${JSON.stringify(line)} is not board=path`);
      return { board: line.slice(0, equals).trim(), path: line.slice(equals + 1).trim() };
    });
  }
  return Promise.all(
    images.map(async (image) => ({ ...image, ...(await prebuiltImage(image.path, chipFamily, inputLabel)) })),
  );
}

function readTarget(): TargetConfig {
  const token = input('token') || undefined;
  const secretAccessKey = input('s3-secret-access-key') || undefined;
  const sessionToken = input('s3-session-token') || undefined;
  // The SDK also reads AWS_* from the environment: mask those values too.
  [token, secretAccessKey, sessionToken, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN].forEach(
    maskSecret,
  );
  return readTargetConfig(input, process.env);
}

async function readOptions(): Promise<ReleaseOptions> {
  const signingKeys = readSigningKeys();
  const environments = splitList(input('environments'));
  const build = flag('build');
  // Checked whether or not it is used (prebuilt images only): a bad value is a bad value.
  const chipFamily = setting(SETTINGS.chipFamily);
  for (const prebuiltOnly of ['chip-family', 'firmware'])
    if (build && input(prebuiltOnly))
      core.warning(
        `${prebuiltOnly} is for prebuilt images (build: false); this run builds, and PlatformIO gives the chip`,
      );
  return {
    ref: process.env.GITHUB_REF,
    version: input('version') || undefined,
    channel: setting(SETTINGS.channel),
    projectDir: input('project-dir'),
    environments,
    build,
    platformioVersion: setting(SETTINGS.platformioVersion),
    firmware: build ? [] : await readFirmware(environments, chipFamily),
    signingKeys,
    nextReleaseKeys: settings(SETTINGS.trustedKeys),
    allowLockout: setting(SETTINGS.allowLockout) as boolean,
    expiresInSeconds: setting(SETTINGS.expiresIn),
    force: setting(SETTINGS.force) as boolean,
    followStable: setting(SETTINGS.followStable),
    rollout: setting(SETTINGS.rollout),
    requiredSignatures: setting(SETTINGS.requiredSignatures),
    maxImageBytes: setting(SETTINGS.maxImageSize) as number,
    compress: setting(SETTINGS.compress) ?? 'auto',
    keepVersions: setting(SETTINGS.keepVersions),
    deltaFrom: setting(SETTINGS.deltaFrom),
    target: readTarget(),
    releaseAssets: flag('release-assets')
      ? { token: input('token'), repository: process.env.GITHUB_REPOSITORY ?? '' }
      : undefined,
    attest: flag('attest') ? { token: input('token'), repository: requireRepository('attest') } : undefined,
    label: inputLabel,
    log: { info: core.info, warning: core.warning, group: core.group, mask: core.setSecret },
  };
}

function requireRepository(input: string): string {
  const repository = process.env.GITHUB_REPOSITORY;
  if (!repository) throw new InputError(`${input} needs GITHUB_REPOSITORY (set by GitHub Actions)`);
  return repository;
}

/** One summary line per lockout guard finding, so it is seen beside the result, not only in the log. */
function addLockouts(result: ReleaseResult, outcome: string): void {
  for (const lockout of result.lockouts)
    core.summary.addRaw(`<p><b>Warning (${outcome}):</b> ${escapeHtml(lockout)}</p>`, true);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Every channel a manifest was written for: the release's, then those follow-stable signed it for. */
const channelsPublished = (result: ReleaseResult): string[] => [
  ...new Set(result.manifests.filter((manifest) => manifest.supersededBy === undefined).map(({ channel }) => channel)),
];

async function writeOutputs(result: ReleaseResult): Promise<void> {
  core.setOutput('version', result.version ?? '');
  core.setOutput('channel', result.channel ?? '');
  core.setOutput(
    'manifests',
    JSON.stringify(result.manifests.map(({ imageWritten: _written, ...manifest }) => manifest)),
  );
  core.setOutput('channels', JSON.stringify(channelsPublished(result)));
  core.setOutput('page-url', result.pageUrl ?? '');
  if (result.version === undefined) {
    core.summary
      .addHeading('static-ota: build only', 3)
      .addList(result.built.map(({ board, path }) => `${board}: ${path}`));
    addLockouts(result, 'a release of this build would be refused');
    await core.summary.write();
    return;
  }
  core.summary.addHeading(`static-ota ${result.version} (${result.channel})`, 3).addTable([
    [
      { data: 'Board', header: true },
      { data: 'Version', header: true },
      { data: 'Size', header: true },
      { data: 'SHA-256', header: true },
      { data: 'Manifest', header: true },
    ],
    ...result.manifests.map((manifest) => [
      manifest.board,
      manifest.version,
      String(manifest.size),
      manifest.sha256,
      manifest.manifest,
    ]),
  ]);
  if (result.pageUrl) core.summary.addLink('Release page', result.pageUrl);
  addLockouts(result, 'published anyway: allow-lockout is set');
  if (result.attestations?.length) {
    core.summary
      .addHeading('Build provenance', 4)
      .addList(result.attestations.map(({ board, file, id }) => `${board}/${file}: attestation ${id}`))
      .addCodeBlock(result.attestations.map(({ verify }) => verify).join('\n'), 'sh');
  }
  await core.summary.write();
}

export async function run(): Promise<void> {
  try {
    await writeOutputs(await runRelease(await readOptions()));
  } catch (error) {
    if (error instanceof ReleaseError && error.published) await writeOutputs(error.published);
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
