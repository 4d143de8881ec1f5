// `npm test`: every check, each run even when an earlier one failed, so that a
// jest failure never hides the C++ results. Prints one line per check and
// exits non-zero when any failed. The Debian packages come first (`pretest`).
import { spawnSync } from 'node:child_process';

const CHECKS = [
  ['format', ['run', '--silent', 'format:check']],
  ['lint', ['run', '--silent', 'lint']],
  ['typecheck', ['run', '--silent', 'typecheck']],
  ['TypeScript tests (jest)', ['run', '--silent', 'test:ts']],
  ['device core (CMake, ctest, lx106, fuzzers)', ['run', '--silent', 'test:firmware']],
];

const results = CHECKS.map(([title, args]) => {
  console.log(`\n==== ${title}`);
  const { status, signal } = spawnSync('npm', args, { stdio: 'inherit' });
  return { title, passed: status === 0, how: signal ?? `exit ${status}` };
});

console.log('\n==== summary');
for (const { title, passed, how } of results) console.log(`${passed ? 'passed' : `FAILED (${how})`}  ${title}`);
const failed = results.filter(({ passed }) => !passed).length;
process.exit(failed === 0 ? 0 : 1);
