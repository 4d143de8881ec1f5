// One publish in a process of its own, for the peak-memory figures of
// `npm run bench`: the release job the action and the CLI run (sign, then
// publish to the configured target), with a prebuilt image. Bundled and
// started by scripts/bench-targets.ts; argument: the job as JSON.
import { runRelease } from '../src/release/run.js';
import type { TargetConfig } from '../src/settings/target.js';
import { parseSigningKey } from '../src/release/sign.js';
import { inputLabel } from '../src/settings/label.js';

const job = JSON.parse(process.argv[2]) as {
  seedHex: string;
  image: string;
  version: string;
  board: string;
  target: TargetConfig;
};
await runRelease({
  version: job.version,
  projectDir: '.',
  environments: [],
  build: false,
  firmware: [{ board: job.board, path: job.image }],
  signingKeys: [parseSigningKey(job.seedHex, 'bench key')],
  nextReleaseKeys: [],
  allowLockout: false,
  force: false,
  maxImageBytes: 128 * 1024 * 1024,
  compress: 'none',
  label: inputLabel,
  target: job.target,
  log: { info: () => undefined, warning: (message) => process.stderr.write(`warning: ${message}\n`) },
});
