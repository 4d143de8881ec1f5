// `npm run bench`: prints speed and memory figures (never asserted by tests).
//   - publish time and peak memory of `static-ota publish` to a directory (1 MiB, 16 MiB)
//   - publish time of a 1 MiB image to each mirror target on local servers
//   - device core size, static RAM, stack high-water and idle-poll bytes (firmware bench)
//   - idle-poll requests and bytes with one and with three mirrors (mirror failover)
import { execFileSync, spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-'));
const MiB = 1024 * 1024;

/** Runs the bundled CLI in a child process and reads its wall time and peak RSS. */
function timedPublish(sizeBytes, run) {
  const key = join(work, 'key.pem');
  if (!existsSync(key)) execFileSync(process.execPath, [cli, 'keygen', '--out', key]);
  const publicHex = execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-outform', 'DER']).subarray(-32);
  const image = Buffer.alloc(sizeBytes, 0xff);
  image[0] = 0xe9;
  publicHex.copy(image, 16);
  const firmware = join(work, `fw-${run}.bin`);
  writeFileSync(firmware, image);
  const started = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    ['--import', join(root, 'scripts', 'report-peak-memory.mjs'), cli, 'publish', '--firmware', firmware, '--version', `1.0.${run}`, '--board', 'bench', '--key', key, '--out', join(work, `mirror-${run}`)],
    { encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`publish failed: ${child.stderr}`);
  const peakKiB = Number(/peak-rss-kib=(\d+)/.exec(child.stderr)[1]);
  return { seconds, peakMiB: peakKiB / 1024 };
}

function section(title) {
  console.log(`\n## ${title}`);
}

try {
  section('static-ota publish to a directory (bundled CLI, new process, median of 5)');
  for (const [label, size, target] of [['1 MiB', MiB, 'under 0.3 s'], ['16 MiB', 16 * MiB, 'peak memory under 100 MiB']]) {
    const runs = [0, 1, 2, 3, 4].map((run) => timedPublish(size, `${size}${run}`));
    const median = (values) => values.sort((a, b) => a - b)[2];
    const seconds = median(runs.map((r) => r.seconds));
    const peak = median(runs.map((r) => r.peakMiB));
    console.log(`${label.padEnd(7)} wall ${seconds.toFixed(3)} s, peak RSS ${peak.toFixed(1)} MiB   (target: ${target})`);
  }
  // The per-target figures use the TypeScript library directly: bundle it, keeping
  // packages (s3rver, the AWS SDK) as imports resolved from node_modules.
  const targetsBench = join(root, 'node_modules', '.cache', 'static-ota', 'bench-targets.mjs');
  await build({ entryPoints: [join(root, 'scripts', 'bench-targets.ts')], outfile: targetsBench, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const scripts = ['bench-firmware.mjs', 'bench-mirrors.mjs', 'security-report.mjs'].map((name) => join(root, 'scripts', name));
  for (const script of [targetsBench, ...scripts]) {
    const result = spawnSync(process.execPath, [script], { stdio: 'inherit', cwd: root });
    if (result.status !== 0) {
      console.error(`${script} failed`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
