// `npm run test:firmware`: builds the device library on the host with CMake
// (firmware/build), runs its ctest suite, checks that the core builds
// freestanding for the ESP8266 (xtensa-lx106) with nothing from libstdc++,
// the heap or libc beyond memcpy-level functions, and runs each libFuzzer
// target for a few seconds when clang is installed, showing only its final
// stats unless it crashes.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCore, forbiddenReferences, ALLOWED_EXTERNAL_SYMBOLS } from '../firmware/tools/xtensa-core.mjs';
import { buildFuzzer, findClang, runFuzzer, FUZZ_TARGETS } from './fuzz.mjs';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const firmware = join(repository, 'firmware');
const build = join(firmware, 'build');
const FUZZ_SECONDS = 10;

let passedSteps = 0;
function step(title, action) {
  console.log(`\n== ${title}`);
  action();
  passedSteps += 1;
}

function run(command, args) {
  execFileSync(command, args, { stdio: 'inherit', cwd: repository });
}

try {
  step('host build (CMake)', () => {
    run('cmake', ['-S', firmware, '-B', build, '-DCMAKE_BUILD_TYPE=RelWithDebInfo']);
    run('cmake', ['--build', build, '--parallel', '2']);
  });
  step('core tests (ctest)', () => run('ctest', ['--test-dir', build, '--output-on-failure']));
  step('freestanding core for xtensa-lx106', () => {
    const objects = compileCore(join(build, 'xtensa'));
    const forbidden = forbiddenReferences(objects);
    if (forbidden.length > 0) {
      throw new Error(
        `the core references symbols outside ${[...ALLOWED_EXTERNAL_SYMBOLS].join(', ')}: ${forbidden.join(', ')}`,
      );
    }
    console.log(
      `${objects.length} objects, external references limited to ${[...ALLOWED_EXTERNAL_SYMBOLS].join(', ')}`,
    );
  });
  const clang = findClang();
  if (clang) {
    for (const target of FUZZ_TARGETS) {
      step(`${target}, ${FUZZ_SECONDS} s`, () => {
        const status = runFuzzer(buildFuzzer(clang, target), FUZZ_SECONDS, { quiet: true });
        if (status !== 0) throw new Error(`${target} found a crash (exit ${status}); see firmware/fuzz/build/`);
      });
    }
  } else {
    console.log('\n== fuzzers skipped: clang++ not installed (clang-14, libclang-rt-14-dev)');
  }
  console.log(`\nfirmware: ${passedSteps} passed, 0 failed`);
} catch (error) {
  console.error(`\nfirmware tests failed: ${error.message}`);
  console.log(`firmware: ${passedSteps} passed, 1 failed`);
  process.exit(1);
}
