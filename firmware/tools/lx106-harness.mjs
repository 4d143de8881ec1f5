// Builds firmware/lx106/ (the lx106 harness) with the device core at the
// Arduino ESP8266 core's flags and runs it under `qemu-system-xtensa -M sim
// -cpu lx106` with -icount, so CCOUNT advances with instructions; returns each
// step's instructions (CCOUNT calibrated on a loop of known length) and stack
// high-water (painted stack). The release it serves is the first valid vector
// of test/vectors/manifests.json; SHA-256 answers are computed here. Given an
// image pair and the patch between them, it adds the delta step: a device
// running the base installs the result from the patch.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CXX, FLAGS, commandAvailable, compileCore } from './xtensa-core.mjs';

const firmware = dirname(dirname(fileURLToPath(import.meta.url)));
const harnessDirectory = join(firmware, 'lx106');
const QEMU = 'qemu-system-xtensa';
// 2^7 ns of virtual time per instruction: several CCOUNT cycles per
// instruction at the lx106 model's clock, so the count has resolution.
const ICOUNT_SHIFT = 7;

// The committed budgets the tests hold the core to (firmware/README.md says why):
// coreStackBytes for every step of a poll, trustedKeyStackBytes for the
// trusted key's curve check, which runs once per key at configuration.
export const budgets = JSON.parse(readFileSync(join(harnessDirectory, 'budget.json'), 'utf8'));

// The harness's steps that run during a poll, where rweather's Ed25519::verify comes on top.
export const POLL_STEPS = ['open', 'check', 'update', 'idle_304', 'delta_update'];

export const qemuAvailable = () => commandAvailable(QEMU);

const cArray = (bytes) => `{${[...bytes].map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(', ')}}`;
const cString = (text) => JSON.stringify(text); // the vectors are ASCII

const DIRECTORY_URL = 'http://mirror.test/board/';
const RUNNING_VERSION = '1.0.0';
const DELTA_VERSION = '1.1.0';
const sha256 = (bytes) => createHash('sha256').update(bytes).digest();
const cDigest = (length, digest) => `{${length}, ${cArray(digest)}}`;

// The release and patch manifests of the delta step, signed with the
// vector's signature line: the null backend accepts any signature, and the
// key id is the trusted key's.
function deltaManifests(vector, { base, result, patch }) {
  const signature = /^sig=.*$/m.exec(vector.manifest)[0];
  const imageFile = `firmware-${DELTA_VERSION}.bin`;
  const patchFile = `${imageFile}.from-${RUNNING_VERSION}.patch`;
  const header = `${DELTA_VERSION}\n`;
  const scope = `board=${vector.expect.board}\nchannel=stable\n`;
  const release =
    `${header}format=static-ota/1\n${scope}file=${imageFile}\nsize=${result.length}\n` +
    `sha256=${sha256(result).toString('hex')}\n${signature}\n`;
  const normalized = Buffer.from(base);
  normalized.fill(0, 2, 4);
  const patchManifest =
    `${header}format=static-ota-patch/1\n${scope}file=${patchFile}\nsize=${patch.length}\n` +
    `sha256=${sha256(patch).toString('hex')}\nbase-version=${RUNNING_VERSION}\nbase-size=${base.length}\n` +
    `base-sha256=${sha256(normalized).toString('hex')}\nresult-size=${result.length}\n` +
    `result-sha256=${sha256(result).toString('hex')}\n${signature}\n`;
  return {
    source: `const bool kHasDelta = true;
const char kDeltaManifest[] = ${cString(release)};
const char kDeltaPatchManifest[] = ${cString(patchManifest)};
const char kDeltaImageUrl[] = ${cString(DIRECTORY_URL + imageFile)};
const char kDeltaPatchManifestUrl[] = ${cString(`${DIRECTORY_URL}${imageFile}.from-${RUNNING_VERSION}.txt`)};
const char kDeltaPatchUrl[] = ${cString(DIRECTORY_URL + patchFile)};
const uint8_t kDeltaBase[] = ${cArray(base)};
const uint32_t kDeltaBaseSize = ${base.length};
const uint8_t kDeltaPatch[] = ${cArray(patch)};
const uint32_t kDeltaPatchSize = ${patch.length};
const uint32_t kDeltaResultSize = ${result.length};
`,
    digests: [cDigest(base.length, sha256(normalized)), cDigest(result.length, sha256(result))],
  };
}

const NO_DELTA = `const bool kHasDelta = false;
const char kDeltaManifest[] = "";
const char kDeltaPatchManifest[] = "";
const char kDeltaImageUrl[] = "";
const char kDeltaPatchManifestUrl[] = "";
const char kDeltaPatchUrl[] = "";
const uint8_t kDeltaBase[1] = {0};
const uint32_t kDeltaBaseSize = 0;
const uint8_t kDeltaPatch[1] = {0};
const uint32_t kDeltaPatchSize = 0;
const uint32_t kDeltaResultSize = 0;
`;

// The first valid vector, offered to a device running 1.0.0 on its board;
// with delta ({ base, result, patch }), the delta step's data too.
function harnessData(repository, delta) {
  const vectors = JSON.parse(readFileSync(join(repository, 'test', 'vectors', 'manifests.json'), 'utf8'));
  const vector = vectors.valid.find((candidate) => candidate.expect.expires === null && candidate.trusted.length === 1);
  const key = Buffer.from(vector.trusted[0], 'hex');
  const extra = delta ? deltaManifests(vector, delta) : { source: NO_DELTA, digests: [] };
  // The null backend tells its answers by length (a base and a result of one size: in turn).
  const lengths = [32, ...new Set(extra.digests.map((digest) => Number(/^\{(\d+)/.exec(digest)[1]))), vector.expect.size];
  if (new Set(lengths).size !== lengths.length) throw new Error(`digests of one length: ${lengths}`);
  const digests = [cDigest(32, sha256(key)), ...extra.digests, cDigest(0, Buffer.from(vector.expect.sha256, 'hex'))];
  return {
    vector,
    source: `// Generated by firmware/tools/lx106-harness.mjs from test/vectors/manifests.json ("${vector.name}").
#pragma once
#include "harness.h"
namespace harness {
const char kManifest[] = ${cString(vector.manifest)};
const size_t kManifestLength = sizeof(kManifest) - 1;
const char kImageUrl[] = ${cString(DIRECTORY_URL + vector.expect.file)};
const uint8_t kTrustedKey[32] = ${cArray(key)};
const uint32_t kImageSize = ${vector.expect.size};
const char kRunningVersion[] = "${RUNNING_VERSION}";
const char kBoard[] = ${cString(vector.expect.board)};
const Digest kDigests[] = {${digests.join(', ')}};
const size_t kDigestCount = ${digests.length};
${extra.source}}  // namespace harness
`,
  };
}

// Links the harness; backendSources replace null_crypto.cpp (e.g. a real
// Ed25519 backend measured by hand), extraFlags add include paths, delta
// ({ base, result, patch }: Buffers, the patch made against the normalised
// base) adds the delta step.
export function buildHarness(outputDirectory, { backendSources, extraFlags = [], delta } = {}) {
  const repository = dirname(firmware);
  mkdirSync(outputDirectory, { recursive: true });
  const { vector, source } = harnessData(repository, delta);
  writeFileSync(join(outputDirectory, 'harness_data.h'), source);
  const core = compileCore(join(outputDirectory, 'core'));
  const includes = [`-I${join(firmware, 'src')}`, `-I${harnessDirectory}`, `-I${outputDirectory}`, ...extraFlags];
  const sources = [join(harnessDirectory, 'harness.cpp'), ...(backendSources ?? [join(harnessDirectory, 'null_crypto.cpp')])];
  const objects = sources.map((file, index) => {
    const object = join(outputDirectory, `harness-${index}.o`);
    execFileSync(CXX, [...FLAGS, ...includes, '-c', file, '-o', object]);
    return object;
  });
  const start = join(outputDirectory, 'start.o');
  execFileSync(CXX, ['-c', join(harnessDirectory, 'start.S'), '-o', start]);
  const elf = join(outputDirectory, 'harness.elf');
  execFileSync(CXX, [
    '-nostartfiles', '-nostdlib', '-Wl,--gc-sections', `-T${join(harnessDirectory, 'sim.ld')}`,
    '-o', elf, start, ...objects, ...core, '-lc', '-lgcc',
  ]);
  return { elf, vector };
}

// Runs the harness and parses its lines into figures.
export function runHarness(elf) {
  if (!qemuAvailable()) {
    throw new Error(`${QEMU} not found: install the Debian package qemu-system-misc (apt-get install qemu-system-misc)`);
  }
  const output = execFileSync(
    QEMU,
    ['-M', 'sim', '-cpu', 'lx106', '-nographic', '-monitor', 'none', '-semihosting', '-icount', `shift=${ICOUNT_SHIFT}`, '-kernel', elf],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const calibration = /^calibration instructions=(0x[0-9a-f]+) ccount=(0x[0-9a-f]+)$/m.exec(output);
  if (!calibration || !/^done$/m.test(output)) throw new Error(`the lx106 harness did not finish:\n${output}`);
  const cyclesPerInstruction = Number(calibration[2]) / Number(calibration[1]);
  const steps = {};
  for (const [, name, result, ccount, stack] of output.matchAll(/^step=(\w+) result=(\w+) ccount=(0x[0-9a-f]+) stack=(0x[0-9a-f]+)$/gm)) {
    steps[name] = { result, instructions: Math.round(Number(ccount) / cyclesPerInstruction), stackBytes: Number(stack) };
  }
  // Spans timed inside a step (the delta step's base hash and apply), per byte.
  const spans = {};
  for (const [, name, bytes, ccount] of output.matchAll(/^span=(\w+) bytes=(0x[0-9a-f]+) ccount=(0x[0-9a-f]+)$/gm)) {
    spans[name] = { bytes: Number(bytes), instructions: Math.round(Number(ccount) / cyclesPerInstruction) };
  }
  return { cyclesPerInstruction, steps, spans, output };
}
