// Fixtures for the mirror target tests: signed releases, bare git repositories
// served over git's smart HTTP with a token check, and a target wrapper that
// makes a race between two publishers happen at a chosen point.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FlashLayout } from '../../src/release/flash-layout.js';
import { imageFileName } from '../../src/protocol/manifest.js';
import type { MirrorSession, MirrorTarget } from '../../src/mirror/target.js';
import { generateKey, parseSigningKey, signRelease, type SignedRelease, type SigningKey } from '../../src/release/sign.js';
import { channelFor } from '../../src/release/version.js';
import { listen, temporaryFolder, writeEspImage, type RunningServer } from '../helpers.js';

export const newKey = (): SigningKey => parseSigningKey(generateKey().privatePem, 'test key');

/** A signed release of an image that embeds the key; `marker` makes images of the same version differ. */
export async function signedRelease(
  key: SigningKey,
  board: string,
  version: string,
  marker = version,
  flash?: FlashLayout,
): Promise<SignedRelease> {
  const imageFile = join(temporaryFolder('static-ota-image-'), `${board}-${version}.bin`);
  writeEspImage(imageFile, { publicKey: key.publicKey, marker: `${board} ${marker}` });
  return signRelease(
    { imageFile, board, version, channel: channelFor(version), file: imageFileName(version), flash },
    { keys: [key] },
  );
}

export function git(cwd: string, ...args: string[]): string {
  // stderr is kept (and shown in the error when git fails) rather than printed: git's advice is noise in the test output.
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
    stdio: 'pipe',
  }).trim();
}

/**
 * A bare repository `<root>/<name>.git` that serves partial clones as GitHub
 * does (`uploadpack.allowFilter`), unless `partialClone` is false.
 */
export function bareRepository(root: string, name = 'site', options: { partialClone?: boolean } = {}): string {
  const path = join(root, `${name}.git`);
  execFileSync('git', ['init', '--quiet', '--bare', path]);
  if (options.partialClone !== false) git(path, 'config', 'uploadpack.allowFilter', 'true');
  return path;
}

/** Commits `files` as the first commit of `branch` in the bare repository, as a user's own site would be. */
export function seedBranch(bare: string, branch: string, files: Record<string, string | Buffer>): string {
  const work = temporaryFolder('static-ota-seed-');
  git(work, 'init', '--quiet', `--initial-branch=${branch}`);
  for (const [path, content] of Object.entries(files)) {
    const full = join(work, ...path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  git(work, 'add', '--all');
  git(work, '-c', 'user.name=Site Owner', '-c', 'user.email=owner@example.com', 'commit', '--quiet', '-m', 'site');
  git(work, 'push', '--quiet', bare, `HEAD:refs/heads/${branch}`);
  return git(work, 'rev-parse', 'HEAD');
}

/** Files of the branch tip, recursively, as paths. */
export const branchFiles = (bare: string, branch: string): string[] =>
  git(bare, 'ls-tree', '-r', '--name-only', branch).split('\n').filter(Boolean).sort();

export const branchFile = (bare: string, branch: string, path: string): Buffer =>
  execFileSync('git', ['show', `${branch}:${path}`], { cwd: bare });

export const isAncestor = (bare: string, older: string, newer: string): boolean => {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', older, newer], { cwd: bare });
    return true;
  } catch {
    return false;
  }
};

export interface GitHttpServer extends RunningServer {
  /** Requests answered 401 because the Authorization header was missing or wrong. */
  refused: number;
  /** Every request URL, to check that no secret travels in one. */
  urls: string[];
  /** Bytes of every response body sent so far: what clients fetched. */
  bytesSent: number;
  /** Each request in arrival order, with the bytes of its response body. */
  requests: Array<{ method: string; url: string; bytes: number }>;
}

/**
 * git's smart HTTP (`git http-backend` as CGI) for the bare repositories under
 * `root`, on 127.0.0.1, answering 401 unless the request carries
 * `Authorization: basic base64(x-access-token:TOKEN)` as GitHub expects.
 */
export async function serveGitOverHttp(root: string, token: string): Promise<GitHttpServer> {
  const expected = Buffer.from(`x-access-token:${token}`).toString('base64');
  const state = { refused: 0, urls: [] as string[], bytesSent: 0 };
  const requests: GitHttpServer['requests'] = [];
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    state.urls.push(request.url ?? '');
    const record = { method: request.method ?? '', url: request.url ?? '', bytes: 0 };
    requests.push(record);
    const [scheme, credentials] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'basic' || credentials !== expected) {
      state.refused++;
      request.resume();
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const backend = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'x-access-token',
        REQUEST_METHOD: request.method,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        ...(request.headers['content-length'] ? { CONTENT_LENGTH: request.headers['content-length'] } : {}),
        HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
      },
    });
    request.pipe(backend.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    const send = (body: Buffer): void => {
      state.bytesSent += body.length;
      record.bytes += body.length;
      response.write(body);
    };
    backend.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) return send(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      response.writeHead(status, headers);
      headersSent = true;
      send(head.subarray(end + 4));
    });
    backend.on('close', () => (headersSent ? response.end() : response.writeHead(500).end()));
  };
  const server = await listen(handle);
  return {
    ...server,
    urls: state.urls,
    requests,
    get refused() {
      return state.refused;
    },
    get bytesSent() {
      return state.bytesSent;
    },
  };
}

export interface GatedTarget extends MirrorTarget {
  /** How many times the publish work ran (2 after a lost race and its retry). */
  readonly attempts: number;
}

/**
 * Runs the first attempt up to its first write of the given kind (latest.txt by
 * default), then waits for `gate` (the other publisher finishing) before
 * making it: a race lost at a known point, without timing.
 */
export function gatedTarget(
  target: MirrorTarget,
  gate: Promise<unknown>,
  before: 'writeImage' | 'writeManifest' = 'writeManifest',
): GatedTarget {
  let attempts = 0;
  const opened = gate.catch(() => undefined);
  return {
    description: target.description,
    get attempts() {
      return attempts;
    },
    transaction: (work, reads) =>
      target.transaction((session) => {
        attempts++;
        if (attempts > 1) return work(session);
        const held: MirrorSession = {
          ...session,
          writeImage: async (path, localFile) => {
            if (before === 'writeImage') await opened;
            return session.writeImage(path, localFile);
          },
          writeManifest: async (path, text, previous) => {
            await opened;
            return session.writeManifest(path, text, previous);
          },
        };
        return work(held);
      }, reads),
  };
}
