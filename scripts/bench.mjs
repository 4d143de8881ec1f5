// `npm run bench`: prints speed and memory figures next to their targets (never asserted by tests).
//   - CPU of `static-ota publish` of a 1 MiB image against the hand-written shell step (scripts/publish-shell.sh)
//   - Pages publishing against the branch's history, peak memory of the default path (CLI and action) and per target
//     (scripts/bench-targets.ts)
// `npm run bench -- pages,default-path,targets` runs only those sections of bench-targets.ts, and nothing else.
//   - device core size, static RAM, stack high-water and idle-poll bytes (firmware bench)
//   - idle-poll requests and bytes with one and with three mirrors (mirror failover)
//   - `static-ota fleet` on 1 M log lines beside GoAccess and mawk (scripts/bench-fleet.mjs; --large: 10 M lines)
//   - delta patches: patch share on lx106 pairs beside bsdiff+bzip2, encode cost, device RAM (scripts/bench-delta.mjs)
import { execFileSync, spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeBundleOptions } from './bundle-options.mjs';

const root = resolve(import.meta.dirname, '..');
const node24 = join(root, 'node_modules', '.bin', 'node');
const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-'));
const MiB = 1024 * 1024;
const CPU_RUNS = 9;

/** Runs a command under python3 and returns the CPU seconds (user + system) of it and every process it waited for. */
function cpuSeconds(command, args) {
  const rusage =
    'import resource,subprocess,sys\n' +
    'c=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL)\n' +
    'r=resource.getrusage(resource.RUSAGE_CHILDREN)\n' +
    'print(c.returncode, r.ru_utime+r.ru_stime)';
  const [code, seconds] = execFileSync('python3', ['-c', rusage, command, ...args], { encoding: 'utf8' })
    .trim()
    .split(' ');
  if (code !== '0') throw new Error(`${command} ${args.join(' ')} failed (${code})`);
  return Number(seconds);
}

function section(title) {
  console.log(`\n## ${title}`);
}

/** CLI and shell publish the same 1 MiB image (key at the end) to fresh folders, alternately; medians of each. */
function cliAgainstShell() {
  section(
    `static-ota publish (bundled CLI, Node 24) against scripts/publish-shell.sh, 1 MiB image, CPU median of ${CPU_RUNS}`,
  );
  const key = join(work, 'key.pem');
  execFileSync(node24, [join(root, 'dist', 'cli.js'), 'keygen', '--out', key]);
  const publicKey = execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-outform', 'DER']).subarray(-32);
  const image = Buffer.alloc(MiB, 0xff);
  image[0] = 0xe9;
  publicKey.copy(image, MiB - publicKey.length);
  const firmware = join(work, 'fw.bin');
  writeFileSync(firmware, image);
  const cli = [];
  const shell = [];
  for (let run = 0; run < CPU_RUNS; run++) {
    const [cliOut, shellOut] = [join(work, `cli-${run}`), join(work, `shell-${run}`)];
    cli.push(
      cpuSeconds(node24, [
        join(root, 'dist', 'cli.js'),
        'publish',
        '--firmware',
        firmware,
        '--version',
        '1.0.0',
        '--board',
        'bench',
        '--key',
        key,
        '--out',
        cliOut,
      ]),
    );
    shell.push(cpuSeconds(join(root, 'scripts', 'publish-shell.sh'), [firmware, '1.0.0', 'bench', key, shellOut]));
    if (
      run === 0 &&
      !readFileSync(join(cliOut, 'bench', 'latest.txt')).equals(readFileSync(join(shellOut, 'bench', 'latest.txt')))
    ) {
      throw new Error('the CLI and the shell step wrote different manifests');
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ratio = median(cli) / median(shell);
  console.log(
    `CLI ${(median(cli) * 1000).toFixed(0)} ms CPU, shell ${(median(shell) * 1000).toFixed(0)} ms CPU: ${ratio.toFixed(2)}x   (target: <= 2x; ${ratio <= 2 ? 'meets' : 'MISSES'} it)`,
  );
}

// `--large` adds the 10 M line fleet run; any other argument names the bench-targets sections to run alone.
const large = process.argv.includes('--large');
const only = process.argv.slice(2).find((argument) => argument !== '--large');
try {
  if (!only) cliAgainstShell();
  // The harness keeps packages (s3rver) as imports from node_modules; the publisher is bundled with dist/'s options
  // (scripts/bundle-options.mjs), so it loads what the action and the CLI load.
  const cache = join(root, 'node_modules', '.cache', 'static-ota');
  rmSync(cache, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'scripts', 'bench-targets.ts')],
    outfile: join(cache, 'bench-targets.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    packages: 'external',
  });
  await build({
    ...nodeBundleOptions,
    entryPoints: [join(root, 'scripts', 'bench-publish.ts')],
    outdir: join(work, 'publisher'),
  });
  // The action and the CLI as dist/ ships them, from the current sources (dist/ itself is rebuilt only on merges).
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--outdir', join(work, 'dist')], {
    cwd: root,
    stdio: 'inherit',
  });
  const targets = [node24, join(cache, 'bench-targets.js'), join(work, 'publisher', 'bench-publish.js')];
  const runs = only
    ? [[...targets, join(work, 'dist'), only]]
    : [
        [...targets, join(work, 'dist')],
        [process.execPath, join(root, 'scripts', 'bench-firmware.mjs')],
        [process.execPath, join(root, 'scripts', 'bench-mirrors.mjs')],
        [process.execPath, join(root, 'scripts', 'bench-delta.mjs')],
        // `npm run bench -- --large` adds the 10 M line run.
        [process.execPath, join(root, 'scripts', 'bench-fleet.mjs'), ...(large ? ['--large'] : [])],
        [process.execPath, join(root, 'scripts', 'security-report.mjs')],
      ];
  for (const [runtime, script, ...args] of runs) {
    const result = spawnSync(runtime, [script, ...args], { stdio: 'inherit', cwd: root });
    if (result.status !== 0) {
      console.error(`${script} failed`);
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
