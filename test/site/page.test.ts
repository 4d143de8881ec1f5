// The release page and ESP Web Tools manifests on each target's session:
// regenerated from the mirror (retention, a version without an install layout,
// a concurrent publish between the page's read and write), S3 headers, a site's
// own index.html kept, and the CLI's --chip-family.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { delimiter } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../src/cli/program.js';
import { DirectoryTarget } from '../../src/mirror/directory.js';
import { publishReleases } from '../../src/release/publish.js';
import { PagesTarget } from '../../src/mirror/pages.js';
import { S3Target } from '../../src/mirror/s3.js';
import type { MirrorSession, MirrorTarget } from '../../src/mirror/target.js';
import { openManifest, signedFields } from '../../src/protocol/manifest.js';
import { signManifest, type SigningKey } from '../../src/release/sign.js';
import type { SiteIndex } from '../../src/site/page.js';
import { chipFamilyOfMcu, readFlashLayout, type FlashLayout } from '../../src/release/flash-layout.js';
import { removeTemporaryFolders, temporaryFolder, writeEspImage, writeKeyFile } from '../helpers.js';
import { bareRepository, branchFile, git, newKey, seedBranch, signedRelease } from '../mirror/fixtures.js';
import { BUCKET, S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from '../mirror/s3-server.js';

const PIO_STANDIN = resolve(import.meta.dirname, '..', 'fixtures', 'bin');

afterAll(removeTemporaryFolders);

function esp32Layout(): FlashLayout {
  const folder = temporaryFolder('static-ota-parts-');
  const part = (name: string, content: string) => {
    writeFileSync(join(folder, `${name}.bin`), content);
    return join(folder, `${name}.bin`);
  };
  return {
    chipFamily: 'ESP32',
    parts: [
      { name: 'bootloader', localFile: part('bootloader', 'boot'), offset: 0x1000 },
      { name: 'partitions', localFile: part('partitions', 'table'), offset: 0x8000 },
      { name: 'boot_app0', localFile: part('boot_app0', 'otadata'), offset: 0xe000 },
    ],
    appOffset: 0x10000,
  };
}

const readIndex = (mirror: string): SiteIndex =>
  JSON.parse(readFileSync(join(mirror, 'index.json'), 'utf8')) as SiteIndex;

describe('release page on a directory mirror', () => {
  it('follows what the mirror holds: new versions, retention with the flash images, a version without install, other boards', async () => {
    const key = newKey();
    const mirror = temporaryFolder('static-ota-site-');
    const target = new DirectoryTarget(mirror);
    await publishReleases(target, [await signedRelease(key, 'esp32dev', '1.0.0', '1.0.0', esp32Layout())]);
    const first = readIndex(mirror);
    expect(first.releases).toMatchObject([
      {
        board: 'esp32dev',
        channel: 'stable',
        version: '1.0.0',
        keyIds: [key.keyId],
        older: [],
        install: { manifest: 'esp32dev/manifest.json', chipFamily: 'ESP32' },
      },
    ]);
    const webManifest = JSON.parse(readFileSync(join(mirror, 'esp32dev', 'manifest.json'), 'utf8'));
    expect(webManifest).toMatchObject({
      name: 'esp32dev',
      version: '1.0.0',
      builds: [
        {
          chipFamily: 'ESP32',
          parts: [
            { path: 'bootloader-1.0.0.bin', offset: 0x1000 },
            { path: 'partitions-1.0.0.bin', offset: 0x8000 },
            { path: 'boot_app0-1.0.0.bin', offset: 0xe000 },
            { path: 'firmware-1.0.0.bin', offset: 0x10000 },
          ],
          ota: { path: 'firmware-1.0.0.bin', summary: 'esp32dev 1.0.0' },
        },
      ],
    });
    expect(readFileSync(join(mirror, 'esp32dev', 'bootloader-1.0.0.bin'), 'utf8')).toBe('boot');
    expect(existsSync(join(mirror, 'install', 'install-button.js'))).toBe(true);

    await publishReleases(target, [await signedRelease(key, 'esp32dev', '1.1.0', '1.1.0', esp32Layout())]);
    await publishReleases(target, [await signedRelease(key, 'esp32dev', '1.2.0', '1.2.0', esp32Layout())], {
      keepVersions: 2,
    });
    expect(readdirSync(join(mirror, 'esp32dev')).filter((name) => name.includes('1.0.0'))).toEqual([]);
    expect(readIndex(mirror).releases).toMatchObject([
      { version: '1.2.0', older: [{ version: '1.1.0', image: 'esp32dev/firmware-1.1.0.bin' }] },
    ]);
    expect(JSON.parse(readFileSync(join(mirror, 'esp32dev', 'manifest.json'), 'utf8')).version).toBe('1.2.0');
    const published120 = readIndex(mirror).releases[0].published;

    // Another board, published without a layout: no install for it, and esp32dev keeps its first-seen time.
    await publishReleases(target, [await signedRelease(key, 'nodemcuv2', '3.0.0')]);
    const index = readIndex(mirror);
    expect(index.releases.map((release) => [release.board, release.version, release.install?.chipFamily])).toEqual([
      ['esp32dev', '1.2.0', 'ESP32'],
      ['nodemcuv2', '3.0.0', undefined],
    ]);
    expect(index.releases[0].published).toBe(published120);
    expect(existsSync(join(mirror, 'nodemcuv2', 'manifest.json'))).toBe(false);

    // A newer esp32dev version without a layout: its old manifest.json would flash 1.2.0, so it goes.
    await publishReleases(target, [await signedRelease(key, 'esp32dev', '1.3.0')]);
    expect(existsSync(join(mirror, 'esp32dev', 'manifest.json'))).toBe(false);
    expect(readIndex(mirror).releases[0]).not.toHaveProperty('install');
    const html = readFileSync(join(mirror, 'index.html'), 'utf8');
    expect(html).toContain('data-board="esp32dev" data-channel="stable"');
    expect(html).not.toContain('esp-web-install-button');
  });

  it('says why a board has no install button: the reason its publish recorded, kept when other boards publish', async () => {
    const key = newKey();
    const mirror = temporaryFolder('static-ota-site-');
    const target = new DirectoryTarget(mirror);
    const reason =
      'platform "atmelavr" is not espressif8266 or espressif32: ESP Web Tools flashes only Espressif chips';
    await publishReleases(target, [{ ...(await signedRelease(key, 'uno', '1.0.0')), noInstall: reason }]);
    expect(readIndex(mirror).releases).toMatchObject([{ board: 'uno', version: '1.0.0', noInstall: reason }]);
    // Another board's publish knows nothing of uno: the page keeps the reason from its previous index.json.
    await publishReleases(target, [await signedRelease(key, 'esp32dev', '1.0.0', '1.0.0', esp32Layout())]);
    const index = readIndex(mirror);
    expect(index.releases.map(({ board, install, noInstall }) => [board, install?.chipFamily, noInstall])).toEqual([
      ['esp32dev', 'ESP32', undefined],
      ['uno', undefined, reason],
    ]);
    const html = readFileSync(join(mirror, 'index.html'), 'utf8');
    expect(html).toContain(
      '<p class="install-note no-install">No install button: platform &quot;atmelavr&quot; is not espressif8266 or espressif32: ESP Web Tools flashes only Espressif chips.</p>',
    );
    expect(html.match(/class="install-note no-install"/g)).toHaveLength(1);
    // A new version whose publisher recorded nothing (a library caller) says so rather than repeating the old reason;
    // a reason from platformio.ini is kept to printable ASCII, as the page is.
    await publishReleases(target, [await signedRelease(key, 'uno', '1.1.0')]);
    await publishReleases(target, [
      { ...(await signedRelease(key, 'teensy', '1.0.0')), noInstall: 'platform "tëensy\n"' },
    ]);
    expect(readIndex(mirror).releases.map(({ board, noInstall }) => [board, noInstall])).toEqual([
      ['esp32dev', undefined],
      ['teensy', 'platform "t?ensy?"'],
      ['uno', 'no flash layout was recorded when this version was published'],
    ]);
  });

  it('keeps an index.html the site owner wrote, and writes the page as releases.html beside it', async () => {
    const mirror = temporaryFolder('static-ota-site-');
    writeFileSync(join(mirror, 'index.html'), '<h1>My project</h1>');
    const published = await publishReleases(new DirectoryTarget(mirror), [
      await signedRelease(newKey(), 'nodemcuv2', '1.0.0'),
    ]);
    expect(published.page).toBe('releases.html');
    expect(readFileSync(join(mirror, 'index.html'), 'utf8')).toBe('<h1>My project</h1>');
    expect(readFileSync(join(mirror, 'releases.html'), 'utf8')).toContain('data-board="nodemcuv2"');
  });
});

/**
 * A mirror holding esp32dev 1.0.0 (signed by `key`) and, beside it, what others left: a latest.txt with expires=abc,
 * a version manifest that is not JSON, a folder named `javascript:alert(1)` holding a framed latest.txt, a board
 * signed by a key nobody trusts, a latest.txt of another board, one that expired, and an index.json whose entries are not releases.
 */
async function foreignFiles(key: SigningKey): Promise<Record<string, string | Buffer>> {
  const own = temporaryFolder('static-ota-own-');
  await publishReleases(new DirectoryTarget(own), [await signedRelease(key, 'esp32dev', '1.0.0')]);
  const strangers = temporaryFolder('static-ota-strangers-');
  await publishReleases(new DirectoryTarget(strangers), [await signedRelease(newKey(), 'rogue', '9.9.9')]);
  const valid = readFileSync(join(own, 'esp32dev', 'latest.txt'), 'latin1');
  const expired = signManifest(
    {
      ...signedFields(openManifest(Buffer.from(valid, 'latin1'), [key.publicKey])),
      board: 'expired',
      expires: 1_000_000_000,
    },
    [key],
  );
  const image = readFileSync(join(own, 'esp32dev', 'firmware-1.0.0.bin'));
  return {
    'esp32dev/latest.txt': valid,
    'esp32dev/firmware-1.0.0.bin': image,
    'esp32dev/manifest-1.0.0.json': 'not json {',
    'expiring/latest.txt': valid.replace(/^board=esp32dev$/m, 'board=expiring').replace(/\n/, '\nexpires=abc\n'),
    'javascript:alert(1)/latest.txt': valid,
    'javascript:alert(1)/firmware-1.0.0.bin': image,
    'rogue/latest.txt': readFileSync(join(strangers, 'rogue', 'latest.txt'), 'latin1'),
    'rogue/firmware-9.9.9.bin': readFileSync(join(strangers, 'rogue', 'firmware-9.9.9.bin')),
    'copied/latest.txt': valid,
    'expired/latest.txt': expired,
    'index.json':
      '{"releases": [null, {"manifest": 1}, {"manifest": "esp32dev/latest.txt", "version": "1.0.0", "sha256": "x", "published": 7}]}',
  };
}

const SKIPPED = [
  /^"javascript:alert\(1\)" holds a latest\.txt but is not a valid board or channel name/,
  /^copied\/latest\.txt is not on the release page: the manifest is for board esp32dev, not copied \(wrong_board\)/,
  /^esp32dev\/manifest-1\.0\.0\.json is not JSON/,
  /^expired\/latest\.txt is not on the release page: the manifest expired at 2001-09-09T01:46:40\.000Z .*\(expired\)/,
  /^expiring\/latest\.txt is not on the release page: signature does not verify/,
  /^rogue\/latest\.txt is not on the release page: no signature from a trusted key/,
];

/** The page lists exactly the trusted releases, and no link leaves the mirror's own valid names. */
function expectOnlyTrusted(index: SiteIndex, html: string, warnings: string[]): void {
  expect(index.releases.map((release) => `${release.board} ${release.version}`)).toEqual([
    'esp32dev 1.0.0',
    'nodemcuv2 1.1.0',
  ]);
  expect(index.releases[0]).not.toHaveProperty('install');
  const links = [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) => href);
  expect(links.filter((href) => !/^(esp32dev|nodemcuv2)\/[\w.-]+$|^index\.json$/.test(href))).toEqual([]);
  expect(html).not.toContain('javascript');
  expect([...new Set(warnings)].sort()).toEqual(SKIPPED.map((pattern) => expect.stringMatching(pattern)));
}

describe('release page over foreign or broken files on the mirror', () => {
  it('skips them with a warning, links only valid names and shows only verified manifests (directory)', async () => {
    const key = newKey();
    const mirror = temporaryFolder('static-ota-site-');
    for (const [path, content] of Object.entries(await foreignFiles(key))) {
      mkdirSync(dirname(join(mirror, path)), { recursive: true });
      writeFileSync(join(mirror, path), content);
    }
    const warnings: string[] = [];
    await publishReleases(new DirectoryTarget(mirror), [await signedRelease(key, 'nodemcuv2', '1.1.0')], {
      warn: (message) => warnings.push(message),
    });
    expectOnlyTrusted(readIndex(mirror), readFileSync(join(mirror, 'index.html'), 'utf8'), warnings);
  });

  it('still pushes the release on Pages', async () => {
    const key = newKey();
    const bare = bareRepository(temporaryFolder('static-ota-remote-'));
    const seeded = seedBranch(bare, 'gh-pages', await foreignFiles(key));
    const warnings: string[] = [];
    const target = new PagesTarget({ branch: 'gh-pages', folder: '', remoteUrl: `file://${bare}` });
    await publishReleases(target, [await signedRelease(key, 'nodemcuv2', '1.1.0')], {
      warn: (message) => warnings.push(message),
    });
    const file = (path: string) => branchFile(bare, 'gh-pages', path).toString('latin1');
    expect(file('nodemcuv2/latest.txt')).toMatch(/^1\.1\.0\n/);
    expect(git(bare, 'rev-parse', 'gh-pages')).not.toBe(seeded);
    expectOnlyTrusted(JSON.parse(file('index.json')) as SiteIndex, file('index.html'), warnings);
  });
});

/** Holds the first write of `path` until `gate` opens (calling `reached` first): another publisher lands in between. */
function holdWrite(target: MirrorTarget, path: string, gate: Promise<unknown>, reached: () => void): MirrorTarget {
  let held = false;
  return {
    description: target.description,
    transaction: (work) =>
      target.transaction((session) =>
        work({
          ...session,
          writeManifest: async (...args: Parameters<MirrorSession['writeManifest']>) => {
            if (args[0] === path && !held) {
              held = true;
              reached();
              await gate;
            }
            return session.writeManifest(...args);
          },
        }),
      ),
  };
}

describe('release page on S3', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
    s3.honourConditionalWrites = true;
  });
  afterAll(() => s3.close());

  it('is right after a publish lands between its read and its write, and is served with its content types', async () => {
    const key = newKey();
    const config = {
      bucket: BUCKET,
      prefix: 'site/ota',
      region: 'us-east-1',
      endpoint: new URL(s3.endpoint),
      forcePathStyle: true,
      ...S3RVER_CREDENTIALS,
    };
    let open!: () => void;
    const gate = new Promise<void>((resolvePromise) => (open = resolvePromise));
    // A reads the mirror (only its own board), then waits before writing index.json; B publishes another board meanwhile.
    let reached!: () => void;
    const atWrite = new Promise<void>((resolvePromise) => (reached = resolvePromise));
    const slow = publishReleases(holdWrite(new S3Target(config), 'index.json', gate, reached), [
      await signedRelease(key, 'esp32dev', '1.0.0', '1.0.0', esp32Layout()),
    ]);
    await atWrite;
    await publishReleases(new S3Target(config), [await signedRelease(key, 'nodemcuv2', '2.0.0')]);
    open();
    // The page is rewritten within the publish: A's release is reported as published, not as lost to a race.
    const {
      manifests: [landed],
    } = await slow;
    expect(landed).not.toHaveProperty('supersededBy');
    const get = (path: string) => fetch(`${s3.direct}/${BUCKET}/site/ota/${path}`);
    const index = (await (await get('index.json')).json()) as SiteIndex;
    expect(index.releases.map((release) => `${release.board} ${release.version}`)).toEqual([
      'esp32dev 1.0.0',
      'nodemcuv2 2.0.0',
    ]);
    const html = await get('index.html');
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(await html.text()).toContain('data-board="nodemcuv2"');
    expect((await get('index.json')).headers.get('content-type')).toBe('application/json');
    expect((await get('esp32dev/manifest.json')).headers.get('content-type')).toBe('application/json');
    const script = await get('install/install-button.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(await script.arrayBuffer())).toEqual(
      readFileSync(join(resolve(import.meta.dirname, '..', '..'), 'dist', 'install', 'install-button.js')),
    );
  });
});

describe('flash layouts', () => {
  it('maps board MCUs to ESP Web Tools chip families', () => {
    expect(
      ['esp8266', 'ESP32', 'esp32s3', 'ESP32C3', 'esp32c6', 'esp32h2', 'esp32s2', 'atmega328p', 'esp32x9'].map(
        chipFamilyOfMcu,
      ),
    ).toEqual(['ESP8266', 'ESP32', 'ESP32-S3', 'ESP32-C3', 'ESP32-C6', 'ESP32-H2', 'ESP32-S2', undefined, undefined]);
  });

  it('reads chip, images and app offset from pio project config, boards and metadata', async () => {
    const project = temporaryFolder('static-ota-layout-');
    writeFileSync(
      join(project, 'platformio.ini'),
      '[env]\nframework = arduino\n\n[env:s3]\nplatform = espressif32\nboard = esp32-s3-devkitc-1\n\n[env:c3]\nplatform = espressif32 @ 6.9.0\nboard = esp32dev\nboard_build.mcu = esp32c3\n\n[env:d1]\nplatform = espressif8266\nboard = d1_mini\n\n[env:uno]\nplatform = atmelavr\nboard = uno\n',
    );
    const path = process.env.PATH;
    process.env.PATH = `${PIO_STANDIN}${delimiter}${path}`;
    const messages: string[] = [];
    const log = {
      info: (message: string) => messages.push(message),
      warning: (message: string) => messages.push(message),
    };
    try {
      const s3 = (await readFlashLayout(project, 's3', log)).flash;
      expect(s3).toMatchObject({ chipFamily: 'ESP32-S3', appOffset: 0x10000 });
      expect(s3?.parts.map(({ name, offset }) => [name, offset])).toEqual([
        ['bootloader', 0x1000],
        ['partitions', 0x8000],
        ['boot_app0', 0xe000],
      ]);
      expect((await readFlashLayout(project, 'c3', log)).flash?.chipFamily).toBe('ESP32-C3');
      expect(await readFlashLayout(project, 'd1', log)).toEqual({
        flash: { chipFamily: 'ESP8266', parts: [], appOffset: 0 },
      });
      // No layout, and the reason the release page gives for it.
      expect(await readFlashLayout(project, 'uno', log)).toEqual({
        noInstall:
          'platform "atmelavr" is not espressif8266 or espressif32: ESP Web Tools flashes only Espressif chips',
      });
      expect(messages.join('\n')).toContain('uno: platform "atmelavr"');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('static-ota publish --chip-family', () => {
  /** Publishes d1_mini 1.0.0 from an image `write` makes with the key compiled in. */
  async function publish(
    args: string[],
    write: (path: string, publicKey: Uint8Array) => void = (path, publicKey) => writeEspImage(path, { publicKey }),
  ) {
    const folder = temporaryFolder('static-ota-cli-site-');
    const key = writeKeyFile(folder);
    const firmware = join(folder, 'firmware.bin');
    write(firmware, key.publicKey);
    const mirror = join(folder, 'mirror');
    let output = '';
    const code = await runCli(
      [
        'publish',
        '--firmware',
        firmware,
        '--version',
        '1.0.0',
        '--board',
        'd1_mini',
        '--key',
        key.path,
        '--out',
        mirror,
        ...args,
      ],
      {
        stdout: (text) => (output += text),
        stderr: (text) => (output += text),
      },
    );
    const webManifest = join(mirror, 'd1_mini', 'manifest.json');
    const index = join(mirror, 'index.json');
    return {
      code,
      output,
      build: existsSync(webManifest) ? JSON.parse(readFileSync(webManifest, 'utf8')).builds[0] : undefined,
      noInstall: existsSync(index) ? readIndex(mirror).releases[0].noInstall : undefined,
    };
  }

  it('writes the ESP8266 manifest with the OTA image at 0, from the flag or from a gzip image; none for an 0xE9 image without the flag', async () => {
    const esp8266 = { chipFamily: 'ESP8266', parts: [{ path: 'firmware-1.0.0.bin', offset: 0 }] };
    expect(await publish(['--chip-family', 'ESP8266', '--compress', 'none'])).toMatchObject({
      code: 0,
      build: esp8266,
    });
    // ESP8266 images are served gzip (compress: auto); the install writes the raw image beside it.
    const raw = { chipFamily: 'ESP8266', parts: [{ path: 'factory-1.0.0.bin', offset: 0 }] };
    expect(await publish(['--chip-family', 'ESP8266'])).toMatchObject({ code: 0, build: raw });
    const gzip = await publish([], (path, publicKey) => {
      writeEspImage(`${path}.raw`, { publicKey });
      writeFileSync(path, gzipSync(readFileSync(`${path}.raw`)));
    });
    // A gzip image is flashed inflated (the ROM boots only 0xE9 images): its raw form beside it.
    expect(gzip).toMatchObject({ code: 0, build: raw, noInstall: undefined });
    expect(await publish([])).toMatchObject({
      code: 0,
      build: undefined,
      noInstall: 'prebuilt image of unknown chip: --chip-family ESP8266 adds one',
    });
  });

  it('publishes an ESP32 family without an install button and says why; refuses a name that is not a chip family', async () => {
    expect(await publish(['--chip-family', 'esp32-s3'])).toMatchObject({
      code: 0,
      output: expect.stringContaining(
        'no install button on the release page: ESP32-S3 prebuilt image: a first install also needs its bootloader and partition table',
      ),
    });
    expect(await publish(['--chip-family', 'esp8266x'])).toMatchObject({
      code: 2,
      output: expect.stringContaining('--chip-family "esp8266x" is not a chip family: one of ESP8266, ESP32'),
    });
  });
});
