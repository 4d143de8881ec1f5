// Browser first-install with ESP Web Tools: the chip family and flash images of
// a build, as PlatformIO reports them, and the `manifest.json` ESP Web Tools
// (and ESPHome's update.http_request) read. See docs/web-install.md.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { environmentWithoutSecrets, execFileAsync, type Reporter } from '../build.js';
import { imagePath, releaseFolder, versionFileName } from '../manifest.js';
import type { MirrorSession } from '../publish/target.js';
import type { SignedRelease } from '../sign.js';

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

/** Mirror file of a flash part: `bootloader-1.4.2.bin`, beside `firmware-1.4.2.bin` and as immutable. */
export const flashPartFileName = (name: string, version: string): string => versionFileName(name, version, 'bin');

/** The version's ESP Web Tools manifest, kept beside its images: `manifest-1.4.2.json`. */
export const versionManifestFileName = (version: string): string => versionFileName('manifest', version, 'json');

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
 * The flash layout of a built environment, or undefined for a platform ESP Web
 * Tools cannot flash. espressif8266 is always ESP8266 with the image at 0;
 * espressif32 takes its chip from the board's MCU and its images and app offset
 * from `pio project metadata --json-output`.
 */
export async function readFlashLayout(
  projectDir: string,
  environment: string,
  log: Reporter,
): Promise<FlashLayout | undefined> {
  const options = await environmentOptions(projectDir, environment);
  const platform = options.get('platform') ?? '';
  if (/espressif8266/.test(platform)) return { chipFamily: 'ESP8266', parts: [], appOffset: 0 };
  if (!/espressif32/.test(platform)) {
    log.info(
      `${environment}: platform ${JSON.stringify(platform)} is not espressif8266 or espressif32, so the release page offers no browser install for it`,
    );
    return undefined;
  }
  const mcu = await boardMcu(projectDir, options);
  const chipFamily = mcu === undefined ? undefined : chipFamilyOfMcu(mcu);
  if (!chipFamily) {
    log.warning(
      `${environment}: board MCU ${JSON.stringify(mcu)} is not a chip ESP Web Tools flashes, so the release page offers no browser install for it`,
    );
    return undefined;
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
  return { chipFamily, parts, appOffset };
}

/**
 * The layout of a prebuilt image (CLI publish): the OTA image alone, which only
 * suits the ESP8266. The chip comes from `--chip-family`, or from the image where
 * that is unambiguous: a gzip image (0x1f 0x8b) boots only on an ESP8266. An
 * 0xE9 image header has no chip id on the ESP8266, so it tells nothing.
 */
export async function layoutForPrebuilt(
  imageFile: string,
  chipFamily: string | undefined,
  option = 'chip family',
): Promise<FlashLayout | undefined> {
  if (chipFamily !== undefined) return layoutForChipFamily(chipFamily, option);
  // A missing file is reported by the release, with the other input checks.
  const head = (await readFile(imageFile).catch(() => Buffer.alloc(0))).subarray(0, 2);
  return head[0] === 0x1f && head[1] === 0x8b ? layoutForChipFamily('ESP8266', option) : undefined;
}

/** `option`: the setting as the user wrote it, for messages. */
function layoutForChipFamily(name: string, option: string): FlashLayout {
  if (!isChipFamily(name))
    throw new Error(`${option} ${JSON.stringify(name)} is not one of ${CHIP_FAMILIES.join(', ')}`);
  if (name !== 'ESP8266') {
    throw new Error(
      `${option} ${name}: a first install on ${name} needs the bootloader and partition table too: publish from the action's build (it reads them from pio project metadata)`,
    );
  }
  return { chipFamily: name, parts: [], appOffset: 0 };
}

/** The part of an ESP Web Tools manifest our pages and ESPHome read. */
export interface WebInstallManifest {
  name: string;
  version: string;
  builds: Array<{
    chipFamily: ChipFamily;
    parts: Array<{ path: string; offset: number }>;
    /** ESPHome's update.http_request block. Unsigned: ESPHome checks only the MD5. */
    ota: { path: string; md5: string; summary: string; release_url?: string };
  }>;
}

/**
 * A gzip OTA image's uncompressed form, `factory-1.4.2.bin`, for the browser
 * install: flashing over serial writes the bytes as they are, and the ROM
 * boots only an 0xE9 image (only eboot inflates gzip, when it installs an OTA update).
 */
const RAW_IMAGE_PART = 'factory';

/** The version's manifest; paths are relative to it, so it works at any mirror root or prefix. */
export async function webInstallManifest(
  release: { board: string; version: string; imageFile: string; file: string; rawImage?: string },
  layout: FlashLayout,
  releaseUrl?: string,
): Promise<WebInstallManifest> {
  const md5 = createHash('md5')
    .update(await readFile(release.imageFile))
    .digest('hex');
  const appPath = release.rawImage ? flashPartFileName(RAW_IMAGE_PART, release.version) : release.file;
  const parts = [
    ...layout.parts.map((part) => ({ path: flashPartFileName(part.name, release.version), offset: part.offset })),
    { path: appPath, offset: layout.appOffset },
  ].sort((a, b) => a.offset - b.offset);
  return {
    name: release.board,
    version: release.version,
    builds: [
      {
        chipFamily: layout.chipFamily,
        parts,
        ota: {
          path: release.file,
          md5,
          summary: `${release.board} ${release.version}`,
          ...(releaseUrl ? { release_url: releaseUrl } : {}),
        },
      },
    ],
  };
}

export const WEB_MANIFEST_HEADERS = { contentType: 'application/json', cacheControl: 'no-cache' };

/**
 * Uploads a release's extra flash images beside its OTA image (immutable like
 * it: one that is there stays) and the version's ESP Web Tools manifest. Runs
 * with the images, before latest.txt; the release page copies the current
 * version's manifest to manifest.json.
 */
export async function writeWebInstallFiles(session: MirrorSession, release: SignedRelease): Promise<void> {
  if (!release.flash) return;
  const raw = release.rawImage ? [{ name: RAW_IMAGE_PART, localFile: release.rawImage }] : [];
  for (const part of [...release.flash.parts, ...raw]) {
    const path = imagePath(release.board, release.channel, flashPartFileName(part.name, release.version));
    if (!(await session.read(path))) await session.writeImage(path, part.localFile);
  }
  const path = `${releaseFolder(release.board, release.channel)}/${versionManifestFileName(release.version)}`;
  const text = `${JSON.stringify(await webInstallManifest(release, release.flash), null, 2)}\n`;
  const current = await session.read(path);
  if (!current?.equals(Buffer.from(text, 'latin1')))
    await session.writeManifest(path, text, current, WEB_MANIFEST_HEADERS);
}
