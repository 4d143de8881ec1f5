// Publish time of a 1 MiB image to each mirror target, on local servers:
// a directory, a bare git repository for Pages (file:// remote), and s3rver for S3.
// Bundled and run by scripts/bench.mjs; prints figures only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { imageFileName } from '../src/manifest.js';
import { publishReleases } from '../src/publish/publish.js';
import { createTarget, type TargetConfig } from '../src/publish/targets.js';
import { parseSigningKey, signRelease } from '../src/sign.js';

const RUNS = 5;
const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-targets-'));
const key = parseSigningKey(Buffer.alloc(32, 1).toString('hex'), 'bench key');

async function signedRelease(version: string) {
  const image = Buffer.alloc(1024 * 1024, 0xff);
  image[0] = 0xe9;
  Buffer.from(key.publicKey).copy(image, 16);
  image.write(version, 64);
  const imageFile = join(work, `fw-${version}.bin`);
  writeFileSync(imageFile, image);
  return signRelease({ imageFile, board: 'bench', version, channel: 'stable', file: imageFileName(version) }, { keys: [key] });
}

async function medianPublishSeconds(config: TargetConfig): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const release = await signedRelease(`1.0.${run}`);
    const target = await createTarget(config);
    const started = process.hrtime.bigint();
    await publishReleases(target, [release]);
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const s3Store = join(work, 's3');
const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Store, configureBuckets: [{ name: 'bench' }] });
try {
  const { port } = (await s3.run()) as { port: number };
  const bare = join(work, 'pages.git');
  execFileSync('git', ['init', '--quiet', '--bare', bare]);
  const targets: Array<[string, TargetConfig]> = [
    ['directory', { kind: 'directory', directory: join(work, 'mirror') }],
    ['github-pages (bare repo, file://)', { kind: 'github-pages', directory: '', pages: { branch: 'gh-pages', folder: '', remoteUrl: `file://${bare}` } }],
    [
      's3 (s3rver on 127.0.0.1)',
      {
        kind: 's3',
        directory: '',
        s3: { bucket: 'bench', prefix: 'ota', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      },
    ],
  ];
  console.log(`\n## publish of a 1 MiB image per target (median of ${RUNS}, after signing)`);
  for (const [name, config] of targets) {
    console.log(`${name.padEnd(36)} ${(await medianPublishSeconds(config)).toFixed(3)} s`);
  }
} finally {
  await s3.close();
  rmSync(work, { recursive: true, force: true });
}
