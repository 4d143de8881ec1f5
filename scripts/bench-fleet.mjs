// `static-ota fleet` on a generated week of a fleet's nginx log (scripts/fleet-log.mjs), beside GoAccess and a
// one-pass mawk (Debian packages `goaccess`, `mawk`) on the same file in the same run: wall time, CPU and peak
// memory, printed next to the targets of issue 21, with a verdict for each. Part of `npm run bench`; never
// asserted by tests.
//   node scripts/bench-fleet.mjs            1 M lines, 200,000 devices
//   node scripts/bench-fleet.mjs --large    also 10 M lines, 1,000,000 devices (about 1.3 GB of log; minutes)
import { execFileSync, spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeBundleOptions } from './bundle-options.mjs';
import { writeFleetLog } from './fleet-log.mjs';

const root = resolve(import.meta.dirname, '..');
const node24 = join(root, 'node_modules', '.bin', 'node');
const { values } = parseArgs({ options: { large: { type: 'boolean', default: false } } });
const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-fleet-'));
const MiB = 1024 * 1024;

/** Wall seconds, CPU seconds and peak RSS (MiB) of a command and its children, measured by python3's getrusage. */
function measure(command, args) {
  const script =
    'import resource,subprocess,sys,time\n' +
    't=time.monotonic()\n' +
    'c=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE)\n' +
    'w=time.monotonic()-t\n' +
    'r=resource.getrusage(resource.RUSAGE_CHILDREN)\n' +
    'sys.stderr.write(c.stderr.decode(errors="replace")[-2000:])\n' +
    'print(c.returncode, w, r.ru_utime+r.ru_stime, r.ru_maxrss)';
  const output = execFileSync('python3', ['-c', script, command, ...args], { encoding: 'utf8' })
    .trim()
    .split(' ');
  if (output[0] !== '0') throw new Error(`${command} ${args.join(' ')} failed (${output[0]})`);
  return { wall: Number(output[1]), cpu: Number(output[2]), peakMiB: Number(output[3]) / 1024 };
}

/** The mawk baseline: one pass that counts requests per User-Agent (the sixth field between quotes). */
const MAWK_PROGRAM = '{ n[$6]++ } END { for (k in n) print n[k], k }';

const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const row = (name, { wall, cpu, peakMiB }) =>
  console.log(
    `  ${name.padEnd(26)} ${wall.toFixed(2).padStart(7)} s wall ${cpu.toFixed(2).padStart(7)} s CPU ${peakMiB.toFixed(0).padStart(6)} MiB peak`,
  );
const verdict = (met) => (met ? 'meets it' : 'MISSES it');
const missing = (name) =>
  console.log(`  ${name.padEnd(26)} not installed: no comparison (Debian: apt-get install ${name})`);

/** The two other tools on the same file, each once; undefined for one that is not installed. */
function others(log) {
  const mawk = hasCommand('mawk') ? measure('mawk', ['-F', '"', MAWK_PROGRAM, log]) : undefined;
  const goaccess = hasCommand('goaccess')
    ? measure('goaccess', [log, '--log-format=COMBINED', '-o', join(work, 'goaccess.json'), '--no-progress'])
    : undefined;
  return { mawk, goaccess };
}

async function run(lines, devices, { withOthers, peakTargetMiB }) {
  const log = join(work, `access-${lines}.log`);
  const started = Date.now();
  await writeFleetLog(log, { lines, devices });
  console.log(
    `\n## fleet: ${lines.toLocaleString('en')} lines, ${devices.toLocaleString('en')} devices ` +
      `(${(statSync(log).size / MiB).toFixed(0)} MiB, generated in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  const cli = join(work, 'cli', 'cli.js');
  const ours = measure(node24, [cli, 'fleet', '--log', log, '--json']);
  const html = measure(node24, [cli, 'fleet', '--log', log, '--html', join(work, 'report.html')]);
  const { mawk, goaccess } = withOthers ? others(log) : {};
  row('static-ota fleet --json', ours);
  row('static-ota fleet --html', html);
  if (withOthers) {
    if (goaccess) row('goaccess', goaccess);
    else missing('goaccess');
    if (mawk) row('mawk (one pass)', mawk);
    else missing('mawk');
  }
  const peak = Math.max(ours.peakMiB, html.peakMiB);
  console.log(`  target: peak <= ${peakTargetMiB} MiB: ${peak.toFixed(0)} MiB (${verdict(peak <= peakTargetMiB)})`);
  if (goaccess) {
    const times = goaccess.wall / ours.wall;
    console.log(
      `  target: at least 10x faster than GoAccess: ${times.toFixed(1)}x wall, ` +
        `${(goaccess.cpu / ours.cpu).toFixed(1)}x CPU (${verdict(times >= 10)})`,
    );
  }
  if (mawk) {
    const times = ours.wall / mawk.wall;
    console.log(
      `  target: within 4x of mawk's one pass: ${times.toFixed(1)}x wall, ` +
        `${(ours.cpu / mawk.cpu).toFixed(1)}x CPU (${verdict(times <= 4)})`,
    );
  }
  rmSync(log, { force: true });
}

try {
  // The CLI as dist/ ships it, bundled from the current sources (dist/ itself is rebuilt only on release).
  await build({ ...nodeBundleOptions, entryPoints: { cli: join(root, 'src', 'bin.ts') }, outdir: join(work, 'cli') });
  await run(1_000_000, 200_000, { withOthers: true, peakTargetMiB: 256 });
  if (values.large) await run(10_000_000, 1_000_000, { withOthers: false, peakTargetMiB: 512 });
  else console.log('\n(10 M lines / 1 M devices, peak <= 512 MiB: node scripts/bench-fleet.mjs --large)');
} finally {
  rmSync(work, { recursive: true, force: true });
}
