// Runs once before the jest workers start: builds what the tests execute (the
// bundled action from the current sources, the device simulator and the core's
// differential harness), so that parallel test files never build the same
// thing at the same time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Runs a build step silently; its output is shown only when it fails. */
function build(command, args, options = {}) {
  const run = spawnSync(command, args, { ...options, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed (${run.signal ?? `exit ${run.status}`})`);
  }
}

export default function globalSetup() {
  const bundle = mkdtempSync(join(tmpdir(), 'static-ota-test-bundle-'));
  build(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--outdir', bundle], { cwd: root });
  process.env.STATIC_OTA_TEST_BUNDLE = bundle;

  // Same folder and build type as `npm run test:firmware`, so each build is incremental for the other.
  const firmwareBuild = join(root, 'firmware', 'build');
  build('cmake', ['-S', join(root, 'firmware'), '-B', firmwareBuild, '-DCMAKE_BUILD_TYPE=RelWithDebInfo']);
  build('cmake', [
    '--build',
    firmwareBuild,
    '--target',
    'static-ota-device',
    'static-ota-differential',
    'static-ota-delta',
    '--parallel',
    '2',
  ]);
}
