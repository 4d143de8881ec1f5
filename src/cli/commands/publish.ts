// static-ota publish: sign a prebuilt image and publish it with its latest.txt, as the action's release job does.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STABLE_CHANNEL } from '../../protocol/manifest.js';
import { prebuiltImage } from '../../release/flash-layout.js';
import type { PublishedManifest } from '../../release/publish.js';
import { runRelease } from '../../release/run.js';
import { channelFor } from '../../release/version.js';
import { flagLabel, SETTINGS } from '../../settings/declarations.js';
import type { TargetConfig } from '../../settings/target.js';
import { checkBoard } from '../../settings/values.js';
import {
  keyOption,
  parsed,
  readSigningKeys,
  requireOptions,
  settingOption,
  settingValue,
  settingValues,
  UsageError,
  valueOption,
  type CommandIo,
  type NewCommand,
} from '../options.js';
import { addTargetOptions, directoryMissing, targetFrom, type TargetOptions } from '../target-flags.js';

interface PublishOptions extends TargetOptions {
  firmware?: string;
  board?: string;
  key?: string[];
  json?: boolean;
}

/** Every option value, checked before anything is read or written. */
async function releaseOptions(options: PublishOptions, io: CommandIo) {
  requireOptions(options, ['firmware', 'version', 'board', ...directoryMissing(options)]);
  const target = targetFrom(options, io.env);
  const version = settingValue(options, SETTINGS.version) as string;
  const channel = parsed(() => channelFor(version, settingValue(options, SETTINGS.channel), '--channel'));
  const followStable = settingValue(options, SETTINGS.followStable) ?? true;
  if (!followStable && channel !== STABLE_CHANNEL)
    throw new UsageError(`--no-follow-stable is for stable releases, and ${version} goes to ${channel}`);
  const board = parsed(() => checkBoard(options.board as string, '--board'));
  const compress = settingValue(options, SETTINGS.compress) ?? 'auto';
  const image = await prebuiltImage(options.firmware as string, settingValue(options, SETTINGS.chipFamily), flagLabel);
  if (image.chipFamily?.startsWith('ESP32') && image.gzip)
    throw new UsageError(
      `--firmware ${options.firmware} is gzip, and ${image.chipFamily}'s Update does not inflate gzip images: publish the raw image`,
    );
  if (image.chipFamily?.startsWith('ESP32') && compress === 'gzip')
    throw new UsageError(
      `--compress gzip: ${image.chipFamily}'s Update does not inflate gzip images (use auto or none)`,
    );
  const { gzip: _alreadyGzip, ...built } = image;
  return {
    version,
    channel,
    board,
    image,
    target,
    projectDir: '.',
    environments: [],
    build: false,
    firmware: [{ board, path: options.firmware as string, ...built }],
    nextReleaseKeys: settingValues(options, SETTINGS.trustedKeys),
    allowLockout: settingValue(options, SETTINGS.allowLockout) ?? false,
    expiresInSeconds: settingValue(options, SETTINGS.expiresIn),
    force: settingValue(options, SETTINGS.force) ?? false,
    followStable,
    rollout: settingValue(options, SETTINGS.rollout),
    requiredSignatures: settingValue(options, SETTINGS.requiredSignatures) ?? 1,
    maxImageBytes: settingValue(options, SETTINGS.maxImageSize) as number,
    compress,
    keepVersions: settingValue(options, SETTINGS.keepVersions),
    deltaFrom: settingValue(options, SETTINGS.deltaFrom),
    label: flagLabel,
    signingKeys: await readSigningKeys(options.key ?? [], io),
  };
}

async function publish(options: PublishOptions, io: CommandIo): Promise<void> {
  const { board, image, ...release } = await releaseOptions(options, io);
  // With --json, stdout is the report alone: the progress goes to stderr.
  const say = options.json ? io.err : io.out;
  const { manifests } = await runRelease({
    ...release,
    log: { info: (message) => say(`${message}\n`), warning: (message) => io.err(`warning: ${message}\n`) },
  });
  const installNote = image.noInstall && `${board}: no install button on the release page: ${image.noInstall}`;
  if (options.json) {
    io.out(
      `${JSON.stringify({ manifests: manifests.map(jsonOf), ...(installNote ? { installNote } : {}) }, null, 2)}\n`,
    );
    return;
  }
  for (const published of manifests) io.out(await publishedText(published, release.target));
  if (installNote) io.out(`${installNote}\n`);
}

const jsonOf = ({ imageWritten, ...manifest }: PublishedManifest) => ({ ...manifest, imageWritten });

/** One published image, and for a directory mirror the manifest devices now read, indented under it. */
async function publishedText(published: PublishedManifest, target: TargetConfig): Promise<string> {
  const already = published.imageWritten ? '' : ' (already there)';
  const lines = [`  ${published.image}: ${published.size} bytes, sha256 ${published.sha256}${already}`];
  if (published.supersededBy === undefined && target.kind === 'directory') {
    const text = await readFile(join(target.directory, ...published.manifest.split('/')), 'latin1');
    lines.push(
      `  ${published.manifest}:`,
      ...text
        .trimEnd()
        .split('\n')
        .map((line) => `    ${line}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerPublish(command: NewCommand, io: CommandIo): void {
  const publishCommand = command(
    'publish',
    'sign a prebuilt image and publish it with its latest.txt to a mirror (a directory, or --target)',
  )
    .addOption(
      valueOption('--firmware <file>', 'the image to publish, e.g. .pio/build/nodemcuv2/firmware.bin (required)'),
    )
    .addOption(settingOption(SETTINGS.version, `${SETTINGS.version.help} (required)`))
    .addOption(valueOption('--board <id>', 'board name: the mirror folder devices poll (required)'))
    .addOption(keyOption('signing key file; repeat to sign with several'))
    .addOption(settingOption(SETTINGS.channel))
    .addOption(settingOption(SETTINGS.force))
    .addOption(
      settingOption(
        SETTINGS.trustedKeys,
        `${SETTINGS.trustedKeys.help}: able to sign the next release, the image must contain it (lockout guard); default: the signing keys`,
      ),
    )
    .addOption(settingOption(SETTINGS.allowLockout))
    .addOption(settingOption(SETTINGS.expiresIn))
    .addOption(settingOption(SETTINGS.keepVersions))
    .addOption(settingOption(SETTINGS.deltaFrom))
    .addOption(settingOption(SETTINGS.maxImageSize))
    .addOption(
      settingOption(
        SETTINGS.followStable,
        "a stable release is not also offered on the board's other channels that offer a lower version",
      ),
    )
    .addOption(settingOption(SETTINGS.rollout))
    .addOption(
      settingOption(
        SETTINGS.requiredSignatures,
        `${SETTINGS.requiredSignatures.help}; with fewer keys the release is staged as pending.txt for cosign`,
      ),
    )
    .addOption(settingOption(SETTINGS.chipFamily))
    .addOption(settingOption(SETTINGS.compress))
    .option('--json', 'print what was published as JSON (progress goes to stderr)')
    .action((options: PublishOptions) => publish(options, io));
  addTargetOptions(publishCommand);
}
