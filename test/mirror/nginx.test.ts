// A directory mirror served by nginx (Debian's package, installed by .ci/run)
// from the server block docs/mirrors.md gives users: gzip on, ETags. verify
// passes against it, and the device simulator updates from it and then polls
// it with a bodiless 304.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { runDevice } from '../device/simulator.js';
import {
  publishCommand,
  removeTemporaryFolders,
  SIMULATOR,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
} from '../helpers.js';
import { accepts, freePort, NGINX } from '../site/nginx.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const START_ATTEMPTS = 100;

afterAll(removeTemporaryFolders);

/** The nginx block of docs/mirrors.md, "Serving a directory mirror". */
function documentedServerBlock(): string {
  const docs = readFileSync(join(ROOT, 'docs', 'mirrors.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Serving a directory mirror'));
  const block = /```nginx\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('docs/mirrors.md has no nginx block under "Serving a directory mirror"');
  return block;
}

interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** nginx on a free port; another process may take the port between the probe and nginx, so a few tries. */
async function startNginx(mirror: string): Promise<Nginx> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNginxOnce(mirror, await freePort());
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** nginx in the foreground, everything it writes inside its own temporary folder. */
async function startNginxOnce(mirror: string, port: number): Promise<Nginx> {
  const folder = temporaryFolder('static-ota-nginx-');
  const block = documentedServerBlock();
  const server = block
    .replace(/^(\s*)listen 80;/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*)root [^;]+;/m, `$1root ${mirror};`);
  expect(server).not.toBe(block);
  const paths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `  ${name}_temp_path ${join(folder, name)};`)
    .join('\n');
  const config = join(folder, 'nginx.conf');
  writeFileSync(
    config,
    [
      // As root the workers would drop to nobody, who cannot read a private temporary folder.
      process.getuid?.() === 0 ? 'user root root;' : '',
      'worker_processes 1;',
      `pid ${join(folder, 'nginx.pid')};`,
      `error_log ${join(folder, 'error.log')};`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${join(folder, 'access.log')};`,
      paths,
      server,
      '}',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    NGINX,
    ['-p', folder, '-c', config, '-e', join(folder, 'error.log'), '-g', 'daemon off;'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let running = true;
  void exited.then(() => (running = false));
  for (let attempt = 0; !(await accepts(port)); attempt++) {
    const log = existsSync(join(folder, 'error.log')) ? readFileSync(join(folder, 'error.log'), 'utf8') : '';
    if (!running || attempt === START_ATTEMPTS) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start on 127.0.0.1:${port}: ${log}`);
    }
    await new Promise((wait) => setTimeout(wait, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (!running) return;
      // Graceful stop by the pid nginx wrote; a kill only if it does not end in time.
      process.kill(Number(readFileSync(join(folder, 'nginx.pid'), 'utf8')), 'SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A browser-like GET asking for gzip: the head nginx answers it with. */
const headForGzipClient = (url: string): Promise<Record<string, string | string[] | undefined>> =>
  new Promise((resolveHead, reject) => {
    get(url, { headers: { 'Accept-Encoding': 'gzip, deflate' } }, (response) => {
      response.resume();
      resolveHead(response.headers);
    }).on('error', reject);
  });

describe('a directory mirror served by nginx as docs/mirrors.md shows', () => {
  let nginx: Nginx | undefined;
  afterEach(async () => {
    await nginx?.stop();
    nginx = undefined;
  });

  it('passes verify, updates the device simulator, then answers its idle polls with a bodiless 304', async () => {
    const folder = temporaryFolder();
    const key = writeKeyFile(folder);
    const mirror = join(folder, 'public');
    const firmware = join(folder, 'firmware.bin');
    const image = writeEspImage(firmware, { publicKey: key.publicKey, marker: 'release 1.0.0', size: 40_000 });
    let output = '';
    const io = { stdout: (text: string) => (output += text), stderr: (text: string) => (output += text), env: {} };
    expect(await runCli([...publishCommand(firmware, key.path, '1.0.0'), '--out', mirror], io)).toBe(0);
    nginx = await startNginx(mirror);
    const manifestUrl = `${nginx.url}/nodemcuv2/latest.txt`;

    // The server really compresses for a client that asks: what broke a fetch-based verify.
    const gzipHead = await headForGzipClient(manifestUrl);
    expect(gzipHead).toMatchObject({ 'content-encoding': 'gzip', 'transfer-encoding': 'chunked' });

    output = '';
    const verified = await runCli(
      ['verify', '--mirror', nginx.url, '--board', 'nodemcuv2', '--pubkey', key.publicHex],
      io,
    );
    expect(output).toContain(`OK ${manifestUrl}`);
    expect(verified).toBe(0);

    const flash = join(folder, 'flash.bin');
    writeFileSync(flash, 'factory image');
    const device = (version: string, state: string[] = []) =>
      runDevice([
        '--url',
        manifestUrl,
        '--pubkey',
        key.publicHex,
        '--version',
        version,
        '--board',
        'nodemcuv2',
        '--flash',
        flash,
        '--timeout-ms',
        '5000',
        ...state,
      ]);
    expect(existsSync(SIMULATOR)).toBe(true);
    expect((await device('0.9.0')).result).toBe('updated');
    expect(readFileSync(flash)).toEqual(image);

    // Validators are sent once two answers in a row carried the same ones (docs/protocol.md).
    const state = ['--state', join(folder, 'device-state.txt')];
    expect(await device('1.0.0', state)).toMatchObject({ result: 'no_update', fields: { http_status: '200' } });
    expect(await device('1.0.0', state)).toMatchObject({ result: 'no_update', fields: { http_status: '200' } });
    expect(await device('1.0.0', state)).toMatchObject({
      result: 'no_update',
      fields: { http_status: '304', body_bytes: '0' },
    });
  });

  it('serves the release page and its installer with the types a browser needs', async () => {
    const folder = temporaryFolder();
    const key = writeKeyFile(folder);
    const mirror = join(folder, 'public');
    const firmware = join(folder, 'firmware.bin');
    writeEspImage(firmware, { publicKey: key.publicKey, marker: 'release 1.0.0' });
    const io = { stdout: () => undefined, stderr: () => undefined, env: {} };
    const publish = [...publishCommand(firmware, key.path, '1.0.0'), '--chip-family', 'ESP8266', '--out', mirror];
    expect(await runCli(publish, io)).toBe(0);
    expect(existsSync(join(mirror, 'install', 'install-button.js'))).toBe(true);
    nginx = await startNginx(mirror);
    // A module script served as text/plain is refused by browsers: the install button would never load.
    expect((await headForGzipClient(`${nginx.url}/install/install-button.js`))['content-type']).toBe(
      'application/javascript',
    );
    expect((await headForGzipClient(`${nginx.url}/index.html`))['content-type']).toMatch(/^text\/html/);
  });
});
