// `npm run security-report`: runs the attack battery (test/security/attacks.test.ts)
// against the device simulator and prints what each attack got, as a Markdown
// table: the expected refusal, the observed result, the flash afterwards and
// the outcome of the good release served right after. Exits non-zero when any
// row disagrees or the battery did not run to the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const BATTERY = 'test/security/attacks.test.ts';
const EXPECTED_RECOVERY = 'updated';

const folder = mkdtempSync(join(tmpdir(), 'static-ota-security-report-'));
const reportFile = join(folder, 'battery.json');
try {
  const jest = spawnSync('npm', ['run', '--silent', 'test:ts', '--', BATTERY], {
    cwd: repository,
    encoding: 'utf8',
    env: { ...process.env, STATIC_OTA_SECURITY_REPORT: reportFile },
    maxBuffer: 64 * 1024 * 1024,
  });
  const rows = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : [];
  const agrees = (row) =>
    row.observed === row.expected && row.flash === row.expectedFlash && row.recovery === EXPECTED_RECOVERY;

  const header = ['threat', 'attack', 'expected refusal', 'observed', 'flash afterwards', 'next good release', ''];
  const table = rows.map((row) => [
    row.threat,
    row.attack,
    row.expected,
    row.observed,
    row.flash,
    row.recovery,
    agrees(row) ? 'ok' : 'DIFFERS',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const cells of table) console.log(line(cells));

  const differing = rows.filter((row) => !agrees(row)).length;
  console.log(`\n${rows.length} attacks: ${rows.length - differing} as expected, ${differing} differ.`);
  if (jest.status !== 0 && differing === 0) {
    // The battery failed before or around the rows (build, setup, a crash): show why.
    process.stderr.write(`${jest.stdout ?? ''}${jest.stderr ?? ''}${jest.error ? `${jest.error.message}\n` : ''}`);
    console.error(`the battery (${BATTERY}) failed; see its output above`);
  }
  process.exitCode = rows.length === 0 || differing > 0 || jest.status !== 0 ? 1 : 0;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
