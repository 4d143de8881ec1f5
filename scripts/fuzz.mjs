// `npm run fuzz [-- SECONDS [RECORDS]]`: the device core's libFuzzer targets
// (firmware/fuzz: the manifest parser with a stub signature check, and the
// real OpenSSL check), built with clang, ASan and UBSan, for SECONDS each
// (default 60), then the differential test on RECORDS generated records
// (default 100000), printing how many were compared. New fuzzer inputs go to
// firmware/fuzz/build/corpus-<target>; the committed seed corpus
// (firmware/fuzz/corpus) is only read.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const firmware = join(repository, 'firmware');
const buildDirectory = join(firmware, 'fuzz', 'build');
export const FUZZ_TARGETS = ['manifest_fuzzer', 'signature_fuzzer', 'delta_fuzzer'];

export function findClang() {
  for (const candidate of ['clang++-14', 'clang++']) {
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

export function buildFuzzer(clang, target) {
  mkdirSync(buildDirectory, { recursive: true });
  const coreSources = readdirSync(join(firmware, 'src', 'core'))
    .filter((name) => name.endsWith('.cpp'))
    .map((name) => join(firmware, 'src', 'core', name));
  const binary = join(buildDirectory, target);
  execFileSync(
    clang,
    [
      '-std=c++17',
      '-g',
      '-O1',
      '-fsanitize=fuzzer,address,undefined',
      '-fno-sanitize-recover=undefined',
      `-I${join(firmware, 'src')}`,
      `-I${join(firmware, 'host')}`,
      ...coreSources,
      join(firmware, 'host', 'openssl_crypto.cpp'),
      join(firmware, 'fuzz', `${target}.cpp`),
      '-lcrypto',
      '-o',
      binary,
    ],
    { stdio: 'inherit' },
  );
  return binary;
}

/**
 * Runs a fuzzer for seconds. Quiet mode keeps libFuzzer's progress lines out
 * of the output and prints its last lines (the final stats) instead, or all of
 * them after a crash. Returns the exit code (0 when no crash was found).
 */
export function runFuzzer(binary, seconds, { quiet = false } = {}) {
  const target = binary.split('/').at(-1);
  const workCorpus = join(buildDirectory, `corpus-${target}`);
  mkdirSync(workCorpus, { recursive: true });
  const run = spawnSync(
    binary,
    [
      `-max_total_time=${seconds}`,
      '-max_len=1100',
      '-print_final_stats=1',
      `-artifact_prefix=${buildDirectory}/`,
      workCorpus,
      join(firmware, 'fuzz', 'corpus'),
    ],
    {
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      timeout: (seconds + 120) * 1000,
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const status = run.status ?? 1;
  if (quiet) {
    const lines = `${run.stdout}${run.stderr}`.trimEnd().split('\n');
    console.log((status === 0 ? lines.filter((line) => /^stat::|^Done \d+ runs/.test(line)) : lines).join('\n'));
  }
  return status;
}

/** The differential test of test/protocol/differential/records.ts on `count` records; throws on any disagreement. */
export async function runDifferential(count) {
  const harnessBuild = join(firmware, 'build');
  execFileSync('cmake', ['-S', firmware, '-B', harnessBuild, '-DCMAKE_BUILD_TYPE=RelWithDebInfo'], { stdio: 'ignore' });
  execFileSync('cmake', ['--build', harnessBuild, '--target', 'static-ota-differential', '--parallel', '2'], {
    stdio: 'ignore',
  });
  const records = join(repository, 'test', 'protocol', 'differential', 'records.ts');
  const bundle = join(repository, 'node_modules', '.cache', 'static-ota', 'differential-records.mjs');
  await build({
    entryPoints: [records],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(records).href) },
  });
  const { compareWithCore, generateRecords } = await import(pathToFileURL(bundle).href);
  const batch = 10_000;
  let compared = 0;
  for (let seed = 1; compared < count; seed++) {
    const size = Math.min(batch, count - compared);
    const { disagreements } = await compareWithCore(
      join(harnessBuild, 'static-ota-differential'),
      generateRecords(size, seed),
    );
    if (disagreements.length > 0) {
      throw new Error(
        `TypeScript and the core disagree on ${disagreements.length} records, first:\n${JSON.stringify(disagreements[0], null, 2)}`,
      );
    }
    compared += size;
  }
  console.log(`differential: ${compared} records, TypeScript and the core agree on every one`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv[2] ?? 60);
  const records = Number(process.argv[3] ?? 100_000);
  if (!Number.isInteger(seconds) || seconds <= 0 || !Number.isInteger(records) || records <= 0) {
    console.error('usage: node scripts/fuzz.mjs [SECONDS] [RECORDS]');
    process.exit(2);
  }
  const clang = findClang();
  if (!clang) {
    console.error('clang++ not found: install the Debian packages clang-14 and libclang-rt-14-dev');
    process.exit(1);
  }
  for (const target of FUZZ_TARGETS) {
    console.log(`\n== ${target}, ${seconds} s`);
    const status = runFuzzer(buildFuzzer(clang, target), seconds);
    if (status !== 0) process.exit(status);
  }
  console.log(`\n== differential, ${records} records`);
  await runDifferential(records);
}
