// End to end: the CLI publishes into a folder served on 127.0.0.1, and the
// device simulator (the firmware core with OpenSSL and POSIX sockets) updates
// from it or refuses. After every refusal the flash is untouched and a good
// release still installs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { removeTemporaryFolders, temporaryFolder, writeEspImage, writeKeyFile, type KeyFile } from '../helpers.js';
import { runDevice, serveMirror, type Mirror } from './simulator.js';

const FACTORY_IMAGE = Buffer.from('factory image: the one running now');

afterAll(removeTemporaryFolders);

async function publish(firmware: string, version: string, board: string, key: KeyFile, mirror: string): Promise<void> {
  let output = '';
  const code = await runCli(
    ['publish', '--firmware', firmware, '--version', version, '--board', board, '--key', key.path, '--out', mirror],
    { stdout: (text) => (output += text), stderr: (text) => (output += text), env: {} },
  );
  if (code !== 0) throw new Error(`publish ${version} failed: ${output}`);
}

interface Setup {
  folder: string;
  key: KeyFile;
  mirrorFolder: string;
  server: Mirror;
  flash: string;
  image: Buffer;
  device(
    extra?: string[],
    options?: { version?: string; board?: string; key?: string },
  ): Promise<Awaited<ReturnType<typeof runDevice>>>;
  expectFlashUntouched(): void;
  expectGoodUpdate(): Promise<void>;
}

const servers: Mirror[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A device running 1.0.0 on nodemcuv2 and a mirror offering 1.1.0 for it. */
async function setup(): Promise<Setup> {
  const folder = temporaryFolder('static-ota-device-');
  const key = writeKeyFile(folder);
  const mirrorFolder = join(folder, 'mirror');
  const firmware = join(folder, 'firmware-1.1.0.bin');
  const image = writeEspImage(firmware, { publicKey: key.publicKey, marker: 'release 1.1.0', size: 50_000 });
  await publish(firmware, '1.1.0', 'nodemcuv2', key, mirrorFolder);
  const server = await serveMirror(mirrorFolder);
  servers.push(server);
  const flash = join(folder, 'flash.bin');
  writeFileSync(flash, FACTORY_IMAGE);
  const self: Setup = {
    folder,
    key,
    mirrorFolder,
    server,
    flash,
    image,
    device: (extra = [], options = {}) =>
      runDevice([
        '--url',
        `${server.url}/${options.board ?? 'nodemcuv2'}/latest.txt`,
        '--pubkey',
        options.key ?? key.publicHex,
        '--version',
        options.version ?? '1.0.0',
        '--board',
        'nodemcuv2',
        '--flash',
        flash,
        '--timeout-ms',
        '2000',
        ...extra,
      ]),
    expectFlashUntouched() {
      expect(readFileSync(flash)).toEqual(FACTORY_IMAGE);
      expect(readdirSync(folder).filter((name) => name.includes('.partial-'))).toEqual([]);
    },
    async expectGoodUpdate() {
      server.fault = undefined;
      const run = await self.device();
      expect(run.result).toBe('updated');
      expect(readFileSync(flash)).toEqual(image);
    },
  };
  return self;
}

const imagePath = (s: Setup) => join(s.mirrorFolder, 'nodemcuv2', 'firmware-1.1.0.bin');
const manifestPath = (s: Setup) => join(s.mirrorFolder, 'nodemcuv2', 'latest.txt');

describe('static-ota-device against a published mirror', () => {
  it('installs a newer signed release', async () => {
    const s = await setup();
    const run = await s.device();
    expect(run).toMatchObject({ result: 'updated', exitCode: 0 });
    expect(run.fields.offered).toBe('1.1.0');
    expect(readFileSync(s.flash)).toEqual(s.image);
  });

  it('reports no update for the running version, then, once the validators are confirmed, costs a bodiless 304', async () => {
    const s = await setup();
    const state = join(s.folder, 'state.txt');
    const first = await s.device(['--state', state], { version: '1.1.0' });
    expect(first.result).toBe('no_update');
    // Validators are sent only after two answers in a row carried them (docs/protocol.md, "Device behaviour").
    const second = await s.device(['--state', state], { version: '1.1.0' });
    expect(second).toMatchObject({ result: 'no_update', fields: { http_status: '200' } });
    const third = await s.device(['--state', state], { version: '1.1.0' });
    expect(third).toMatchObject({ result: 'no_update', fields: { http_status: '304', body_bytes: '0' } });
    s.expectFlashUntouched();
  });

  it('refuses a tampered image', async () => {
    const s = await setup();
    const good = readFileSync(imagePath(s));
    const tampered = Buffer.from(good);
    tampered[tampered.length - 10] ^= 0xff;
    writeFileSync(imagePath(s), tampered);
    expect((await s.device()).result).toBe('hash_mismatch');
    s.expectFlashUntouched();
    writeFileSync(imagePath(s), good);
    await s.expectGoodUpdate();
  });

  it('refuses a tampered manifest', async () => {
    const s = await setup();
    const good = readFileSync(manifestPath(s), 'latin1');
    writeFileSync(manifestPath(s), good.replace('channel=stable', 'channel=stablf'), 'latin1');
    const run = await s.device();
    expect(run).toMatchObject({ result: 'bad_signature', fields: { detail: 'bad_signature' } });
    s.expectFlashUntouched();
    writeFileSync(manifestPath(s), good, 'latin1');
    await s.expectGoodUpdate();
  });

  it('refuses a release signed by a key it does not trust', async () => {
    const s = await setup();
    const stranger = writeKeyFile(s.folder, 'stranger.pem');
    const run = await s.device([], { key: stranger.publicHex });
    expect(run).toMatchObject({ result: 'bad_signature', fields: { detail: 'untrusted_key' } });
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('refuses an older version', async () => {
    const s = await setup();
    expect((await s.device([], { version: '2.0.0' })).result).toBe('not_newer');
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('refuses the release of another board', async () => {
    const s = await setup();
    const other = join(s.folder, 'esp32.bin');
    writeEspImage(other, { publicKey: s.key.publicKey, marker: 'esp32 2.0.0' });
    await publish(other, '2.0.0', 'esp32dev', s.key, s.mirrorFolder);
    expect((await s.device([], { board: 'esp32dev' })).result).toBe('wrong_board');
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('refuses a truncated download (the server closes early)', async () => {
    const s = await setup();
    s.server.fault = (request, response, body) => {
      if (!request.url?.endsWith('.bin') || !body) return false;
      response.writeHead(200, { 'Content-Length': body.length });
      response.write(body.subarray(0, body.length / 2), () => response.socket?.destroy());
      return true;
    };
    const run = await s.device();
    expect(run).toMatchObject({
      result: 'network',
      fields: { detail: 'closed', image_bytes: String(s.image.length / 2) },
    });
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('refuses a server that sends more than size, with or without a length', async () => {
    const s = await setup();
    s.server.fault = (request, response, body) => {
      if (!request.url?.endsWith('.bin') || !body) return false;
      const longer = Buffer.concat([body, Buffer.alloc(4096, 0x55)]);
      response.writeHead(200, { 'Content-Length': longer.length }).end(longer);
      return true;
    };
    expect((await s.device()).result).toBe('size_mismatch');
    s.server.fault = (request, response, body) => {
      if (!request.url?.endsWith('.bin') || !body) return false;
      response.writeHead(200); // no Content-Length: Node sends the body chunked
      response.write(body);
      response.end(Buffer.alloc(4096, 0x55));
      return true;
    };
    expect((await s.device()).result).toBe('size_mismatch');
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('refuses a 404 for the manifest and a 500 for the image', async () => {
    const s = await setup();
    const status =
      (code: number, suffix: string) => (request: { url?: string }, response: import('node:http').ServerResponse) => {
        if (!request.url?.endsWith(suffix)) return false;
        response.writeHead(code, { 'Content-Type': 'text/plain' }).end(`status ${code}`);
        return true;
      };
    s.server.fault = status(404, 'latest.txt');
    expect(await s.device()).toMatchObject({ result: 'http_status', fields: { http_status: '404' } });
    s.server.fault = status(500, '.bin');
    expect(await s.device()).toMatchObject({ result: 'http_status', fields: { http_status: '500' } });
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('gives up on a redirect loop and on a server that stops sending', async () => {
    const s = await setup();
    s.server.fault = (request, response) => {
      if (!request.url?.endsWith('latest.txt')) return false;
      response.writeHead(302, { Location: request.url }).end();
      return true;
    };
    expect(await s.device()).toMatchObject({ result: 'http_status', fields: { http_status: '302' } });
    const redirectsFollowed = s.server.requests.filter((path) => path.endsWith('latest.txt')).length - 1;
    expect(redirectsFollowed).toBe(3);

    s.server.fault = (request, response, body) => {
      if (!request.url?.endsWith('.bin') || !body) return false;
      response.writeHead(200, { 'Content-Length': body.length });
      response.write(body.subarray(0, 1000)); // then nothing: a stalled trickle
      return true;
    };
    expect(await s.device(['--timeout-ms', '300'])).toMatchObject({ result: 'timeout', fields: { detail: 'timeout' } });
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('stops at a redirect to https, as the chips do, and reports its status', async () => {
    const s = await setup();
    s.server.fault = (request, response) => {
      if (!request.url?.endsWith('latest.txt')) return false;
      // What GitHub Pages answers for http when "Enforce HTTPS" is on.
      response.writeHead(301, { Location: `https://${request.headers.host}${request.url}` }).end();
      return true;
    };
    expect(await s.device()).toMatchObject({ result: 'http_status', fields: { http_status: '301' } });
    expect(s.server.requests.filter((path) => path.endsWith('latest.txt'))).toHaveLength(1);
    s.expectFlashUntouched();
    await s.expectGoodUpdate();
  });

  it('refuses an image larger than the OTA flash area', async () => {
    const s = await setup();
    expect((await s.device(['--flash-size', String(s.image.length - 1)])).result).toBe('too_large');
    s.expectFlashUntouched();
    expect(existsSync(s.flash)).toBe(true);
    await s.expectGoodUpdate();
  });
});
