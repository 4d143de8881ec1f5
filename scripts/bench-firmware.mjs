// Prints the device library's figures (nothing is asserted):
//  - code size (.text+.rodata) and static RAM (.data+.bss) of the core built
//    for the ESP8266's lx106 at -Os, without any crypto library;
//  - stack high-water of a full update in the host simulator (painted stack,
//    including signature verification with OpenSSL);
//  - bytes received by an idle poll answered with 304.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCore, measureCore } from '../firmware/tools/xtensa-core.mjs';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const firmware = join(repository, 'firmware');
const build = join(firmware, 'build');
const simulator = join(build, 'static-ota-device');

function buildSimulator() {
  execFileSync('cmake', ['-S', firmware, '-B', build], { stdio: 'ignore' });
  execFileSync('cmake', ['--build', build, '--target', 'static-ota-device', 'core_tests', '--parallel', '2'], { stdio: 'ignore' });
}

// A release signed here with node:crypto, independent of the publisher.
function makeMirror(folder, imageSize) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const rawPublic = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const image = Buffer.alloc(imageSize, 0xa5);
  image[0] = 0xe9;
  const body =
    '2.0.0\nformat=static-ota/1\nboard=nodemcuv2\nchannel=stable\nfile=firmware-2.0.0.bin\n' +
    `size=${image.length}\nsha256=${createHash('sha256').update(image).digest('hex')}\n`;
  const keyId = createHash('sha256').update(rawPublic).digest('hex').slice(0, 8);
  const signature = sign(null, Buffer.from(body), privateKey).toString('hex');
  const files = new Map([
    ['/nodemcuv2/latest.txt', Buffer.from(`${body}sig=${keyId}:${signature}\n`)],
    ['/nodemcuv2/firmware-2.0.0.bin', image],
  ]);
  return { files, publicHex: rawPublic.toString('hex'), flash: join(folder, 'flash.bin'), state: join(folder, 'state') };
}

function serve(files) {
  const server = createServer((request, response) => {
    const body = files.get(request.url ?? '');
    if (!body) return response.writeHead(404).end();
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (request.headers['if-none-match'] === etag) return response.writeHead(304, { ETag: etag }).end();
    response.writeHead(200, { 'Content-Length': body.length, ETag: etag }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Asynchronous: the mirror runs in this process and must keep answering.
async function device(args) {
  const { stdout } = await promisify(execFile)(simulator, args, { encoding: 'utf8', timeout: 60_000 });
  const line = stdout.trim();
  return Object.fromEntries([...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((match) => [match[1], match[2]]));
}

const objects = compileCore(join(build, 'xtensa'));
const { core, messagesBytes } = measureCore(objects, join(build, 'xtensa'));
console.log('core for ESP8266 (xtensa-lx106, -Os, crypto excluded, unreachable code dropped):');
console.log(`  code   .text+.rodata = ${core.text} + ${core.rodata} = ${core.text + core.rodata} bytes (target < 6144)`);
console.log(`  result sentences (resultMessage), when a sketch uses them: +${messagesBytes} bytes`);
console.log(`  static RAM .data+.bss = ${core.data + core.bss} bytes (target < 256)`);

buildSimulator();
const folder = mkdtempSync(join(tmpdir(), 'static-ota-bench-'));
const mirror = makeMirror(folder, 256 * 1024);
writeFileSync(mirror.flash, 'factory');
const server = await serve(mirror.files);
try {
  const url = `http://127.0.0.1:${server.address().port}/nodemcuv2/latest.txt`;
  const common = ['--url', url, '--pubkey', mirror.publicHex, '--board', 'nodemcuv2', '--flash', mirror.flash];
  const update = await device([...common, '--version', '1.0.0', '--measure-stack']);
  const installed = readFileSync(mirror.flash).equals(mirror.files.get('/nodemcuv2/firmware-2.0.0.bin'));
  console.log(`\nhost simulator, full update of a ${update.image_bytes}-byte image (result=${update.result}, flash ${installed ? 'written' : 'NOT written'}):`);
  console.log(`  stack high-water = ${update.stack_bytes} bytes, with OpenSSL's EVP Ed25519 and SHA-256 on the same stack`);
  const split = execFileSync(join(build, 'core_tests'), ['stack'], { encoding: 'utf8' });
  const coreOnly = /update_stack_bytes_core_only=(\d+)/.exec(split)?.[1];
  const withOpenSsl = /update_stack_bytes_with_openssl=(\d+)/.exec(split)?.[1];
  console.log(`  same update over in-memory fakes: ${withOpenSsl} bytes with OpenSSL, ${coreOnly} bytes for the core alone`);
  console.log('  (target < 3072 including verification; on a chip, add rweather Ed25519::verify and BearSSL/mbedTLS SHA-256)');

  await device([...common, '--version', '2.0.0', '--state', mirror.state]);
  const idle = await device([...common, '--version', '2.0.0', '--state', mirror.state]);
  console.log(`\nidle poll answered with ${idle.http_status} (result=${idle.result}):`);
  console.log(`  bytes received = ${idle.bytes_received} (headers), body bytes = ${idle.body_bytes}`);
} finally {
  server.close();
  rmSync(folder, { recursive: true, force: true });
}
