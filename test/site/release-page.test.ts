// The release page as people meet it: the action publishes a mirror (retention
// and two concurrent runs included), nginx serves it on 127.0.0.1, and Debian's
// Chromium, headless, loads the page with no network beyond the mirror.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeProject, runAction, type Project } from '../action/action-runner.js';
import { removeTemporaryFolders, temporaryFolder, writeEspImage } from '../helpers.js';
import { startNginx, type RunningNginx } from './nginx.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** Screenshots for people to look at (ignored by git). */
export const OUTPUT = join(ROOT, 'test-results', 'release-page');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Expected {
  board: string;
  channel: string;
  version: string;
  image: string;
  older: string[];
  hasWebManifest: boolean;
}

/** What the mirror holds, read from the folder itself (not through the page's code): every latest.txt and the images beside it. */
function mirrorContents(mirror: string): Expected[] {
  const found: Expected[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'install') walk(join(folder, entry.name));
      if (entry.name !== 'latest.txt') continue;
      const path = relative(mirror, folder).split('\\').join('/');
      const [board, channel = 'stable'] = path.split('/');
      const text = readFileSync(join(folder, entry.name), 'latin1');
      const file = /^file=(.*)$/m.exec(text)?.[1] as string;
      const images = readdirSync(folder).filter((name) => /^firmware-.*\.bin$/.test(name));
      found.push({
        board,
        channel,
        version: text.split('\n')[0],
        image: `${path}/${file}`,
        older: images.filter((name) => name !== file).map((name) => `${path}/${name}`),
        hasWebManifest: existsSync(join(folder, 'manifest.json')),
      });
    }
  };
  walk(mirror);
  return found.sort((a, b) => `${a.board}/${a.channel}`.localeCompare(`${b.board}/${b.channel}`));
}

async function release(
  project: Project,
  mirror: string,
  tag: string,
  inputs: Record<string, string> = {},
): Promise<void> {
  const run = await runAction(project, { directory: mirror, ...inputs }, { GITHUB_REF: `refs/tags/${tag}` });
  if (run.status !== 0) throw new Error(`action for ${tag} failed:\n${run.output}`);
}

describe('release page in headless Chromium', () => {
  let project: Project;
  let mirror: string;
  let nginx: RunningNginx;
  let context: BrowserContext;

  beforeAll(async () => {
    project = makeProject(['nodemcuv2', 'esp32dev', 'esp32-s3-devkitc-1']);
    mirror = join(project.folder, 'public');
    await release(project, mirror, 'v1.4.2');
    await release(project, mirror, 'v1.5.0');
    await release(project, mirror, 'v1.6.0', { 'keep-versions': '2' });
    // Two runs at once, each publishing other boards: each regenerates the page from the mirror.
    await Promise.all([
      release(project, mirror, 'v1.7.0', { environments: 'nodemcuv2' }),
      release(project, mirror, 'v1.8.0-beta.1', { environments: 'esp32dev,esp32-s3-devkitc-1' }),
    ]);
    nginx = await startNginx(mirror);
    context = await chromium.launchPersistentContext(temporaryFolder('static-ota-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await nginx?.stop();
    removeTemporaryFolders();
  });

  it('lists what the mirror holds, defines the install button per board, and resolves every manifest path, all from 127.0.0.1', async () => {
    const expected = mirrorContents(mirror);
    expect(expected.map(({ board, channel, version }) => `${board}/${channel} ${version}`)).toEqual([
      'esp32-s3-devkitc-1/beta 1.8.0-beta.1',
      'esp32-s3-devkitc-1/stable 1.6.0',
      'esp32dev/beta 1.8.0-beta.1',
      'esp32dev/stable 1.6.0',
      'nodemcuv2/stable 1.7.0',
    ]);
    expect(expected.filter((entry) => !entry.hasWebManifest)).toEqual([]);
    // Retention kept two versions, and took the flash images of 1.4.2 with its image.
    expect(readdirSync(join(mirror, 'esp32dev')).filter((name) => name.includes('1.4.2'))).toEqual([]);

    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = await context.newPage();
    const response = await page.goto(`${nginx.url}/index.html`);
    expect(response?.status()).toBe(200);
    await page.waitForFunction(() => customElements.get('esp-web-install-button') !== undefined, undefined, {
      timeout: 15_000,
    });

    for (const entry of expected) {
      const section = page.locator(`section.release[data-board="${entry.board}"][data-channel="${entry.channel}"]`);
      await expect(section.locator('.version').textContent()).resolves.toBe(entry.version);
      const links = await section
        .locator('a')
        .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
      expect(links).toContain(entry.image);
      for (const older of entry.older) expect(links).toContain(older);
      expect(links.filter((link) => link && /firmware-.*\.bin$/.test(link)).sort()).toEqual(
        [entry.image, ...entry.older].sort(),
      );
      // The custom element is upgraded (it has its shadow root), not an unknown tag.
      const button = section.locator('esp-web-install-button');
      await expect(
        button.evaluate(
          (element) => element instanceof (customElements.get('esp-web-install-button') as CustomElementConstructor),
        ),
      ).resolves.toBe(true);
      await expect(button.getAttribute('manifest')).resolves.toBe(
        `${entry.image.slice(0, entry.image.lastIndexOf('/'))}/manifest.json`,
      );
    }
    expect(await page.locator('section.release').count()).toBe(expected.length);

    // Every manifest.json and every part it names, fetched by the page from the mirror.
    const manifests = await page
      .locator('esp-web-install-button')
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('manifest') as string));
    const fetched = await page.evaluate(async (paths) => {
      const results = [];
      for (const path of paths) {
        const manifestUrl = new URL(path, location.href);
        const manifestResponse = await fetch(manifestUrl);
        const manifest = await manifestResponse.json();
        const parts = [];
        for (const part of manifest.builds[0].parts) {
          const partResponse = await fetch(new URL(part.path, manifestUrl));
          const digest = await crypto.subtle.digest('SHA-256', await partResponse.arrayBuffer());
          parts.push({
            path: part.path,
            offset: part.offset,
            status: partResponse.status,
            sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
          });
        }
        results.push({
          path,
          status: manifestResponse.status,
          chipFamily: manifest.builds[0].chipFamily,
          version: manifest.version,
          ota: manifest.builds[0].ota,
          parts,
        });
      }
      return results;
    }, manifests);
    expect(fetched).toHaveLength(expected.length);
    for (const result of fetched) {
      const entry = expected.find(
        (candidate) => result.path === `${candidate.image.slice(0, candidate.image.lastIndexOf('/'))}/manifest.json`,
      ) as Expected;
      expect(result.status).toBe(200);
      expect(result.version).toBe(entry.version);
      for (const part of result.parts) expect(part).toMatchObject({ status: 200 });
      const imageName = entry.image.slice(entry.image.lastIndexOf('/') + 1);
      const manifestText = readFileSync(join(mirror, ...entry.image.split('/').slice(0, -1), 'latest.txt'), 'latin1');
      const image = readFileSync(join(mirror, ...entry.image.split('/')));
      // A gzip OTA image (compress: auto, ESP8266) is installed over serial in its raw form, beside it.
      const gzip = /^encoding=gzip$/m.test(manifestText);
      const firmware = result.parts.find(
        (part) => part.path === (gzip ? imageName.replace(/^firmware-/, 'factory-') : imageName),
      );
      expect(firmware?.sha256).toBe(
        gzip ? createHash('sha256').update(gunzipSync(image)).digest('hex') : /^sha256=(.*)$/m.exec(manifestText)?.[1],
      );
      expect(result.ota).toMatchObject({ path: imageName, md5: createHash('md5').update(image).digest('hex') });
      if (entry.board === 'nodemcuv2') {
        expect(result.chipFamily).toBe('ESP8266');
        expect(result.parts.map(({ offset }) => offset)).toEqual([0]);
      } else {
        expect(result.chipFamily).toBe(entry.board === 'esp32dev' ? 'ESP32' : 'ESP32-S3');
        expect(result.parts.map(({ path, offset }) => [path.replace(/-\d.*$/, ''), offset])).toEqual([
          ['bootloader', 0x1000],
          ['partitions', 0x8000],
          ['boot_app0', 0xe000],
          ['firmware', 0x10000],
        ]);
      }
    }

    mkdirSync(OUTPUT, { recursive: true });
    await page.setViewportSize({ width: 420, height: 900 });
    await page.screenshot({ path: join(OUTPUT, 'release-page-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: join(OUTPUT, 'release-page.png'), fullPage: true });

    expect(requests.length).toBeGreaterThan(manifests.length);
    expect(requests.filter((url) => new URL(url).origin !== nginx.url)).toEqual([]);
  });
});

describe('install buttons and their notes in headless Chromium', () => {
  let project: Project;
  let nginx: RunningNginx;
  let context: BrowserContext;
  /** A name for 127.0.0.1 that is not loopback to the browser: a plain-http page there is no secure context. */
  const INSECURE_HOST = 'mirror.test';

  beforeAll(async () => {
    // nodemcuv2 gets a button; uno's platform is not Espressif; d1_mini is a prebuilt image of unknown chip.
    project = makeProject(['nodemcuv2']);
    appendFileSync(join(project.folder, 'platformio.ini'), '\n[env:uno]\nplatform = atmelavr\nboard = uno\n');
    const mirror = join(project.folder, 'public');
    await release(project, mirror, 'v1.0.0', { environments: 'nodemcuv2,uno' });
    const firmware = join(project.folder, 'prebuilt.bin');
    writeEspImage(firmware, { publicKey: project.key.publicKey });
    const prebuilt = await runAction(
      project,
      { directory: mirror, build: 'false', firmware, environments: 'd1_mini', version: '2.0.0' },
      { GITHUB_REF: 'refs/heads/main' },
    );
    if (prebuilt.status !== 0) throw new Error(`prebuilt publish failed:\n${prebuilt.output}`);
    nginx = await startNginx(mirror);
    context = await chromium.launchPersistentContext(temporaryFolder('static-ota-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS, `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`],
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await nginx?.stop();
    removeTemporaryFolders();
  });

  const section = (page: Page, board: string) => page.locator(`section.release[data-board="${board}"]`);

  /** Loads the page, waits for ESP Web Tools, checks the notes of the boards without a button, and takes screenshots. */
  async function load(page: Page, url: string, screenshot: string): Promise<void> {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    expect((await page.goto(url))?.status()).toBe(200);
    await page.waitForFunction(() => customElements.get('esp-web-install-button') !== undefined, undefined, {
      timeout: 15_000,
    });
    await expect(section(page, 'uno').locator('.no-install').innerText()).resolves.toBe(
      'No install button: platform "atmelavr" is not espressif8266 or espressif32: ESP Web Tools flashes only Espressif chips.',
    );
    await expect(section(page, 'd1_mini').locator('.no-install').innerText()).resolves.toBe(
      'No install button: prebuilt image of unknown chip: chip-family ESP8266 adds one.',
    );
    for (const board of ['uno', 'd1_mini'])
      await expect(section(page, board).locator('esp-web-install-button').count()).resolves.toBe(0);
    mkdirSync(OUTPUT, { recursive: true });
    await page.setViewportSize({ width: 420, height: 900 });
    await page.screenshot({ path: join(OUTPUT, `${screenshot}-phone.png`), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: join(OUTPUT, `${screenshot}.png`), fullPage: true });
    expect(requests.filter((request) => new URL(request).port !== new URL(nginx.url).port)).toEqual([]);
  }

  /** What ESP Web Tools shows for nodemcuv2: which of its slotted elements are rendered. */
  const visibleSlots = (page: Page) =>
    section(page, 'nodemcuv2')
      .locator('esp-web-install-button > [slot]')
      .evaluateAll((elements) =>
        elements
          .filter((element) => element.getClientRects().length > 0)
          .map((element) => element.getAttribute('slot')),
      );

  it('with Web Serial, shows a styled install button for the ESP8266 and says why the others have none', async () => {
    const page = await context.newPage();
    await load(page, `${nginx.url}/index.html`, 'install-web-serial');
    await expect(page.evaluate(() => 'serial' in navigator && isSecureContext)).resolves.toBe(true);
    await expect(visibleSlots(page)).resolves.toEqual(['activate']);
    const button = section(page, 'nodemcuv2').locator('button.install');
    await expect(button.innerText()).resolves.toMatch(/^Install 1\.0\.0\s+ESP8266$/);
    const style = await button.evaluate((element) => {
      const computed = getComputedStyle(element);
      return { color: computed.color, background: computed.backgroundColor, radius: computed.borderRadius };
    });
    // The page's own blue (its channel labels), not the browser's grey default.
    expect(style).toEqual({ color: 'rgb(255, 255, 255)', background: 'rgb(26, 61, 143)', radius: '6px' });
    await page.close();
  });

  it('without Web Serial (as in Firefox or Safari), shows no button but the note saying what install needs', async () => {
    const page = await context.newPage();
    await page.addInitScript(() => {
      delete (Navigator.prototype as { serial?: unknown }).serial;
    });
    await load(page, `${nginx.url}/index.html`, 'install-no-web-serial');
    await expect(page.evaluate(() => 'serial' in navigator)).resolves.toBe(false);
    await expect(visibleSlots(page)).resolves.toEqual(['unsupported']);
    await expect(page.locator('button:visible').count()).resolves.toBe(0);
    await expect(section(page, 'nodemcuv2').locator('[slot=unsupported]').innerText()).resolves.toBe(
      'No install from this browser: it has no Web Serial. Use Chrome or Edge on a computer, with this page over https or on localhost.',
    );
    await page.close();
  });

  it('on plain http from another host, shows no button but the note that install needs https', async () => {
    const page = await context.newPage();
    await load(page, `${nginx.url.replace('127.0.0.1', INSECURE_HOST)}/index.html`, 'install-plain-http');
    await expect(page.evaluate(() => isSecureContext)).resolves.toBe(false);
    await expect(visibleSlots(page)).resolves.toEqual(['not-allowed']);
    await expect(page.locator('button:visible').count()).resolves.toBe(0);
    await expect(section(page, 'nodemcuv2').locator('[slot=not-allowed]').innerText()).resolves.toBe(
      'No install from this page: Web Serial works only over https or on localhost.',
    );
    await page.close();
  });
});
