// The flash layout of a build: the chip family and the flash images besides the
// OTA image, as PlatformIO reports them (or, for a prebuilt image, as the user
// or the image says). The release page's browser install writes them
// (src/site/web-install.ts). See docs/release-page.md.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { environmentWithoutSecrets, execFileAsync } from './build.js';
import type { Reporter } from '../common/reporter.js';
import { InputError } from '../common/input-error.js';
import type { Label } from '../settings/label.js';

/** The chip families ESP Web Tools 10 flashes (its Build["chipFamily"]). */
export const CHIP_FAMILIES = [
  'ESP8266',
  'ESP32',
  'ESP32-S2',
  'ESP32-S3',
  'ESP32-C2',
  'ESP32-C3',
  'ESP32-C5',
  'ESP32-C6',
  'ESP32-C61',
  'ESP32-H2',
  'ESP32-P4',
] as const;
export type ChipFamily = (typeof CHIP_FAMILIES)[number];

export const isChipFamily = (name: string): name is ChipFamily => (CHIP_FAMILIES as readonly string[]).includes(name);

/** A board manifest's `build.mcu` (esp32s3, ESP32C3, esp8266) as an ESP Web Tools chip family. */
export function chipFamilyOfMcu(mcu: string): ChipFamily | undefined {
  const match = /^esp(8266|32)([a-z]\d*)?$/i.exec(mcu.trim());
  if (!match) return undefined;
  const family = `ESP${match[1]}${match[2] ? `-${match[2].toUpperCase()}` : ''}`;
  return isChipFamily(family) ? family : undefined;
}

/** One flash image besides the OTA image, as `pio project metadata` lists it. */
export interface FlashPart {
  /** `bootloader`, `partitions`, `boot_app0`: the file's name without `.bin`. */
  name: string;
  localFile: string;
  offset: number;
}

/** What a first install writes: the chip, the extra images, and where the OTA image goes. */
export interface FlashLayout {
  chipFamily: ChipFamily;
  parts: FlashPart[];
  appOffset: number;
}

/**
 * A build's browser install on the release page: its flash layout, or why it
 * has none, in words for the page's readers (index.json `noInstall`).
 */
export type BrowserInstall = { flash: FlashLayout; noInstall?: never } | { flash?: never; noInstall: string };

/** Why a prebuilt image without a chip family gets no install button (an 0xE9 header does not name the chip). */
/** `label` names the chip-family setting as the publisher gives it. */
export const unknownChip = (label: Label): string =>
  `prebuilt image of unknown chip: ${label('chip-family')} ESP8266 adds one`;

function parseOffset(value: unknown, what: string): number {
  const text = String(value);
  const number = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number)) throw new Error(`${what}: offset ${JSON.stringify(value)} is not a number`);
  return number;
}

/** `boot_app0` from `.../boot_app0.bin`; file names become mirror names, so only safe characters stay. */
const partName = (path: string): string =>
  basename(path)
    .replace(/\.bin$/i, '')
    .replace(/[^A-Za-z0-9_]/g, '_');

async function pioJson(projectDir: string, args: string[]): Promise<unknown> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('pio', args, {
      cwd: projectDir,
      env: environmentWithoutSecrets(),
      maxBuffer: 64 << 20,
    }));
  } catch (error) {
    throw new Error(`pio ${args.join(' ')} failed: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`pio ${args.join(' ')} did not print JSON`);
  }
}

/** The environment's options from `pio project config --json-output` ([[section, [[name, value], ...]], ...]). */
async function environmentOptions(projectDir: string, environment: string): Promise<Map<string, string>> {
  const config = (await pioJson(projectDir, ['project', 'config', '--json-output'])) as Array<
    [string, Array<[string, unknown]>]
  >;
  const section = Array.isArray(config)
    ? config.find((entry) => Array.isArray(entry) && entry[0] === `env:${environment}`)
    : undefined;
  if (!section) throw new Error(`pio project config has no [env:${environment}]`);
  return new Map(section[1].map(([name, value]) => [name, Array.isArray(value) ? value.join(' ') : String(value)]));
}

/** `build.mcu` of the board, from `board_build.mcu` or the board manifest (`pio boards --json-output ID`). */
async function boardMcu(projectDir: string, options: Map<string, string>): Promise<string | undefined> {
  const override = options.get('board_build.mcu');
  if (override) return override;
  const board = options.get('board');
  if (!board) return undefined;
  const boards = (await pioJson(projectDir, ['boards', '--json-output', board])) as Array<{
    id?: string;
    mcu?: string;
  }>;
  return Array.isArray(boards) ? boards.find((entry) => entry.id === board)?.mcu : undefined;
}

/**
 * The flash layout of a built environment, or why it has none: a platform or
 * chip ESP Web Tools cannot flash. espressif8266 is always ESP8266 with the
 * image at 0; espressif32 takes its chip from the board's MCU and its images
 * and app offset from `pio project metadata --json-output`.
 */
export async function readFlashLayout(projectDir: string, environment: string, log: Reporter): Promise<BrowserInstall> {
  const options = await environmentOptions(projectDir, environment);
  const platform = options.get('platform') ?? '';
  if (/espressif8266/.test(platform)) return { flash: { chipFamily: 'ESP8266', parts: [], appOffset: 0 } };
  if (!/espressif32/.test(platform)) {
    const noInstall = `platform ${JSON.stringify(platform)} is not espressif8266 or espressif32: ESP Web Tools flashes only Espressif chips`;
    log.info(`${environment}: ${noInstall}, so the release page offers no browser install for it`);
    return { noInstall };
  }
  const mcu = await boardMcu(projectDir, options);
  const chipFamily = mcu === undefined ? undefined : chipFamilyOfMcu(mcu);
  if (!chipFamily) {
    const noInstall = `board MCU ${JSON.stringify(mcu)} is not a chip ESP Web Tools flashes`;
    log.warning(`${environment}: ${noInstall}, so the release page offers no browser install for it`);
    return { noInstall };
  }
  const metadata = (await pioJson(projectDir, ['project', 'metadata', '--json-output', '-e', environment])) as Record<
    string,
    { extra?: { flash_images?: Array<{ offset?: unknown; path?: unknown }>; application_offset?: unknown } }
  >;
  const extra = metadata?.[environment]?.extra;
  if (!extra) throw new Error(`pio project metadata printed nothing for ${environment}`);
  const parts = (extra.flash_images ?? []).map((image) => ({
    name: partName(String(image.path)),
    localFile: String(image.path),
    offset: parseOffset(image.offset, `${environment} flash image ${String(image.path)}`),
  }));
  if (new Set(parts.map((part) => part.name)).size !== parts.length || parts.some((part) => part.name === 'firmware')) {
    throw new Error(
      `${environment}: two flash images have the same file name: ${parts.map((part) => part.localFile).join(', ')}`,
    );
  }
  const appOffset =
    extra.application_offset === undefined
      ? 0x10000
      : parseOffset(extra.application_offset, `${environment} application_offset`);
  return { flash: { chipFamily, parts, appOffset } };
}

/**
 * The chip of a prebuilt image (CLI publish) and its flash layout: the OTA image
 * alone, which suits only the ESP8266 (an ESP32's first install also needs the
 * bootloader and partition table, which only the action's build reads from
 * PlatformIO). The chip comes from `--chip-family`, or from the image where that
 * is unambiguous: a gzip image (0x1f 0x8b) boots only on an ESP8266. An 0xE9
 * image header has no chip id on the ESP8266, so it tells nothing.
 */
export async function prebuiltImage(
  imageFile: string,
  chipFamily: ChipFamily | undefined,
  label: Label,
): Promise<{ chipFamily?: ChipFamily; gzip: boolean } & BrowserInstall> {
  const gzip = await startsWithGzip(imageFile);
  const chip = chipFamily ?? (gzip ? 'ESP8266' : undefined);
  if (chip === 'ESP8266') return { chipFamily: chip, gzip, flash: { chipFamily: chip, parts: [], appOffset: 0 } };
  if (chip === undefined) return { gzip, noInstall: unknownChip(label) };
  return {
    chipFamily: chip,
    gzip,
    noInstall: `${chip} prebuilt image: a first install also needs its bootloader and partition table; publish from the action's build, which reads them from PlatformIO`,
  };
}

/** Two bytes, not the image: a missing file or a folder is reported by the release, with the other image checks. */
async function startsWithGzip(imageFile: string): Promise<boolean> {
  const head = Buffer.alloc(2);
  const file = await open(imageFile, 'r').catch(() => undefined);
  await file
    ?.read(head, 0, 2, 0)
    .catch(() => undefined)
    .finally(() => file.close());
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** A chip family as users write it, in any case and with or without the dash (`esp32s3`, as esptool spells it). */
export function parseChipFamily(text: string, name: string): ChipFamily {
  const key = (family: string) => family.toLowerCase().replace(/[-_\s]/g, '');
  const family = CHIP_FAMILIES.find((candidate) => key(candidate) === key(text));
  if (family === undefined)
    throw new InputError(
      `${name} ${JSON.stringify(text)} is not a chip family: one of ${CHIP_FAMILIES.join(', ')} (any case)`,
    );
  return family;
}
