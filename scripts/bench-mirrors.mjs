// Prints what idle polls cost with one and with three mirrors configured
// (nothing is asserted): requests and bytes the device receives per poll,
// over enough polls to include the unconditional re-checks and the
// fallback probes (docs/protocol.md, "Mirror failover").
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const simulator = join(repository, 'firmware', 'build', 'static-ota-device');
const cli = join(repository, 'dist', 'cli.js');
const limits = readFileSync(join(repository, 'firmware/src/core/static_ota_limits.h'), 'utf8');
const probeInterval = Number(/kMirrorProbeInterval = (\d+);/.exec(limits)[1]);
const POLLS = 3 * probeInterval;

execFileSync('cmake', ['-S', join(repository, 'firmware'), '-B', join(repository, 'firmware', 'build')], {
  stdio: 'ignore',
});
execFileSync(
  'cmake',
  ['--build', join(repository, 'firmware', 'build'), '--target', 'static-ota-device', '--parallel', '2'],
  { stdio: 'ignore' },
);

const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-mirrors-'));
const key = join(work, 'key.pem');
const keygen = execFileSync(process.execPath, [cli, 'keygen', '--out', key], { encoding: 'utf8' });
const publicHex = /public key: ([0-9a-f]{64})/.exec(keygen)[1];
const image = Buffer.alloc(64 * 1024, 0xa5);
image[0] = 0xe9;
Buffer.from(publicHex, 'hex').copy(image, 16);
writeFileSync(join(work, 'fw.bin'), image);
const mirrorFolder = join(work, 'mirror');
execFileSync(process.execPath, [
  cli,
  'publish',
  '--firmware',
  join(work, 'fw.bin'),
  '--version',
  '2.0.0',
  '--board',
  'nodemcuv2',
  '--key',
  key,
  '--out',
  mirrorFolder,
]);

/** A static host with ETag/304, counting the requests it answers. */
function serve() {
  const counter = { requests: 0 };
  const server = createServer((request, response) => {
    counter.requests += 1;
    let body;
    try {
      body = readFileSync(
        join(mirrorFolder, ...(request.url ?? '').split('/').filter((part) => part && part !== '..')),
      );
    } catch {
      return response.writeHead(404).end();
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (request.headers['if-none-match'] === etag) return response.writeHead(304, { ETag: etag }).end();
    response.writeHead(200, { 'Content-Length': body.length, ETag: etag }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(
        Object.assign(counter, { server, url: `http://127.0.0.1:${server.address().port}/nodemcuv2/latest.txt` }),
      ),
    ),
  );
}

async function idlePolls(label, urls, servers, note = '') {
  const state = join(work, `${label.replace(/\W+/g, '-')}.state`);
  let bytes = 0;
  const pattern = [];
  for (let poll = 0; poll < POLLS; poll++) {
    const before = servers.reduce((sum, server) => sum + server.requests, 0);
    const { stdout } = await promisify(execFile)(simulator, [
      ...urls.flatMap((url) => ['--url', url]),
      '--pubkey',
      publicHex,
      '--version',
      '2.0.0',
      '--board',
      'nodemcuv2',
      '--check',
      '--state',
      state,
      '--timeout-ms',
      '2000',
    ]);
    const fields = Object.fromEntries(
      [...stdout.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((match) => [match[1], match[2]]),
    );
    bytes += Number(fields.bytes_received);
    pattern.push(servers.reduce((sum, server) => sum + server.requests, 0) - before);
  }
  const requests = pattern.reduce((sum, count) => sum + count, 0);
  console.log(
    `  ${label.padEnd(34)} ${(requests / POLLS).toFixed(2)} HTTP requests and ${Math.round(bytes / POLLS)} bytes received per poll${note}`,
  );
  console.log(`  ${''.padEnd(34)} requests per poll: ${pattern.join(' ')}`);
}

const mirrors = await Promise.all([serve(), serve(), serve()]);
try {
  console.log(
    `\nidle polls with mirror failover (${POLLS} polls, device runs the offered version, with a state file):`,
  );
  await idlePolls('1 mirror', [mirrors[0].url], mirrors);
  await idlePolls(
    '3 mirrors, primary answering',
    mirrors.map((mirror) => mirror.url),
    mirrors,
  );
  const down = 'http://127.0.0.1:1/nodemcuv2/latest.txt';
  await idlePolls(
    '3 mirrors, primary down (port 1)',
    [down, mirrors[1].url, mirrors[2].url],
    mirrors,
    ', plus one refused connection',
  );
  console.log(
    `  (target: unchanged for one mirror, one 304 per poll while the primary answers; the fallbacks are\n` +
      `   probed once every ${probeInterval} polls so a stale primary cannot hide a release)`,
  );
} finally {
  for (const mirror of mirrors) mirror.server.close();
  rmSync(work, { recursive: true, force: true });
}
