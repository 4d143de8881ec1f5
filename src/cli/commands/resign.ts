// static-ota rollout and cosign: a signature added to a manifest already on a mirror, after judging it as devices do.
import type { Command } from 'commander';
import { STABLE_CHANNEL } from '../../protocol/manifest.js';
import { changeRollout, cosign, describeRelease, type ExpectedRelease } from '../../maintain/resign.js';
import { createTarget } from '../../mirror/factory.js';
import { parseVersion } from '../../release/version.js';
import { SETTINGS } from '../../settings/declarations.js';
import { parseRolloutPercent } from '../../settings/values.js';
import {
  keyOption,
  optional,
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
import { boardAndChannel } from '../manifest-location.js';
import { addTargetOptions, directoryMissing, targetFrom, type TargetOptions } from '../target-flags.js';

/** What rollout and cosign share: the manifest on a mirror, the keys, the threshold and what was reviewed. */
interface ResignOptions extends TargetOptions {
  board?: string;
  channel: string;
  key?: string[];
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
  return { version: optional(options.expectVersion, (text) => parseVersion(text, '--expect-version')), sha256 };
}

async function rollout(options: ResignOptions & { percent?: string }, io: CommandIo): Promise<void> {
  requireOptions(options, ['board', 'percent', ...directoryMissing(options)]);
  const config = targetFrom(options, io.env);
  const percent = parsed(() => parseRolloutPercent(options.percent as string, '--percent'));
  const request = {
    ...boardAndChannel(options),
    percent,
    trustedKeys: settingValues(options, SETTINGS.trustedKeys),
    requiredSignatures: settingValue(options, SETTINGS.requiredSignatures),
    expected: expectedRelease(options),
    keys: await readSigningKeys(options.key ?? [], io),
  };
  const result = await changeRollout(await createTarget(config), request);
  const { manifest } = result;
  io.out(
    `${result.path}: ${manifest.version} rollout ${result.previousPercent}% -> ${manifest.rollout}% (seq ${manifest.seq})${percent === 0 ? ', halted' : ''}\n`,
  );
  io.out(`  ${describeRelease(manifest)}\n`);
  if (result.path.endsWith('/pending.txt'))
    io.out('staged: devices keep the current manifest until static-ota cosign adds the other signatures\n');
}

async function cosignCommand(options: ResignOptions, io: CommandIo): Promise<void> {
  requireOptions(options, ['board', 'trusted-key', ...directoryMissing(options)]);
  const config = targetFrom(options, io.env);
  const request = {
    ...boardAndChannel(options),
    trustedKeys: settingValues(options, SETTINGS.trustedKeys),
    requiredSignatures: settingValue(options, SETTINGS.requiredSignatures) as number,
    expected: expectedRelease(options),
  };
  const keys = await readSigningKeys(options.key ?? [], io);
  if (keys.length !== 1) throw new UsageError(`cosign adds one signature: give exactly one key, got ${keys.length}`);
  const result = await cosign(await createTarget(config), { ...request, key: keys[0] });
  const plural = result.signatures === 1 ? '' : 's';
  io.out(
    `${result.path}: ${result.manifest.version} now has ${result.signatures} signature${plural}${result.promoted ? ', promoted to latest.txt' : ''}\n`,
  );
  io.out(`  ${describeRelease(result.manifest)}\n`);
}

/** The help texts where rollout and cosign differ, and cosign's default k (null: none). */
interface ResignHelp {
  key: string;
  trustedKeys: string;
  requiredSignatures: string;
  what: string;
  threshold: string | null;
}

/** The options both commands take: board, channel, the key, trusted keys, k, and what the maintainer reviewed. */
function resignOptions(
  command: Command,
  { key, trustedKeys, requiredSignatures, what, threshold }: ResignHelp,
): Command {
  return command
    .addOption(valueOption('--board <id>', 'board name (required)'))
    .addOption(valueOption('--channel <name>', 'channel').default(STABLE_CHANNEL))
    .addOption(keyOption(key))
    .addOption(settingOption(SETTINGS.trustedKeys, `${SETTINGS.trustedKeys.help}; ${trustedKeys}`))
    .addOption(
      settingOption(
        SETTINGS.requiredSignatures,
        `${SETTINGS.requiredSignatures.help}; ${requiredSignatures}`,
        threshold,
      ),
    )
    .addOption(valueOption('--expect-version <semver>', `refuse unless the manifest ${what} offers this version`))
    .addOption(
      valueOption(
        '--expect-sha256 <hex>',
        `refuse unless the manifest ${what} names the image with this SHA-256 (as verify prints it)`,
      ),
    );
}

export function registerResignCommands(command: NewCommand, io: CommandIo): void {
  const rolloutCommand = resignOptions(
    command(
      'rollout',
      're-sign the manifest on the mirror for its current version with a new rollout percentage (0 halts)',
    ),
    {
      key: 'signing key file; repeatable',
      trustedKeys: 'the current manifest must verify under these (default: the signing keys)',
      requiredSignatures:
        'the current manifest must carry them (default: one per trusted key); with fewer keys the change is staged for cosign',
      what: 'on the mirror',
      threshold: null,
    },
  )
    .addOption(valueOption('--percent <n>', 'percentage of devices, 0 to 100; 0 is the kill switch (required)'))
    .action((options: ResignOptions & { percent?: string }) => rollout(options, io));
  addTargetOptions(rolloutCommand);

  const cosignCommandLine = resignOptions(
    command(
      'cosign',
      'add a signature to the staged manifest (or latest.txt) after verifying the existing ones; promote it at k',
    ),
    {
      key: 'the one signing key to add',
      trustedKeys: 'every existing signature must verify under these (required)',
      requiredSignatures: 'they promote a staged manifest to latest.txt',
      what: 'to cosign',
      // Two-person releases are what cosign is for.
      threshold: '2',
    },
  ).action((options: ResignOptions) => cosignCommand(options, io));
  addTargetOptions(cosignCommandLine);
}
