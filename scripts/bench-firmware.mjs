// Prints the device library's figures (nothing is asserted):
//  - code size (.text+.rodata) and static RAM (.data+.bss) of the core for
//    the ESP8266's lx106, with the Arduino ESP8266 core's compiler flags, as a
//    final link of what a sketch's calls reach (crypto library excluded);
//  - the RAM of the UpdateFlow object each StaticOta holds (its buffers live
//    there, not in .bss or on the stack);
//  - stack high-water of a full update in the host simulator (painted stack,
//    including signature verification with OpenSSL), and where it goes;
//  - bytes received by an idle poll answered with 304 (validators are sent
//    once a second answer confirmed them);
//  - instructions and stack high-water of the core's own share on the
//    ESP8266's CPU (lx106 under qemu-system-xtensa, firmware/lx106), and the
//    crypto library's share as recorded by hand in firmware/README.md (read
//    from there, never measured by this run);
//  - gzip images: ratio and time of node:zlib at level 9 on lx106 images
//    built here, and `static-ota publish` time with and without compression.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { imageOfElf, largestImage } from '../firmware/tools/esp-image.mjs';
import { compileCore, measureCore, sizeOnChip } from '../firmware/tools/xtensa-core.mjs';
import { POLL_STEPS, budgets, buildHarness, qemuAvailable, runHarness } from '../firmware/tools/lx106-harness.mjs';
import { buildImagePairs } from '../firmware/tools/delta-pairs.mjs';
import { loadDeltaEncoder } from './delta-encoder.mjs';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
// static_ota_limits.h: conditional polls between two unconditional ones.
const kMaxConditionalPolls = Number(
  /kMaxConditionalPolls = (\d+);/.exec(
    readFileSync(join(repository, 'firmware/src/core/static_ota_limits.h'), 'utf8'),
  )[1],
);
const firmware = join(repository, 'firmware');
const build = join(firmware, 'build');
const simulator = join(build, 'static-ota-device');

function buildSimulator() {
  execFileSync('cmake', ['-S', firmware, '-B', build], { stdio: 'ignore' });
  execFileSync('cmake', ['--build', build, '--target', 'static-ota-device', 'core_tests', '--parallel', '2'], {
    stdio: 'ignore',
  });
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
  return {
    files,
    publicHex: rawPublic.toString('hex'),
    flash: join(folder, 'flash.bin'),
    state: join(folder, 'state'),
  };
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
console.log(
  'core for ESP8266 (xtensa-lx106, Arduino ESP8266 core flags, final link with --gc-sections, crypto excluded):',
);
console.log(
  `  code   .text+.rodata = ${core.text} + ${core.rodata} = ${core.text + core.rodata} bytes (target < 6144)`,
);
console.log(`  result sentences (resultMessage), when a sketch uses them: +${messagesBytes} bytes`);
console.log(`  static RAM .data+.bss = ${core.data + core.bss} bytes (target < 256)`);
const flowBytes = sizeOnChip('core/update_flow.h', 'static_ota::UpdateFlow', join(build, 'xtensa'));
console.log(
  `  RAM per StaticOta object: its UpdateFlow alone is ${flowBytes} bytes (sizeof on lx106: the 1 KB manifest/image\n` +
    '  buffer, URLs, versions, keys, validators); the chip adapters (HTTPClient, WiFiClient, Updater) come on top.\n' +
    '  "static RAM 0 bytes" means nothing in .data/.bss, not that the library needs no RAM.',
);

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
  console.log(
    `\nhost simulator, full update of a ${update.image_bytes}-byte image (result=${update.result}, flash ${installed ? 'written' : 'NOT written'}):`,
  );
  const stackTarget = 3072;
  console.log(
    `  stack high-water = ${update.stack_bytes} bytes, OpenSSL's Ed25519 and SHA-256 on the same stack ` +
      `(target < ${stackTarget} including verification: ${Number(update.stack_bytes) < stackTarget ? 'met' : 'NOT met'})`,
  );
  const stackFigures = (environment) => {
    const output = execFileSync(join(build, 'core_tests'), ['stack'], {
      encoding: 'utf8',
      env: { ...process.env, ...environment },
    });
    const figure = (name) => Number(new RegExp(`${name}=(\\d+)`).exec(output)?.[1]);
    return {
      whole: figure('update_stack_bytes_with_openssl'),
      core: figure('update_stack_bytes_core_only'),
      verify: figure('openssl_ed25519_verify_stack_bytes'),
      hash: figure('openssl_sha256_chunk_stack_bytes'),
    };
  };
  const split = stackFigures({});
  console.log(
    '  where it goes (same update over in-memory fakes; OpenSSL initialised first, as a device does at boot):',
  );
  console.log(`    core alone (backend calls handed to another thread)        ${split.core} bytes`);
  console.log(`    OpenSSL Ed25519 verification of the manifest, alone       ${split.verify} bytes`);
  console.log(`    OpenSSL SHA-256 of one 1 KB image chunk, alone            ${split.hash} bytes`);
  console.log(`    whole update, OpenSSL on the same stack                    ${split.whole} bytes`);
  if (process.arch === 'x64') {
    // Only a diagnosis: OPENSSL_ia32cap masks the AVX2 code paths (bit 5 of the second word).
    const noAvx2 = stackFigures({ OPENSSL_ia32cap: ':~0x20' });
    console.log(
      `    the same without OpenSSL's AVX2 code (OPENSSL_ia32cap=:~0x20): verification ${noAvx2.verify}, ` +
        `whole update ${noAvx2.whole} bytes`,
    );
  }
  console.log(
    "  OpenSSL's Ed25519 verification alone is over the target: its verify function (ossl_ed25519_verify) has a\n" +
      '  2.8 KB frame, and the SHA-512 it runs (sha512_block_data_order_avx2) reserves 1.3 KB aligned down to 2 KB.\n' +
      '  On a chip, rweather Ed25519::verify and BearSSL/mbedTLS SHA-256 take the place of OpenSSL.',
  );

  // The first answer stores validators, the second (unconditional) confirms them, the third sends them.
  const idlePoll = () => device([...common, '--version', '2.0.0', '--state', mirror.state]);
  await idlePoll();
  const confirming = await idlePoll();
  const idle = await idlePoll();
  console.log(`\nidle polls (the device runs the offered version):`);
  console.log(
    `  conditional poll answered with ${idle.http_status} (result=${idle.result}): ` +
      `bytes received = ${idle.bytes_received} (headers), body bytes = ${idle.body_bytes}`,
  );
  console.log(
    `  unconditional poll (the second after a change, then 1 in ${kMaxConditionalPolls + 1}): ` +
      `http ${confirming.http_status}, bytes received = ${confirming.bytes_received}, body bytes = ${confirming.body_bytes}`,
  );
} finally {
  server.close();
  rmSync(folder, { recursive: true, force: true });
}

// rweather's Ed25519 on the same harness, measured by hand on its fetched
// source (nothing of it is in this repository, nor any script that builds it):
// the figures are read from firmware/README.md, where they were recorded with
// the date and the commit measured.
function recordedCryptoMeasurement() {
  const readme = readFileSync(join(firmware, 'README.md'), 'utf8');
  const heading =
    /^\*\*rweather `Crypto` ([\d.]+), measured by hand on (\d{4}-\d{2}-\d{2}) at commit ([0-9a-f]{7,40})\*\*/m.exec(
      readme,
    );
  if (!heading) throw new Error('firmware/README.md: the heading of the rweather hand measurement is missing');
  const table = readme
    .slice(heading.index)
    .split('\n\n')
    .find((block) => block.startsWith('|'));
  const rows = table
    .split('\n')
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map(([buildOfLibrary, path, instructions, , stack]) => ({
      label: `${buildOfLibrary}: ${path.replaceAll('`', '')}`,
      isCheck: path.includes('check()'),
      instructions: Number(instructions.replaceAll(',', '')),
      stackBytes: Number(/^([\d,]+) B/.exec(stack)[1].replaceAll(',', '')),
    }));
  return { version: heading[1], date: heading[2], commit: heading[3], rows };
}

// Whether the core or the harness changed since the recorded commit (working tree included).
function changedSince(commit) {
  const git = (...args) => spawnSync('git', ['-C', repository, ...args], { encoding: 'utf8' });
  if (git('cat-file', '-e', `${commit}^{commit}`).status !== 0) return "that commit is not in this clone's history";
  return git('diff', '--quiet', commit, '--', 'firmware/src/core', 'firmware/lx106').status === 0
    ? 'the core and the harness unchanged since'
    : 'the core or the harness CHANGED since: re-measure by hand';
}

// Applying a patch must outrun the link: 200 kB/s at 80 MHz, one instruction a cycle.
const APPLY_GOAL_BYTES_PER_SECOND = 200 * 1000;
const CLOCK_HZ = 80e6;
// Ideal milliseconds: one instruction a cycle.
const ms = (instructions, mhz) => (instructions / (mhz * 1000)).toFixed(instructions < 1e5 ? 2 : 0);

if (!qemuAvailable()) {
  console.log('\nlx106 figures skipped: qemu-system-xtensa not installed (apt-get install qemu-system-misc)');
} else {
  const deltaWork = mkdtempSync(join(tmpdir(), 'static-ota-bench-lx106-delta-'));
  const encoder = await loadDeltaEncoder(deltaWork);
  const images = buildImagePairs(join(deltaWork, 'pairs'));
  const deltaOf = (change) => ({
    base: images.base,
    result: images[change],
    patch: Buffer.from(encoder.createPatch(encoder.normalizedBase(images.base), images[change])),
  });
  const { elf, vector } = buildHarness(join(build, 'lx106'), { delta: deltaOf('function') });
  const { steps, spans, cyclesPerInstruction } = runHarness(elf);
  console.log(
    `\nthe core on the ESP8266's CPU (xtensa-lx106 under qemu-system-xtensa -M sim -icount, CCOUNT calibrated at ` +
      `${cyclesPerInstruction.toFixed(3)} per instruction;\n  crypto backend that does no work, so this is the core's own share; ` +
      `vector "${vector.name}", image ${vector.expect.size} bytes):`,
  );
  console.log(`  ${'step'.padEnd(50)}instructions  ideal ms 80/160 MHz  stack high-water`);
  const row = (label, instructions, stackBytes) =>
    console.log(
      `  ${label.padEnd(50)}${String(instructions).padStart(12)}  ${`${ms(instructions, 80)} / ${ms(instructions, 160)}`.padStart(19)}  ${String(stackBytes).padStart(8)} B`,
    );
  const labels = {
    open: 'frameManifest + openManifest',
    trusted_key: "trusted key's curve check (addTrustedKey)",
    check: 'UpdateFlow::check()',
    update: 'UpdateFlow::update() (whole image)',
    idle_304: 'idle poll answered 304',
    delta_update: 'UpdateFlow::update() from a patch (pair b)',
  };
  for (const [name, step] of Object.entries(steps))
    row(`${labels[name] ?? name} (${step.result})`, step.instructions, step.stackBytes);
  const verdict = (bytes, budget) => `budget ${budget} B, checked by npm test: ${bytes <= budget ? 'met' : 'NOT met'}`;
  const deepest = Math.max(...POLL_STEPS.map((name) => steps[name].stackBytes));
  console.log(`  core's own stack, deepest step of a poll: ${deepest} B (${verdict(deepest, budgets.coreStackBytes)})`);
  console.log(
    `  trusted key's check, once per key at configuration: ${steps.trusted_key.stackBytes} B ` +
      `(${verdict(steps.trusted_key.stackBytes, budgets.trustedKeyStackBytes)})`,
  );
  printDeltaFigures(deltaOf, { steps, spans }, deltaWork);
  rmSync(deltaWork, { recursive: true, force: true });
  const recorded = recordedCryptoMeasurement();
  console.log(
    `  rweather Crypto ${recorded.version}: NOT measured by this run; recorded by hand on ${recorded.date} at commit ` +
      `${recorded.commit} (firmware/README.md; ${changedSince(recorded.commit)}):`,
  );
  for (const recordedRow of recorded.rows) row(recordedRow.label, recordedRow.instructions, recordedRow.stackBytes);
  for (const { label, stackBytes } of recorded.rows.filter((recordedRow) => recordedRow.isCheck))
    console.log(
      `  recorded ${label}: ${stackBytes} B of stack (target 2048 B: ${stackBytes <= 2048 ? 'met' : 'NOT met'})`,
    );
}

// The delta step on each lx106 pair: pair (b) from the harness already run, the others built here.
function printDeltaFigures(deltaOf, functionRun, folder) {
  const workspaceBytes = sizeOnChip('core/delta_update.h', 'static_ota::DeltaWorkspace', join(build, 'xtensa'));
  const decoderBytes = sizeOnChip('core/delta_patch.h', 'static_ota::DeltaDecoder', join(build, 'xtensa'));
  const goalInstructions = CLOCK_HZ / APPLY_GOAL_BYTES_PER_SECOND;
  console.log(
    `\ndelta updates on the same harness: a device running an lx106 image (firmware/tools/delta-pairs.mjs) installs\n` +
      "  the next from the publisher's patch; the fakes copy the base from memory (ESP.flashRead on the chip), the\n" +
      '  null backend hashes nothing, the flash writes nothing:',
  );
  console.log(
    `  RAM: DeltaWorkspace ${workspaceBytes} B (sizeof on lx106; the decoder with its 2 KB window ${decoderBytes} B), ` +
      `goal <= 4096 B: ${workspaceBytes <= 4096 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  applying (flash begin() to commit(): patch reads, decoding, base reads, the result through the image session);\n` +
      `  goal: faster than the link, >= ${APPLY_GOAL_BYTES_PER_SECOND / 1000} kB/s at 80 MHz, i.e. <= ${goalInstructions} instructions per output byte:`,
  );
  const pairs = { version: '(a) version string', function: '(b) one function', library: '(c) library rebuilt' };
  for (const [change, label] of Object.entries(pairs)) {
    const run =
      change === 'function'
        ? functionRun
        : runHarness(buildHarness(join(folder, change), { delta: deltaOf(change) }).elf);
    const { delta_update: step } = run.steps;
    const apply = run.spans.delta_apply;
    const perByte = apply.instructions / apply.bytes;
    const kBps = CLOCK_HZ / perByte / 1000;
    console.log(
      `    ${label.padEnd(22)} ${step.result}: ${apply.bytes} B built, ${perByte.toFixed(1)} instructions/B, ` +
        `${kBps.toFixed(0)} kB/s ideal at 80 MHz (${perByte <= goalInstructions ? 'met' : 'NOT met'}); ` +
        `whole update() ${step.instructions} instructions, stack ${step.stackBytes} B`,
    );
  }
  const hash = functionRun.spans.base_hash;
  console.log(
    `  base hash, pair (b): ${hash.instructions} instructions for ${hash.bytes} B, ${(hash.instructions / hash.bytes).toFixed(2)} per byte ` +
      `(${ms(hash.instructions, 80)} ms ideal at 80 MHz): the core's share only (reading the running image in 1 KB\n` +
      "  chunks with bytes 2-3 zeroed, handing them to SHA-256); the SHA-256 itself (BearSSL's br_sha256 on the chip) is\n" +
      '  NOT measured here: the stand-in hashes nothing.',
  );
  const deltaStack = functionRun.steps.delta_update.stackBytes;
  console.log(
    `  stack of update() from a patch: ${deltaStack} B (a poll step: budget ${budgets.coreStackBytes} B, checked by npm test: ` +
      `${deltaStack <= budgets.coreStackBytes ? 'met' : 'NOT met'})`,
  );
}

// gzip images: what compress: auto does to ESP8266 images, on lx106 code built here.
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function timedMs(work) {
  const started = process.hrtime.bigint();
  const result = work();
  return { result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}
{
  const harnessFolder = join(build, 'lx106-gzip');
  const { elf } = buildHarness(harnessFolder);
  const objects = [
    ...readdirSync(harnessFolder)
      .filter((name) => /^(harness-\d+|start)\.o$/.test(name))
      .map((name) => join(harnessFolder, name)),
    ...readdirSync(join(harnessFolder, 'core')).map((name) => join(harnessFolder, 'core', name)),
  ];
  const largest = largestImage(objects, harnessFolder);
  const images = [
    ['the lx106 harness (firmware/lx106, the core and its fakes)', imageOfElf(elf)],
    [
      `the core with every function of picolibc libc+libm and libgcc for lx106 (${largest.sections}; not a runnable program)`,
      largest.image,
    ],
    ['  its code alone (.text: lx106 instructions and literals; .rodata there is mostly libm tables)', largest.code],
  ];
  console.log('\ngzip images (compress: auto for espressif8266), node:zlib, median of 5 runs:');
  for (const [label, image] of images) {
    console.log(`  ${label}: ${image.length} bytes`);
    for (const level of [9, 6]) {
      const runs = [0, 1, 2, 3, 4].map(() => timedMs(() => gzipSync(image, { level })));
      const size = runs[0].result.length;
      console.log(
        `    level ${level}${level === 9 ? ' (used)' : '       '}: ${size} bytes, ${((100 * size) / image.length).toFixed(1)} % of the image ` +
          `(${(100 - (100 * size) / image.length).toFixed(1)} % fewer bytes to download), ${median(runs.map((run) => run.ms)).toFixed(1)} ms`,
      );
    }
  }
  const imageBytes = largest.image.length;
  const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-gzip-'));
  try {
    const cli = join(repository, 'dist', 'cli.js');
    const key = join(work, 'key.pem');
    execFileSync(process.execPath, [cli, 'keygen', '--out', key]);
    const firmware = join(work, 'largest.bin');
    writeFileSync(firmware, largest.image);
    const publish = (compress, run) =>
      timedMs(() => {
        const child = spawnSync(
          process.execPath,
          [
            cli,
            'publish',
            '--firmware',
            firmware,
            '--version',
            `1.0.${run}`,
            '--board',
            'bench',
            '--key',
            key,
            '--out',
            join(work, `mirror-${compress}`),
            '--compress',
            compress,
            '--allow-lockout',
          ],
          { encoding: 'utf8' },
        );
        if (child.status !== 0) throw new Error(`publish failed: ${child.stderr}${child.stdout}`);
      }).ms;
    console.log(
      `  static-ota publish of the ${imageBytes}-byte image to a directory (bundled CLI, new process, median of 5):`,
    );
    for (const compress of ['none', 'gzip']) {
      const ms = median([0, 1, 2, 3, 4].map((run) => publish(compress, run)));
      console.log(`    --compress ${compress.padEnd(4)}: ${(ms / 1000).toFixed(3)} s`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
