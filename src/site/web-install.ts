// Browser first-install with ESP Web Tools: the chip family and flash images of
// a build, as PlatformIO reports them, and the `manifest.json` ESP Web Tools
// (and ESPHome's update.http_request) read. See docs/web-install.md.
import type { ChipFamily, FlashLayout } from '../release/flash-layout.js';
import { imagePath, releaseFolder, versionFileName } from '../protocol/manifest.js';
import type { MirrorSession } from '../mirror/target.js';
import type { SignedRelease } from '../release/sign.js';

/** Mirror file of a flash part: `bootloader-1.4.2.bin`, beside `firmware-1.4.2.bin` and as immutable. */
export const flashPartFileName = (name: string, version: string): string => versionFileName(name, version, 'bin');

/** The version's ESP Web Tools manifest, kept beside its images: `manifest-1.4.2.json`. */
export const versionManifestFileName = (version: string): string => versionFileName('manifest', version, 'json');

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
export function webInstallManifest(
  release: { board: string; version: string; md5: string; file: string; rawImage?: string },
  layout: FlashLayout,
  releaseUrl?: string,
): WebInstallManifest {
  const { md5 } = release;
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
  if (release.md5 === undefined)
    throw new Error(`${release.board} ${release.version}: signed without the MD5 its browser install needs`);
  const raw = release.rawImage ? [{ name: RAW_IMAGE_PART, localFile: release.rawImage }] : [];
  for (const part of [...release.flash.parts, ...raw]) {
    const path = imagePath(release.board, release.channel, flashPartFileName(part.name, release.version));
    if (!(await session.read(path))) await session.writeImage(path, part.localFile);
  }
  const path = `${releaseFolder(release.board, release.channel)}/${versionManifestFileName(release.version)}`;
  const text = `${JSON.stringify(webInstallManifest({ ...release, md5: release.md5 }, release.flash), null, 2)}\n`;
  const current = await session.read(path);
  if (!current?.equals(Buffer.from(text, 'latin1')))
    await session.writeManifest(path, text, current, WEB_MANIFEST_HEADERS);
}
