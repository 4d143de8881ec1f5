// static-ota verify: a mirror checked as a device checks it, once or as a monitor (--warn-before, --json).
import { Option } from 'commander';
import type { VerifyReport } from '../../maintain/verify.js';
import { STABLE_CHANNEL } from '../../protocol/manifest.js';
import { SETTINGS } from '../../settings/declarations.js';
import { parseDuration } from '../../settings/values.js';
import { boardAndChannel } from '../manifest-location.js';
import {
  collect,
  optional,
  parsed,
  publicKeysFrom,
  requireOptions,
  settingOption,
  settingValue,
  settingValues,
  UsageError,
  valueOption,
  type CommandIo,
  type NewCommand,
} from '../options.js';

interface VerifyOptions {
  mirror?: string;
  board?: string;
  channel: string;
  trustedKey?: string[];
  /** The earlier name of --trusted-key, still read. */
  pubkey?: string[];
  requiredSignatures?: string;
  pending?: boolean;
  warnBefore?: string;
  timeout?: string;
  json?: boolean;
}

async function verify(options: VerifyOptions, { out }: CommandIo): Promise<void> {
  const trustedKeys = [...settingValues(options, SETTINGS.trustedKeys), ...publicKeysFrom(options.pubkey, '--pubkey')];
  requireOptions({ ...options, trustedKey: trustedKeys }, ['mirror', 'board', 'trusted-key']);
  // Loaded only to verify: importing node:http and node:https costs every publish tens of milliseconds.
  const { parseMirror, verifyMirror, VerifyError } = await import('../../maintain/verify.js');
  const required = settingValue(options, SETTINGS.requiredSignatures) ?? 1;
  if (required > trustedKeys.length)
    throw new UsageError(
      `--required-signatures ${required} needs as many --trusted-key keys, got ${trustedKeys.length}`,
    );
  const timeoutSeconds = optional(options.timeout, (text) => parseDuration(text, '--timeout'));
  const request = {
    mirror: parsed(() => parseMirror(options.mirror as string, '--mirror')),
    ...boardAndChannel(options),
    trustedKeys,
    requiredSignatures: required,
    pending: options.pending === true,
    warnBeforeSeconds: optional(options.warnBefore, (text) => parseDuration(text, '--warn-before')),
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
    patches: report.patches,
    warnings: report.warnings,
  };
}

function verifyText(report: VerifyReport, options: VerifyOptions): string {
  const { manifest } = report;
  const signatures = manifest.verifiedKeys.length;
  const required = report.requiredSignatures;
  const plural = signatures === 1 ? '' : 's';
  const count =
    options.requiredSignatures === undefined
      ? `${signatures} signature${plural}`
      : signatures > required
        ? `${signatures} signatures, ${required} required`
        : `${signatures} of ${required} signature${required === 1 ? '' : 's'}`;
  const encoding = manifest.encoding
    ? ` ${manifest.encoding} (the ESP8266 boot loader inflates it; ESP32 devices refuse it),`
    : '';
  return [
    `OK ${report.manifestLocation}${report.awaitingCosign ? ' (awaiting cosign)' : ''}`,
    `  version ${manifest.version}, board ${manifest.board}, channel ${manifest.channel}, signed by ${manifest.verifiedKeys.join(', ')} (${count})`,
    `  rollout ${manifest.rollout} %${manifest.rollout === 0 ? ' (halted)' : ''}, seq ${manifest.seq}`,
    ...(manifest.expires === undefined ? [] : [`  expires ${new Date(manifest.expires * 1000).toISOString()}`]),
    `  image ${report.imageLocation}:${encoding} ${manifest.size} bytes, sha256 ${manifest.sha256} (matches)`,
    ...report.patches.map(
      (patch) =>
        `  patch from ${patch.from}: ${patch.manifest}, ${patch.size} bytes${patch.applied ? ', applied to its base: gives the signed image' : ' (its base is no longer on the mirror: not applied)'}`,
    ),
    ...report.warnings.map((warning) => `warning: ${warning}`),
    '',
  ].join('\n');
}

export function registerVerify(command: NewCommand, io: CommandIo): void {
  command(
    'verify',
    'check a mirror as a device does: latest.txt, its signatures, board, channel and expiry, then the image size and SHA-256',
  )
    .addOption(
      valueOption(
        '--mirror <dir-or-url>',
        'mirror root: a directory, or an http:// or https:// URL; or the latest.txt URL devices poll (required)',
      ),
    )
    .addOption(valueOption('--board <id>', 'board name (required)'))
    .addOption(settingOption(SETTINGS.trustedKeys, `${SETTINGS.trustedKeys.help} (required)`))
    .addOption(new Option('--pubkey <key>', 'the earlier name of --trusted-key').argParser(collect).hideHelp())
    .addOption(valueOption('--channel <name>', 'channel').default(STABLE_CHANNEL))
    .addOption(
      settingOption(
        SETTINGS.requiredSignatures,
        `${SETTINGS.requiredSignatures.help}, as devices require (default 1)`,
        null,
      ),
    )
    .option('--pending', 'check the staged manifest (pending.txt) awaiting cosignatures instead of latest.txt')
    .addOption(
      valueOption(
        '--warn-before <duration>',
        'warn when the manifest expires within this long, e.g. 7d (an expired one always fails, as on devices with a clock)',
      ),
    )
    .addOption(valueOption('--timeout <duration>', 'give up on a request after this long, e.g. 10s (default 30s)'))
    .option('--json', 'print the report, or the failure with its code, as JSON')
    .action((options: VerifyOptions) => verify(options, io));
}
