// Builds the manifest fuzzer (firmware/fuzz) with clang's libFuzzer, ASan and
// UBSan, and runs it for a bounded time: `node scripts/fuzz.mjs [SECONDS]`
// (default 60). New inputs go to firmware/fuzz/build/corpus; the committed
// seed corpus (firmware/fuzz/corpus) is only read.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const firmware = join(repository, 'firmware');
const buildDirectory = join(firmware, 'fuzz', 'build');

export function findClang() {
  for (const candidate of ['clang++-14', 'clang++']) {
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

export function buildFuzzer(clang) {
  mkdirSync(buildDirectory, { recursive: true });
  const coreSources = readdirSync(join(firmware, 'src', 'core'))
    .filter((name) => name.endsWith('.cpp'))
    .map((name) => join(firmware, 'src', 'core', name));
  const binary = join(buildDirectory, 'manifest_fuzzer');
  execFileSync(
    clang,
    [
      '-std=c++17', '-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined',
      `-I${join(firmware, 'src')}`, `-I${join(firmware, 'host')}`,
      ...coreSources, join(firmware, 'host', 'openssl_crypto.cpp'), join(firmware, 'fuzz', 'manifest_fuzzer.cpp'),
      '-lcrypto', '-o', binary,
    ],
    { stdio: 'inherit' },
  );
  return binary;
}

/** Runs the fuzzer for seconds; returns its exit code (0 when no crash was found). */
export function runFuzzer(binary, seconds) {
  const workCorpus = join(buildDirectory, 'corpus');
  mkdirSync(workCorpus, { recursive: true });
  const run = spawnSync(
    binary,
    [`-max_total_time=${seconds}`, '-max_len=1100', '-print_final_stats=1', `-artifact_prefix=${buildDirectory}/`,
      workCorpus, join(firmware, 'fuzz', 'corpus')],
    { stdio: 'inherit', timeout: (seconds + 120) * 1000 },
  );
  return run.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv[2] ?? 60);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    console.error('usage: node scripts/fuzz.mjs [SECONDS]');
    process.exit(2);
  }
  const clang = findClang();
  if (!clang) {
    console.error('clang++ not found: install the Debian packages clang-14 and libclang-rt-14-dev');
    process.exit(1);
  }
  process.exit(runFuzzer(buildFuzzer(clang), seconds));
}
