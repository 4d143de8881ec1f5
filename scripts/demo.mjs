// `npm run demo`: the release job on the local default, a directory mirror in ./mirror.
// Makes a throwaway key and sample ESP images, publishes two versions with the
// bundled CLI, verifies them, and shows what a device polling the mirror sees.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const mirror = join(root, 'mirror');
const work = mkdtempSync(join(tmpdir(), 'static-ota-demo-'));
const board = 'nodemcuv2';

const execFileAsync = promisify(execFile);

/** Runs the bundled CLI as a user would (asynchronously: the demo's own HTTP server must keep answering). */
async function run(...args) {
  console.log(`\n$ static-ota ${args.join(' ').replaceAll(work, '$TMP').replaceAll(root, '.')}`);
  const { stdout } = await execFileAsync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  process.stdout.write(stdout);
  return stdout;
}

/** A sample ESP8266 application image: magic 0xE9, the public key compiled in, padding. */
function sampleImage(version, publicKey) {
  const body = Buffer.concat([
    Buffer.from([0xe9, 0x03, 0x02, 0x40]),
    Buffer.from(`demo firmware ${version}\0`),
    publicKey,
  ]);
  const path = join(work, `firmware-${version}.bin`);
  writeFileSync(path, Buffer.concat([body, Buffer.alloc(300 * 1024 - body.length, 0xff)]));
  return path;
}

try {
  rmSync(mirror, { recursive: true, force: true });
  console.log(`Demo mirror: ${mirror} (recreated on every run)`);
  const keygen = await run('keygen', '--out', join(work, 'demo-key.pem'));
  const publicHex = /public key: ([0-9a-f]{64})/.exec(keygen)[1];
  const publicKey = Buffer.from(publicHex, 'hex');
  // 1.1.0 is served gzip-compressed (encoding=gzip), as the action does for ESP8266 environments.
  for (const [version, compress] of [
    ['1.0.0', 'none'],
    ['1.1.0', 'gzip'],
  ]) {
    await run(
      'publish',
      '--firmware',
      sampleImage(version, publicKey),
      '--version',
      version,
      '--board',
      board,
      '--key',
      join(work, 'demo-key.pem'),
      '--out',
      mirror,
      '--compress',
      compress,
    );
  }
  console.log('\nA re-run of the older release is refused, so the mirror never goes back:');
  const refused = await execFileAsync(process.execPath, [
    cli,
    'publish',
    '--firmware',
    sampleImage('1.0.0', publicKey),
    '--version',
    '1.0.0',
    '--board',
    board,
    '--key',
    join(work, 'demo-key.pem'),
    '--out',
    mirror,
  ]).then(
    () => undefined,
    (error) => error.stderr,
  );
  if (!refused) throw new Error('the downgrade was not refused');
  process.stdout.write(`  ${refused.split('\n')[0]}\n`);
  await run('verify', '--mirror', mirror, '--board', board, '--trusted-key', publicHex);

  const server = createServer((request, response) => {
    try {
      const body = readFileSync(
        join(mirror, ...new URL(request.url, 'http://x').pathname.split('/').filter((part) => part && part !== '..')),
      );
      response.writeHead(200, { 'Content-Length': body.length }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${server.address().port}`;
  try {
    const response = await fetch(`${url}/${board}/latest.txt`);
    const manifest = await response.text();
    console.log(
      `\nA device polling GET ${url}/${board}/latest.txt receives (HTTP ${response.status}, ${manifest.length} bytes):\n`,
    );
    process.stdout.write(manifest.replace(/^/gm, '  '));
    await run('verify', '--mirror', url, '--board', board, '--trusted-key', publicHex);

    console.log('\nThe device simulator (the C++ device core with OpenSSL and POSIX sockets) polls the same URL.');
    console.log('Building it with CMake (firmware/build)...');
    const build = join(root, 'firmware', 'build');
    await execFileAsync('cmake', ['-S', join(root, 'firmware'), '-B', build, '-DCMAKE_BUILD_TYPE=RelWithDebInfo']);
    await execFileAsync('cmake', ['--build', build, '--target', 'static-ota-device', '--parallel', '2']);
    const flash = join(work, 'flash.bin');
    const device = async (version) => {
      const args = [
        '--url',
        `${url}/${board}/latest.txt`,
        '--pubkey',
        publicHex,
        '--version',
        version,
        '--board',
        board,
        '--flash',
        flash,
        '--chip',
        'esp8266',
      ];
      const { stdout } = await execFileAsync(join(build, 'static-ota-device'), args).catch((error) => error);
      console.log(`  device running ${version}: ${stdout.trim()}`);
    };
    await device('1.0.0');
    console.log(
      `  flash now holds the published image: ${readFileSync(flash).equals(readFileSync(join(mirror, board, 'firmware-1.1.0.bin')))}`,
    );
    await device('1.1.0');
  } finally {
    server.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
