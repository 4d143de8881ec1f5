// Mirror-target figures for `npm run bench`, on local servers (git's smart
// HTTP for Pages, s3rver for S3), each printed next to its target:
//   - Pages: one more release onto a branch already holding 1, 50 and 200
//     releases of 2 boards x 1 MiB (bytes fetched, clone disk, wall, ratio to 1);
//   - peak RSS of the default path users take, for a 1, 16 and 64 MiB image with the
//     key at its very end, random (gzip is not smaller: served raw) and firmware-like
//     (gzip served): `static-ota publish --chip-family ESP8266` through the bundled
//     CLI, and the bundled action with `build: true` (the pio stand-in of
//     test/fixtures/bin builds the image) for an espressif8266 and an espressif32
//     environment, to the directory target (both front ends' default);
//   - peak RSS of a publish with compress: none and no flash layout, per target,
//     each in a fresh Node 24 process (scripts/bench-publish.ts).
// Bundled and run by scripts/bench.mjs, with the paths of the bundled publisher and
// of a dist/-like bundle of the sources (scripts/bundle.mjs) as arguments, and the
// sections to run (`npm run bench -- default-path,targets`; default: all).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import S3rver from 's3rver';
import { imageFileName, manifestPath, releaseFolder, STABLE_CHANNEL } from '../src/protocol/manifest.js';
import { publishReleases } from '../src/release/publish.js';
import type { MirrorTarget } from '../src/mirror/target.js';
import { createTarget } from '../src/mirror/factory.js';
import type { TargetConfig } from '../src/settings/target.js';
import { parseSigningKey, signRelease, type SignedRelease } from '../src/release/sign.js';
import { bareRepository, serveGitOverHttp } from '../test/mirror/fixtures.js';
import { defaultInputEnvironment, inputVariable, readActionMetadata } from '../test/action/action-metadata.js';

const MiB = 1024 * 1024;
// scripts/bench.mjs starts this bundle in the repository (its node_modules may be a link to another checkout's).
const ROOT = process.cwd();
const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const [publisher, bundle, only] = process.argv.slice(2);
const SECTIONS = { pages: pagesHistory, 'default-path': defaultPathMemory, targets: peakMemory };
const PIO_STANDIN = join(ROOT, 'test', 'fixtures', 'bin');
const work = mkdtempSync(join(tmpdir(), 'static-ota-bench-targets-'));
const seedHex = Buffer.alloc(32, 7).toString('hex');
const key = parseSigningKey(seedHex, 'bench key');
const BOARDS = ['nodemcuv2', 'esp32dev'];
const HISTORY_SIZES = [1, 50, 200];
const HISTORY_RUNS = 5;
const RSS_SIZES_MIB = [1, 16, 64];
const RSS_TARGET_MIB = 60;
/** Above both front ends' default max-image-size (16 MiB), which the 64 MiB rows must raise, as a user would. */
const MAX_IMAGE_BYTES = String(128 * MiB);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(2)} MiB`;

/** An ESP image of random bytes whose trusted key sits in its last 32 bytes: the lockout guard reads it all. */
function imageWithKeyAtEnd(path: string, size: number): string {
  const image = randomBytes(size);
  image[0] = 0xe9;
  Buffer.from(key.publicKey).copy(image, size - key.publicKey.length);
  writeFileSync(path, image);
  return path;
}

/**
 * A bare repository whose Pages branch holds `releases` releases of every board
 * (1 MiB random image each, one commit per release, nothing removed), written
 * with git fast-import.
 */
async function branchWithHistory(root: string, releases: number): Promise<void> {
  const bare = bareRepository(root, `history-${releases}`);
  const importer = spawn('git', ['-c', 'pack.compression=0', 'fast-import', '--quiet'], {
    cwd: bare,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const write = (data: string | Buffer): Promise<void> =>
    new Promise((resolveWrite) =>
      importer.stdin.write(data) ? resolveWrite() : importer.stdin.once('drain', () => resolveWrite()),
    );
  for (let release = 1; release <= releases; release++) {
    const version = `0.${release}.0`;
    await write(
      `commit refs/heads/gh-pages\ncommitter bench <bench@example.com> ${1_700_000_000 + release} +0000\ndata 7\nrelease\n`,
    );
    for (const board of BOARDS) {
      const image = randomBytes(MiB);
      await write(
        `M 100644 inline ${releaseFolder(board, STABLE_CHANNEL)}/${imageFileName(version)}\ndata ${image.length}\n`,
      );
      await write(image);
      const manifest = `${version}\n`;
      await write(`\nM 100644 inline ${manifestPath(board, STABLE_CHANNEL)}\ndata ${manifest.length}\n${manifest}\n`);
    }
  }
  importer.stdin.end();
  await new Promise((resolveExit, reject) =>
    importer.on('close', (code) =>
      code === 0 ? resolveExit(undefined) : reject(new Error(`fast-import exited ${code}`)),
    ),
  );
}

/**
 * What no publish can avoid fetching: the git tree objects of the release folders it writes (every kept image of a
 * board is an entry of its folder's tree, and git writes a folder's new tree from all of its old entries), measured as
 * git packs them for sending (the pack's 12-byte header and 20-byte trailer left out).
 */
function touchedTreeBytes(bare: string, branch: string, folders: string[]): number {
  const trees = folders.map((folder) => execFileSync('git', ['rev-parse', `${branch}:${folder}`], { cwd: bare }));
  const pack = execFileSync('git', ['pack-objects', '--stdout', '-q'], { cwd: bare, input: Buffer.concat(trees) });
  return pack.length - 32;
}

/** Kilobytes on disk under `folder` (du), measured while a Pages publish holds its clone there. */
const diskBytes = (folder: string): number =>
  Number(execFileSync('du', ['-sk', folder], { encoding: 'utf8' }).split('\t')[0]) * 1024;

/** Runs the publish, recording the clone's size on disk once the publish work is done (before commit and push). */
function measuringDisk(target: MirrorTarget, folder: string, seen: { bytes: number }): MirrorTarget {
  return {
    description: target.description,
    transaction: (work, reads) =>
      target.transaction(async (session) => {
        const result = await work(session);
        seen.bytes = diskBytes(folder);
        return result;
      }, reads),
  };
}

async function pagesHistory(): Promise<void> {
  console.log(
    `\n## github-pages: one more release (${BOARDS.length} boards x 1 MiB) onto a branch of N releases, smart HTTP on 127.0.0.1 (median of ${HISTORY_RUNS}, sizes interleaved)`,
  );
  console.log('target: 200 releases within 1.5x of 1 release in wall time and bytes fetched');
  const root = join(work, 'git');
  mkdirSync(root);
  const server = await serveGitOverHttp(root, 'bench-token');
  const runnerTemp = join(work, 'runner-temp');
  mkdirSync(runnerTemp);
  process.env.RUNNER_TEMP = runnerTemp;
  const measured = new Map(
    HISTORY_SIZES.map((releases) => [
      releases,
      { fetched: [] as number[], floor: [] as number[], disk: [] as number[], wall: [] as number[] },
    ]),
  );
  try {
    for (const releases of HISTORY_SIZES) await branchWithHistory(root, releases);
    // Interleaved, so that a change in the machine's load touches every size alike.
    for (let run = 0; run < HISTORY_RUNS; run++) {
      const version = `1.${run}.0`;
      const signed: SignedRelease[] = [];
      for (const board of BOARDS) {
        const imageFile = imageWithKeyAtEnd(join(work, `${board}-${version}.bin`), MiB);
        signed.push(
          await signRelease(
            { imageFile, board, version, channel: STABLE_CHANNEL, file: imageFileName(version) },
            { keys: [key] },
          ),
        );
      }
      for (const releases of HISTORY_SIZES) {
        const config: TargetConfig = {
          kind: 'github-pages',
          pages: {
            branch: 'gh-pages',
            folder: '',
            remoteUrl: `${server.url}/history-${releases}.git`,
            token: 'bench-token',
          },
        };
        const floor = touchedTreeBytes(
          join(root, `history-${releases}.git`),
          'gh-pages',
          BOARDS.map((board) => releaseFolder(board, STABLE_CHANNEL)),
        );
        const disk = { bytes: 0 };
        const target = measuringDisk(await createTarget(config), runnerTemp, disk);
        const sentBefore = server.bytesSent;
        const started = process.hrtime.bigint();
        await publishReleases(target, signed);
        const runs = measured.get(releases)!;
        runs.wall.push(Number(process.hrtime.bigint() - started) / 1e9);
        runs.fetched.push(server.bytesSent - sentBefore);
        runs.floor.push(floor);
        runs.disk.push(disk.bytes);
      }
    }
  } finally {
    await server.close();
  }
  const rows = HISTORY_SIZES.map((releases) => {
    const runs = measured.get(releases)!;
    const beyond = runs.fetched.map((fetched, run) => fetched - runs.floor[run]);
    return {
      releases,
      fetched: median(runs.fetched),
      floor: median(runs.floor),
      beyond: median(beyond),
      disk: median(runs.disk),
      wall: median(runs.wall),
    };
  });
  const [base] = rows;
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  for (const row of rows) {
    const wallRatio = row.wall / base.wall;
    const fetchedRatio = row.fetched / base.fetched;
    const verdict =
      row.releases === 1
        ? ''
        : `   wall ${wallRatio <= 1.5 ? 'meets' : 'MISSES'} the target, bytes fetched ${fetchedRatio <= 1.5 ? 'meet' : 'MISS'} it`;
    console.log(
      `${String(row.releases).padStart(3)} releases: fetched ${kib(row.fetched)} (${fetchedRatio.toFixed(2)}x), ` +
        `clone on disk ${mib(row.disk)} (${(row.disk / base.disk).toFixed(2)}x), wall ${row.wall.toFixed(3)} s (${wallRatio.toFixed(2)}x)${verdict}`,
    );
  }
  for (const row of rows) {
    console.log(
      `${String(row.releases).padStart(3)} releases: of the ${kib(row.fetched)} fetched, ${kib(row.floor)} are the trees of the ${BOARDS.length} folders written ` +
        `(the floor), ${kib(row.beyond)} the rest (${(row.beyond / base.beyond).toFixed(2)}x)`,
    );
  }
  console.log(
    '(fetched: ref advertisement, the commit and its trees, whose entries list every image kept, then latest.txt and index.json, ' +
      'whose `older` lists grow with the images kept, in one batch; no image. The floor cannot go: docs/mirrors.md)',
  );
}

interface PeakMemory {
  nodeMiB: number;
  largestMiB: number;
  seconds: number;
  stdout: string;
}

/**
 * Runs Node 24 with `args` in a fresh process under python3, which reports the largest resident size of any process
 * of the tree (Node and every git or pio it waited for); Node reports its own (scripts/report-peak-memory.mjs).
 */
function peakOfNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PeakMemory> {
  const rusage =
    'import json,resource,subprocess,sys,time\n' +
    't=time.monotonic()\nc=subprocess.run(sys.argv[1:],capture_output=True,text=True)\n' +
    'r=resource.getrusage(resource.RUSAGE_CHILDREN)\n' +
    'print(json.dumps({"code":c.returncode,"stdout":c.stdout,"stderr":c.stderr,"seconds":time.monotonic()-t,"largest_kib":r.ru_maxrss}))';
  const node = [NODE_24, '--import', join(ROOT, 'scripts', 'report-peak-memory.mjs'), ...args];
  return new Promise((resolveRun, reject) => {
    const child = spawn('python3', ['-c', rusage, ...node], { stdio: ['ignore', 'pipe', 'inherit'], ...options });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', () => {
      const result = JSON.parse(output) as {
        code: number;
        stdout: string;
        stderr: string;
        seconds: number;
        largest_kib: number;
      };
      const peak = /peak-rss-kib=(\d+)/.exec(result.stderr);
      if (result.code !== 0 || !peak)
        return reject(new Error(`${args.join(' ')} failed: ${result.stdout}${result.stderr}`));
      resolveRun({
        nodeMiB: Number(peak[1]) / 1024,
        largestMiB: result.largest_kib / 1024,
        seconds: result.seconds,
        stdout: result.stdout,
      });
    });
  });
}

/** One publish of the library path (compress: none, no flash layout) in a fresh process: scripts/bench-publish.ts. */
const publishInChild = (job: object): Promise<PeakMemory> => peakOfNode([publisher, JSON.stringify(job)]);

/** The figures and the verdict against the target: the larger of Node's peak and the largest process's. */
function peakLine(label: string, peak: PeakMemory, note = ''): string {
  const verdict = Math.max(peak.nodeMiB, peak.largestMiB) <= RSS_TARGET_MIB ? 'meets' : 'MISSES';
  return (
    `${label}: node ${peak.nodeMiB.toFixed(1)} MiB, largest ${peak.largestMiB.toFixed(1)} MiB, ` +
    `wall ${peak.seconds.toFixed(2)} s${note}   ${verdict} the target`
  );
}

async function peakMemory(): Promise<void> {
  console.log(
    '\n## peak RSS of one publish with compress: none and no flash layout (the library path: runRelease with a prebuilt ' +
      'image; not what users run, kept to compare the targets), fresh Node 24 process, image with the key in its last 32 bytes',
  );
  console.log(
    `target: <= ${RSS_TARGET_MIB} MiB for every target and size; "largest" is the largest process of the publish (Node or a git it ran)`,
  );
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(work, 's3'),
    configureBuckets: [{ name: 'bench' }],
  });
  const { port } = (await s3.run()) as { port: number };
  const root = join(work, 'git-rss');
  mkdirSync(root);
  bareRepository(root, 'site');
  const git = await serveGitOverHttp(root, 'bench-token');
  const targets: Array<[string, TargetConfig]> = [
    ['directory', { kind: 'directory', directory: join(work, 'mirror') }],
    [
      'github-pages',
      {
        kind: 'github-pages',
        pages: { branch: 'gh-pages', folder: '', remoteUrl: `${git.url}/site.git`, token: 'bench-token' },
      },
    ],
    [
      's3',
      {
        kind: 's3',
        s3: {
          bucket: 'bench',
          prefix: 'ota',
          region: 'us-east-1',
          endpoint: new URL(`http://127.0.0.1:${port}`),
          forcePathStyle: true,
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
        },
      },
    ],
  ];
  try {
    for (const [name, target] of targets) {
      for (const [index, size] of RSS_SIZES_MIB.entries()) {
        const image = imageWithKeyAtEnd(join(work, `rss-${name}-${size}.bin`), size * MiB);
        const peak = await publishInChild({ seedHex, image, version: `2.${index}.0`, board: 'bench', target });
        rmSync(image);
        console.log(peakLine(`${name.padEnd(13)} ${String(size).padStart(2)} MiB`, peak));
      }
    }
  } finally {
    await git.close();
    await s3.close();
  }
}

type ImageKind = 'random' | 'firmware-like';

/**
 * Bytes that gzip -9 shrinks to about half, as it does real ESP firmware: fresh random runs between copies of runs
 * from a 16 KiB vocabulary, the way code repeats its instruction sequences and strings within gzip's 32 KiB window.
 */
function firmwareLikeBytes(size: number): Buffer {
  const vocabulary = randomBytes(16 * 1024);
  const noise = randomBytes(size);
  const bytes = Buffer.allocUnsafe(size);
  for (let at = 0, pick = 0; at < size; pick += 3) {
    const fresh = 4 + (noise[pick % size] & 31);
    at += noise.copy(bytes, at, at, Math.min(size, at + fresh));
    const start = ((noise[(pick + 1) % size] << 8) | noise[(pick + 2) % size]) % (vocabulary.length - 64);
    at += vocabulary.copy(bytes, at, start, start + Math.min(size - at, 8 + (noise[pick % size] & 31)));
  }
  return bytes;
}

/** An ESP image of `kind` bytes, written 1 MiB at a time, whose trusted key sits in its last 32 bytes. */
function benchImage(path: string, size: number, kind: ImageKind): string {
  const file = openSync(path, 'w');
  try {
    for (let at = 0; at < size; at += MiB) {
      const chunk =
        kind === 'random' ? randomBytes(Math.min(MiB, size - at)) : firmwareLikeBytes(Math.min(MiB, size - at));
      if (at === 0) chunk[0] = 0xe9;
      if (at + chunk.length === size) Buffer.from(key.publicKey).copy(chunk, chunk.length - key.publicKey.length);
      writeSync(file, chunk);
    }
  } finally {
    closeSync(file);
  }
  return path;
}

/** What the run did with gzip, from its log line (src/release/run.ts servedImage). */
function gzipNote(stdout: string): string {
  const used = /gzip \d+ -> \d+ bytes \(([\d.]+) %\)/.exec(stdout);
  if (used) return `, gzip ${used[1]} %`;
  return /is not smaller: published uncompressed/.test(stdout) ? ', gzip not smaller: raw' : ', no gzip';
}

/** `static-ota publish --chip-family ESP8266` (compress auto: gzip) through the bundled CLI, to a directory. */
function cliPublish(image: string, keyFile: string, out: string, version: string): Promise<PeakMemory> {
  return peakOfNode([
    join(bundle, 'cli.js'),
    'publish',
    ...['--firmware', image, '--version', version, '--board', 'bench', '--key', keyFile, '--out', out],
    ...['--chip-family', 'ESP8266', '--max-image-size', MAX_IMAGE_BYTES],
  ]);
}

/**
 * The bundled action as the runner starts it, every input at its action.yml default (build: true, compress: auto,
 * the directory target) but the key and max-image-size, on a tag, in a PlatformIO project of one environment whose
 * build (the pio stand-in) produces `image`.
 */
function actionPublish(image: string, environment: 'nodemcuv2' | 'esp32dev', version: string): Promise<PeakMemory> {
  const project = mkdtempSync(join(work, `project-${environment}-`));
  const platform = environment === 'esp32dev' ? 'espressif32' : 'espressif8266';
  writeFileSync(
    join(project, 'platformio.ini'),
    `[env:${environment}]\nplatform = ${platform}\nboard = ${environment}\n`,
  );
  const inputs = {
    ...defaultInputEnvironment(readActionMetadata(join(ROOT, 'action.yml'))),
    [inputVariable('signing-key')]: seedHex,
  };
  Object.assign(inputs, {
    [inputVariable('project-dir')]: project,
    [inputVariable('max-image-size')]: MAX_IMAGE_BYTES,
  });
  for (const file of ['github-output', 'step-summary']) writeFileSync(join(project, file), '');
  return peakOfNode([join(bundle, 'index.js')], {
    cwd: project,
    env: {
      PATH: `${PIO_STANDIN}${delimiter}${process.env.PATH}`,
      HOME: project,
      RUNNER_TEMP: project,
      GITHUB_REF: `refs/tags/v${version}`,
      GITHUB_REPOSITORY: 'bench/bench',
      GITHUB_OUTPUT: join(project, 'github-output'),
      GITHUB_STEP_SUMMARY: join(project, 'step-summary'),
      PIO_STANDIN_IMAGE: image,
      ...inputs,
    },
  });
}

async function defaultPathMemory(): Promise<void> {
  console.log(
    '\n## peak RSS of the default path (fresh Node 24 process, directory target, image with the key in its last 32 bytes, ' +
      `max-image-size raised to ${Number(MAX_IMAGE_BYTES) / MiB} MiB for the 64 MiB rows)`,
  );
  console.log(
    `target: <= ${RSS_TARGET_MIB} MiB, flat; random images do not shrink (gzip is tried, then the raw image served), ` +
      'firmware-like ones do (gzip served, the raw one kept for the install button)',
  );
  console.log(
    'cli: static-ota publish --chip-family ESP8266 (compress auto: gzip, flash layout, web-install manifest, factory image); ' +
      'action: build: true (the pio stand-in builds the image; "largest" counts it, where real pio would be far larger)',
  );
  const keyFile = join(work, 'bench-key.hex');
  writeFileSync(keyFile, `${seedHex}\n`);
  for (const [index, size] of RSS_SIZES_MIB.entries()) {
    for (const kind of ['random', 'firmware-like'] as const) {
      const image = benchImage(join(work, `default-${kind}-${size}.bin`), size * MiB, kind);
      const version = (run: number): string => `3.${index * 10 + run}.0`;
      const rows: Array<[string, () => Promise<PeakMemory>]> = [
        [
          'cli ESP8266',
          // A fresh mirror, like the action's rows: a publish onto an earlier release adds delta patches, whose
          // encoder's memory grows with the image (docs/mirrors.md).
          () => cliPublish(image, keyFile, join(work, `cli-mirror-${kind}-${size}`), version(0)),
        ],
        ['action espressif8266', () => actionPublish(image, 'nodemcuv2', version(0))],
        // Compressibility changes nothing for ESP32 (never gzip): one kind is enough.
        ...(kind === 'random'
          ? [
              ['action espressif32', () => actionPublish(image, 'esp32dev', version(0))] as [
                string,
                () => Promise<PeakMemory>,
              ],
            ]
          : []),
      ];
      for (const [name, run] of rows) {
        const peak = await run();
        console.log(
          peakLine(
            `${name.padEnd(20)} ${kind.padEnd(13)} ${String(size).padStart(2)} MiB`,
            peak,
            gzipNote(peak.stdout),
          ),
        );
      }
      rmSync(image);
    }
  }
}

try {
  for (const [name, section] of Object.entries(SECTIONS)) if (!only || only.split(',').includes(name)) await section();
} finally {
  rmSync(work, { recursive: true, force: true });
}
