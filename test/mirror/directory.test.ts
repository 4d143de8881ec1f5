// The directory target under concurrent writers: two `static-ota publish`
// processes into one mirror at once, over and over. Whatever the interleaving,
// latest.txt names an image whose bytes match its sha256, and never goes back.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DirectoryTarget, LOCK_FILE } from '../../src/mirror/directory.js';
import { publishReleases } from '../../src/release/publish.js';
import {
  bundledCli,
  publishCommand,
  removeTemporaryFolders,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
} from '../helpers.js';
import { newKey, signedRelease } from './fixtures.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const ROUNDS = 30;

afterAll(removeTemporaryFolders);

interface Run {
  code: number | null;
  output: string;
}

/** The bundled CLI as a separate process (its own pid), bounded by a timeout. */
function runCliProcess(args: string[]): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = spawn(NODE_24, [bundledCli(), ...args], { timeout: 60_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/** latest.txt of nodemcuv2 in `mirror`, with the SHA-256 of the image it names as the mirror holds it. */
function liveRelease(mirror: string): { version: string; declared: string; actual: string } {
  const text = readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1');
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1] as string;
  const image = readFileSync(join(mirror, 'nodemcuv2', field('file')));
  return {
    version: text.split('\n')[0],
    declared: field('sha256'),
    actual: createHash('sha256').update(image).digest('hex'),
  };
}

describe('directory target with two publishers at once (separate processes)', () => {
  const folder = temporaryFolder('static-ota-race-');
  const key = writeKeyFile(folder);
  const image = (name: string) => {
    const path = join(folder, `${name}.bin`);
    writeEspImage(path, { publicKey: key.publicKey, marker: name, size: 1024 * 1024 });
    return path;
  };
  const first = image('first-build');
  const second = image('second-build');

  it(`the same version with different images: latest.txt always matches its image (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const mirror = join(folder, `same-${round}`);
      const runs = await Promise.all(
        [first, second].map((firmware) =>
          runCliProcess([...publishCommand(firmware, key.path, '2.0.0'), '--out', mirror]),
        ),
      );
      const live = liveRelease(mirror);
      expect({ round, version: live.version, sha256: live.actual }).toEqual({
        round,
        version: '2.0.0',
        sha256: live.declared,
      });
      // One wins; the other is refused (already published, or its image differs from the one there).
      expect(runs.map(({ code }) => code).sort()).toEqual([0, 1]);
      expect(readdirSync(join(mirror, 'nodemcuv2')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
  }, 120_000);

  it(`1.0.7 and 1.0.8 at once: latest.txt never goes back from a version reported published (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const mirror = join(folder, `order-${round}`);
      const [older, newer] = await Promise.all([
        runCliProcess([...publishCommand(first, key.path, '1.0.7'), '--out', mirror]),
        runCliProcess([...publishCommand(second, key.path, '1.0.8'), '--out', mirror]),
      ]);
      expect({ round, code: newer.code }).toEqual({ round, code: 0 });
      const live = liveRelease(mirror);
      expect({ round, version: live.version, sha256: live.actual }).toEqual({
        round,
        version: '1.0.8',
        sha256: live.declared,
      });
      // 1.0.7 either went first (and 1.0.8 followed) or was refused as a step back.
      if (older.code !== 0) expect(older.output).toMatch(/refusing to publish 1\.0\.7 .* already offers 1\.0\.8/);
      expect(existsSync(join(mirror, '.static-ota.lock'))).toBe(false);
    }
  }, 120_000);
});

/** The pid of a process that has ended. */
const goneProcess = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('directory target after a writer died', () => {
  it('breaks a lock whose holder is gone from this host, and one older than the bound', async () => {
    for (const holder of [
      { pid: goneProcess(), host: hostname(), since: Date.now() },
      { pid: process.pid, host: 'another-host', since: Date.now() - 3_600_000 },
    ]) {
      const mirror = temporaryFolder('static-ota-lock-');
      writeFileSync(join(mirror, LOCK_FILE), JSON.stringify(holder));
      if (holder.host !== hostname()) utimesSync(join(mirror, LOCK_FILE), holder.since / 1000, holder.since / 1000);
      const started = Date.now();
      await publishReleases(new DirectoryTarget(mirror), [await signedRelease(newKey(), 'nodemcuv2', '1.0.0')]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^1\.0\.0\n/);
      expect(existsSync(join(mirror, LOCK_FILE))).toBe(false);
    }
  });

  it("sweeps the temporary files of writers that are gone, and keeps a live writer's", async () => {
    const mirror = temporaryFolder('static-ota-sweep-');
    mkdirSync(join(mirror, 'nodemcuv2', 'beta'), { recursive: true });
    const hourAgo = Date.now() / 1000 - 3600;
    const leftovers = [
      join(mirror, `index.json.static-ota-${goneProcess()}.tmp`),
      join(mirror, 'nodemcuv2', 'beta', `firmware-1.0.0-beta.1.bin.static-ota-${goneProcess()}.tmp`),
    ];
    const live = join(mirror, 'nodemcuv2', `firmware-0.9.0.bin.static-ota-${process.pid}.tmp`);
    const foreign = join(mirror, 'nodemcuv2', 'notes.1.tmp');
    for (const path of [...leftovers, live, foreign]) {
      writeFileSync(path, 'partial');
      utimesSync(path, hourAgo, hourAgo);
    }
    await publishReleases(new DirectoryTarget(mirror), [await signedRelease(newKey(), 'nodemcuv2', '1.0.0')]);
    expect(leftovers.filter((path) => existsSync(path))).toEqual([]);
    expect([live, foreign].filter((path) => existsSync(path))).toEqual([live, foreign]);
  });
});
