// Every setting the action and the CLI share, declared once: its input and flag
// names, what its value is, how it is checked. The action's reader (src/main.ts)
// and the CLI's options (src/cli/options.ts) are both made from these, and
// every message names a setting through `label`, as the user wrote it. Defaults
// live in action.yml alone (src/settings/defaults.ts gives them to the CLI).
// Descriptions are per front door: action.yml tells action users how to give a
// value (a secret, one per line), --help tells CLI users (a file, a repeated flag).
import { parseChipFamily, type ChipFamily } from '../release/flash-layout.js';
import { parsePublicKey } from '../release/sign.js';
import { parseChannel, parseVersion } from '../release/version.js';
import {
  parseCompressMode,
  parseBoolean,
  parseDeltaFrom,
  parseDuration,
  parsePlatformioVersion,
  parsePositiveInteger,
  parseRequiredSignatures,
  parseRolloutPercent,
  type CompressMode,
} from './values.js';
import type { Label } from './label.js';

export interface Setting<T> {
  /** The action's input. */
  readonly input: string;
  /** The CLI's flag, without its dashes; the input's name unless it says otherwise. */
  readonly flag?: string;
  /** What the flag takes, for --help (`<bytes>`); absent for a switch, whose value is true or false. */
  readonly metavar?: string;
  /** Repeated on the command line; in the action a list, one per line or separated by commas. */
  readonly repeatable?: boolean;
  /** The CLI's --help text. */
  readonly help: string;
  /** The value from its text; `label` is the setting as the user wrote it, for messages. */
  readonly parse: (text: string, label: string) => T;
}

const PUBLIC_KEY_FORMS = '64 hex characters (as keygen prints it) or the PEM text';

/**
 * A switch: on the command line the presence of the flag (or, defaulting to true, --no-flag); in the action the
 * input's YAML boolean, as getBooleanInput reads it.
 */
const aSwitch = (input: string, help: string): Setting<boolean> => ({ input, help, parse: parseBoolean });

export const SETTINGS = {
  version: {
    input: 'version',
    metavar: '<semver>',
    help: 'the version, e.g. 1.4.2 or v1.5.0-beta.2',
    parse: parseVersion,
  } satisfies Setting<string>,
  channel: {
    input: 'channel',
    metavar: '<name>',
    help: 'channel to publish to (default: stable; a pre-release goes to the letters its first identifier starts with: 1.5.0-beta.2 to beta, 1.2.0-rc1 to rc; required for one like 1.2.0-20261207)',
    parse: parseChannel,
  } satisfies Setting<string>,
  trustedKeys: {
    input: 'trusted-keys',
    flag: 'trusted-key',
    metavar: '<key>',
    repeatable: true,
    help: `a public key devices trust, as ${PUBLIC_KEY_FORMS}; repeatable`,
    parse: parsePublicKey,
  } satisfies Setting<Uint8Array>,
  requiredSignatures: {
    input: 'required-signatures',
    metavar: '<k>',
    help: 'signatures devices require from distinct trusted keys (k of n)',
    parse: parseRequiredSignatures,
  } satisfies Setting<number>,
  allowLockout: aSwitch(
    'allow-lockout',
    'publish even when the image contains none of the trusted keys (devices running it could never update again)',
  ),
  expiresIn: {
    input: 'expires-in',
    metavar: '<duration>',
    help: 'write expires= this long after now, e.g. 30d, 12h, 3600s',
    parse: parseDuration,
  } satisfies Setting<number>,
  rollout: {
    input: 'rollout',
    metavar: '<percent>',
    help: 'staged rollout: offer the release to this percentage of devices (0-100; default all)',
    parse: parseRolloutPercent,
  } satisfies Setting<number>,
  force: aSwitch('force', 're-publish a version equal to the one in the mirror (a lower one is always refused)'),
  followStable: aSwitch(
    'follow-stable',
    "a stable release is also offered on the board's other channels that offer a lower version",
  ),
  maxImageSize: {
    input: 'max-image-size',
    metavar: '<bytes>',
    help: 'largest image accepted, in bytes (a gzip image: compressed and inflated)',
    parse: parsePositiveInteger,
  } satisfies Setting<number>,
  compress: {
    input: 'compress',
    metavar: '<mode>',
    help: 'gzip: serve the image gzip-compressed with encoding=gzip (ESP8266 only: its boot loader inflates it); auto: gzip for the ESP8266; none: as it is (an image already gzip is served as it is)',
    parse: parseCompressMode,
  } satisfies Setting<CompressMode>,
  keepVersions: {
    input: 'keep-versions',
    metavar: '<n>',
    help: 'keep only the newest N images per board and channel (default: keep all)',
    parse: parsePositiveInteger,
  } satisfies Setting<number>,
  chipFamily: {
    input: 'chip-family',
    metavar: '<family>',
    help: "the chip of a prebuilt image (ESP8266, ESP32, ESP32-S3, ...; any case): ESP8266 images get gzip and the release page's install button; ESP32 images are never gzip, and their install needs the bootloader and partitions of the action's build",
    parse: parseChipFamily,
  } satisfies Setting<ChipFamily>,
  deltaFrom: {
    input: 'delta-from',
    metavar: '<n>',
    help: 'also publish a delta patch to the image from each of the N newest earlier versions the mirror holds (0: none)',
    parse: parseDeltaFrom,
  } satisfies Setting<number>,
  platformioVersion: {
    input: 'platformio-version',
    metavar: '<version>',
    help: 'the PlatformIO version pip installs when pio is missing',
    parse: parsePlatformioVersion,
  } satisfies Setting<string>,
} as const;

const FLAGS: ReadonlyMap<string, string> = new Map(
  Object.values(SETTINGS).map((setting: Setting<unknown>) => [setting.input, setting.flag ?? setting.input]),
);

/** The CLI names its flags: `--trusted-key` for trusted-keys, `--s3-bucket` for s3-bucket. */
export const flagLabel: Label = (input) => `--${FLAGS.get(input) ?? input}`;
