// GitHub Pages mirror: commits the mirror into a branch (default gh-pages) of a
// temporary clone with the git CLI, then pushes without force. The clone is
// partial (--filter=blob:none, depth 1) with a sparse checkout of the files
// the publish reads: trees, those files (fetched in batches) and the new
// images are all it fetches or writes, never an image already on the branch
// (docs/mirrors.md, "Bytes fetched per publish"). A push rejected
// because another run got there first is a ConflictError, so retryOnConflict
// runs the publish again (guards included) on the branch as it now is.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isManifestPath, readVersionLine } from '../protocol/manifest.js';
import type { Reporter } from '../common/reporter.js';
import { holdTemporary } from '../common/interrupt.js';
import { ConflictError, MirrorSession, MirrorTarget, retryOnConflict } from './target.js';
import type { PagesConfig, PagesHistory } from '../settings/target.js';

const COMMITTER_NAME = 'github-actions[bot]';
const COMMITTER_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';
/** Generous for a clone or push of a mirror of images of at most a few MB each; a hung remote must not hang the step. */
const GIT_TIMEOUT_MS = 10 * 60 * 1000;
/**
 * Settings for every git command: LF bytes exactly as written (Windows runners default autocrlf on), symlinks in the
 * branch never followed out of the clone, no signing prompts, no background gc in a clone that lives for seconds, and
 * flat memory whatever the image size: images above 1 MiB streamed into a pack rather than held whole, and packs read
 * through small windows (by default git maps up to 1 GiB of a pack at once, so pushing a 64 MiB image took 68 MiB).
 */
const GIT_SETTINGS = [
  'core.autocrlf=false',
  'core.symlinks=false',
  'commit.gpgsign=false',
  'gc.auto=0',
  'maintenance.auto=false',
  'core.bigFileThreshold=1m',
  'core.packedGitWindowSize=1m',
  'core.packedGitLimit=8m',
  `user.name=${COMMITTER_NAME}`,
  `user.email=${COMMITTER_EMAIL}`,
];
/** Regular file mode in git trees. */
const FILE_MODE = '100644';

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Removes user:password from a URL for messages. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

export class PagesTarget implements MirrorTarget {
  readonly description: string;
  readonly commitsAtEnd = true;
  private readonly branch: string;
  private readonly folder: string;
  private readonly remote: string;
  private readonly history: PagesHistory;
  private readonly environment: NodeJS.ProcessEnv;
  /** The branch's CNAME (a custom domain), as the last checkout found it. */
  private customDomain: string | undefined;

  constructor(config: PagesConfig, log?: Pick<Reporter, 'mask'>) {
    if (!config.remoteUrl || config.remoteUrl.startsWith('-'))
      throw new Error('the github-pages target needs a git remote URL');
    this.branch = config.branch;
    this.folder = config.folder;
    this.remote = config.remoteUrl;
    this.history = config.history ?? 'keep';
    const remoteForMessages = withoutCredentials(config.remoteUrl);
    this.description = `branch ${this.branch}${this.folder ? `, folder ${this.folder},` : ''} of ${remoteForMessages}`;
    // Paths are always literal: a board or file name is never a glob.
    this.environment = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_LITERAL_PATHSPECS: '1', LC_ALL: 'C' };
    const origin = httpOrigin(config.remoteUrl);
    if (config.token && origin) {
      // Same effect as `git -c http.<origin>/.extraheader=...` (how actions/checkout authenticates), but through
      // git's GIT_CONFIG_* environment: an argument would be readable by every process on the runner.
      // Lazy fetches of the partial clone run as child processes of git and inherit it.
      const basic = Buffer.from(`x-access-token:${config.token}`).toString('base64');
      // In case a git trace prints the header.
      log?.mask?.(basic);
      Object.assign(this.environment, {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: `http.${origin}/.extraheader`,
        GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
      });
    }
  }

  transaction<T>(work: (session: MirrorSession) => Promise<T>, reads: readonly string[] = []): Promise<T> {
    return retryOnConflict(() => this.attempt(work, reads));
  }

  /**
   * The path on the Pages site, for a site published from the branch's root: at the custom domain of the branch's
   * CNAME, else at OWNER.github.io/REPO/ (OWNER.github.io/ for the OWNER.github.io repository).
   */
  publicUrl(path: string): string | undefined {
    const site = this.customDomain ? `https://${this.customDomain}/` : githubIoSite(this.remote);
    return site && new URL(this.inBranch(path).split('/').map(encodeURIComponent).join('/'), site).href;
  }

  /** One clone, one run of `work`, one commit and one push; a lost race throws ConflictError. */
  private async attempt<T>(work: (session: MirrorSession) => Promise<T>, reads: readonly string[]): Promise<T> {
    const clone = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'static-ota-pages-'));
    const forget = holdTemporary(clone);
    try {
      const fetched = await this.checkOut(clone, reads);
      this.customDomain = fetched && (await readCustomDomain(clone));
      // The clone is private to this attempt: conflicts come from the push, and retryOnConflict above handles them.
      const session = this.session(clone);
      const result = await work(session);
      const changed = fetched
        ? (await this.git(clone, ['diff-index', '--cached', '--name-only', '--no-renames', '-z', fetched, '--'])).stdout
        : (await this.git(clone, ['ls-files', '-z'])).stdout;
      if (changed === '') return result;
      const message = await commitMessage(session, changed.split('\0').filter(Boolean), this.folder);
      const tree = (await this.git(clone, ['write-tree'])).stdout.trim();
      // Squash: the commit has no parent, so the branch holds the current files only and older images leave its history.
      const parent = fetched && this.history === 'keep' ? ['-p', fetched] : [];
      const commit = (await this.git(clone, ['commit-tree', tree, ...parent, '-m', message])).stdout.trim();
      await this.push(clone, commit, fetched);
      return result;
    } finally {
      await rm(clone, { recursive: true, force: true });
      forget();
    }
  }

  /**
   * The branch's newest commit as a partial clone (depth 1, trees only) with
   * a sparse checkout of `reads`, whose blobs come in one more request; or a
   * new orphan branch holding `.nojekyll`. Returns the fetched commit, if any.
   */
  private async checkOut(clone: string, reads: readonly string[]): Promise<string | undefined> {
    await this.git(
      clone,
      ['check-ref-format', `refs/heads/${this.branch}`],
      `pages-branch ${JSON.stringify(this.branch)} is not a valid branch name`,
    );
    await this.git(clone, ['init', '--quiet', `--initial-branch=${this.branch}`]);
    await this.git(clone, ['remote', 'add', 'origin', this.remote]);
    await this.git(clone, ['config', 'core.sparseCheckout', 'true']);
    await writeFile(
      join(clone, '.git', 'info', 'sparse-checkout'),
      // CNAME comes with the reads' blobs, in the same request: where the page is (publicUrl).
      ['CNAME', ...reads.map((path) => sparsePattern(this.inBranch(path)))].map((pattern) => `/${pattern}\n`).join(''),
    );
    // No ls-remote first: the fetch's own ref advertisement tells whether the branch exists, one round trip fewer.
    // A server without partial clone support (GitHub has it) sends every blob of the tip instead: slower, same result.
    const fetched = await this.git(
      clone,
      ['fetch', '--quiet', '--depth', '1', '--filter=blob:none', '--no-tags', 'origin', `refs/heads/${this.branch}`],
      undefined,
      [128],
    );
    if (fetched.code !== 0) {
      if (!MISSING_BRANCH.test(fetched.stderr))
        throw new Error(`git fetch for ${this.description} failed: ${explain(fetched)}`);
      // Without it Pages runs Jekyll, which drops files and folders starting with `_` (valid board names).
      await this.stage(clone, '.nojekyll', await this.storeBlob(clone, ['--stdin'], ''));
      return undefined;
    }
    await this.git(clone, ['reset', '--quiet', '--hard', 'FETCH_HEAD']);
    return (await this.git(clone, ['rev-parse', '--verify', 'FETCH_HEAD^{commit}'])).stdout.trim();
  }

  /**
   * The mirror as the clone's index: reads come from it (git fetches a blob
   * outside the sparse checkout on demand), writes and removals go to it, and
   * files the publish does not touch stay in it byte for byte, never fetched.
   */
  private session(clone: string): MirrorSession {
    const entry = async (path: string): Promise<string | undefined> =>
      (await this.objectsAt(clone, [this.inBranch(path)]))[0];
    return {
      read: async (path) => {
        const found = await this.gitBytes(clone, ['cat-file', '--batch'], `:${this.inBranch(path)}\n`);
        const header = found.subarray(0, found.indexOf(10)).toString('latin1');
        if (header.endsWith(' missing')) return undefined;
        const size = Number(header.split(' ')[2]);
        return found.subarray(header.length + 1, header.length + 1 + size);
      },
      compareImage: async (path, localFile) => {
        const stored = await entry(path);
        if (stored === undefined) return 'missing';
        // Git's own object id of the local bytes: no need to fetch the stored image to compare it.
        const local = (await this.git(clone, ['hash-object', '--no-filters', '--', resolve(localFile)])).stdout.trim();
        return local === stored ? 'same' : 'different';
      },
      prefetch: async (paths) => {
        const wanted = await this.objectsAt(
          clone,
          paths.map((path) => this.inBranch(path)),
        );
        const local = new Set(
          (await this.git(clone, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'])).stdout.split(
            '\n',
          ),
        );
        const missing = [...new Set(wanted)].filter((object) => !local.has(object));
        if (missing.length === 0) return;
        // What git runs for one lazily fetched object, for all of them at once: one request, no negotiation.
        await this.git(
          clone,
          [
            '-c',
            'fetch.negotiationAlgorithm=noop',
            'fetch',
            '--quiet',
            '--no-tags',
            '--no-write-fetch-head',
            '--recurse-submodules=no',
            '--filter=blob:none',
            '--stdin',
            'origin',
          ],
          undefined,
          [],
          missing.map((object) => `${object}\n`).join(''),
        );
      },
      holds: async (path, text) =>
        (await entry(path)) ===
        (await this.git(clone, ['hash-object', '--no-filters', '--stdin'], undefined, [], text)).stdout.trim(),
      list: async (folder) =>
        (await this.entriesUnder(clone, folder))
          .filter((rest) => !rest.includes('/'))
          .map((rest) => inFolder(folder, rest)),
      folders: async (folder) => {
        const names = (await this.entriesUnder(clone, folder))
          .filter((rest) => rest.includes('/'))
          .map((rest) => rest.split('/')[0]);
        return [...new Set(names)].map((name) => inFolder(folder, name));
      },
      // git runs in the clone: a path relative to our working directory (`.pio/build/...`) must not be read from there.
      writeImage: async (path, localFile) =>
        this.stage(clone, this.inBranch(path), await this.storeBlob(clone, ['--', resolve(localFile)])),
      writeManifest: async (path, text) =>
        this.stage(clone, this.inBranch(path), await this.storeBlob(clone, ['--stdin'], text)),
      remove: async (path) =>
        void (await this.git(clone, ['update-index', '--force-remove', '--', this.inBranch(path)])),
    };
  }

  /** Object ids of the index entries at `branchPaths` (absent paths have none). */
  private async objectsAt(clone: string, branchPaths: string[]): Promise<string[]> {
    if (branchPaths.length === 0) return [];
    const listed = (await this.git(clone, ['ls-files', '--stage', '-z', '--', ...branchPaths])).stdout;
    // `100644 <object> 0\t<path>`
    return listed
      .split('\0')
      .filter(Boolean)
      .map((line) => line.split(' ')[1]);
  }

  /** Paths of every file below the mirror's `folder` (from the index: nothing is fetched), relative to that folder. */
  private async entriesUnder(clone: string, folder: string): Promise<string[]> {
    const base = this.inBranch(folder).replace(/\/$/, '');
    const prefix = base ? `${base}/` : '';
    const listed = (await this.git(clone, ['ls-files', '-z', '--', prefix || '.'])).stdout;
    return listed
      .split('\0')
      .filter(Boolean)
      .map((path) => path.slice(prefix.length));
  }

  /** Writes bytes (a file, or `input` on stdin) into the clone's objects exactly as they are; returns the object id. */
  private async storeBlob(clone: string, source: string[], input?: string): Promise<string> {
    return (
      await this.git(clone, ['hash-object', '-w', '--no-filters', ...source], undefined, [], input)
    ).stdout.trim();
  }

  /** Puts the object at `branchPath` (relative to the branch's top, not the mirror folder) in the next commit. */
  private async stage(clone: string, branchPath: string, blob: string): Promise<void> {
    await this.git(clone, ['update-index', '--add', '--cacheinfo', `${FILE_MODE},${blob},${branchPath}`]);
  }

  private inBranch(path: string): string {
    return this.folder ? `${this.folder}/${path}` : path;
  }

  /** Never forced in `keep` mode; in `squash` mode forced only over exactly the commit this attempt fetched. */
  private async push(clone: string, commit: string, fetched: string | undefined): Promise<void> {
    const ref = `refs/heads/${this.branch}`;
    const lease = this.history === 'squash' ? [`--force-with-lease=${ref}:${fetched ?? ''}`] : [];
    // No delta search (pack.window=0): git looked for delta bases among the branch's own files and lazily fetched
    // the old index.html, which lists every older image, just to diff against it. Images are compressed data anyway.
    const pushed = await this.git(
      clone,
      ['-c', 'pack.window=0', 'push', '--porcelain', '--no-verify', ...lease, 'origin', `${commit}:${ref}`],
      undefined,
      [1],
    );
    if (pushed.code === 0) return;
    const refStatus = pushed.stdout.split('\n').find((line) => line.startsWith('!'));
    if (refStatus && LOST_RACE.test(refStatus)) {
      throw new ConflictError(`another publish updated ${this.branch} first (${refStatus.split('\t').pop()})`);
    }
    throw new Error(`git push to ${this.description} failed: ${explain(pushed, refStatus)}`);
  }

  /** Runs git without a shell; a non-zero exit (other than `allowedCodes`) becomes a Error without secrets. */
  private git(
    cwd: string,
    args: string[],
    failure?: string,
    allowedCodes: number[] = [],
    input?: string,
  ): Promise<GitResult> {
    return this.run(cwd, args, 'utf8', failure, allowedCodes, input) as Promise<GitResult>;
  }

  private async gitBytes(cwd: string, args: string[], input: string): Promise<Buffer> {
    return (await this.run(cwd, args, 'buffer', undefined, [], input)).stdout as Buffer;
  }

  private run(
    cwd: string,
    args: string[],
    encoding: 'utf8' | 'buffer',
    failure: string | undefined,
    allowedCodes: number[],
    input: string | undefined,
  ): Promise<{ code: number; stdout: string | Buffer; stderr: string }> {
    const settings = GIT_SETTINGS.flatMap((setting) => ['-c', setting]);
    return new Promise((resolvePromise, reject) => {
      const child = execFile(
        'git',
        [...settings, ...args],
        { cwd, env: this.environment, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          const result = { code, stdout, stderr: stderr.toString() };
          if (code === 0 || allowedCodes.includes(code)) return resolvePromise(result);
          const reason = error?.killed ? `timed out after ${GIT_TIMEOUT_MS / 1000} s` : explain(result);
          reject(new Error(failure ?? `git ${args[0]} for ${this.description} failed: ${reason}`));
        },
      );
      // A command that reads no input may exit before its stdin closes (EPIPE); its exit code tells what happened.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '', 'latin1');
    });
  }
}

/** `folder/name`, or `name` at the mirror's root. */
const inFolder = (folder: string, name: string): string => (folder ? `${folder}/${name}` : name);

/** The host name in the checkout's CNAME, which Pages serves the site at; undefined without one. */
async function readCustomDomain(clone: string): Promise<string | undefined> {
  const text = await readFile(join(clone, 'CNAME'), 'utf8').catch(() => '');
  const host = text.trim().split(/\s+/)[0].toLowerCase();
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : undefined;
}

/** The github.io site of the repository a remote names (…/OWNER/REPO.git), ending with '/'. */
function githubIoSite(remote: string): string | undefined {
  const [owner, repository] = remote.replace(/(\.git)?\/*$/, '').split('/').slice(-2);
  if (!/^[a-z0-9-]+$/i.test(owner ?? '') || !/^[\w.-]+$/.test(repository ?? '')) return undefined;
  const host = `${owner.toLowerCase()}.github.io`;
  return repository.toLowerCase() === host ? `https://${host}/` : `https://${host}/${repository}/`;
}

/** A path as a sparse-checkout (gitignore) pattern that matches only itself. */
const sparsePattern = (path: string): string => path.replace(/[\\*?[\]!#\s]/g, '\\$&');

/** git fetch's message (LC_ALL=C) when the remote has no such branch. */
const MISSING_BRANCH = /couldn't find remote ref/;

/** A rejected update of the branch that a fresh fetch and a new attempt resolve. */
const LOST_RACE =
  /\[rejected\]|\[remote rejected\].*(cannot lock ref|failed to update ref|incorrect old value|reference already exists)/;

/** `https://github.com` for an HTTP(S) remote, so the token goes to that server only; undefined for file:// or ssh. */
function httpOrigin(remote: string): string | undefined {
  try {
    const url = new URL(remote);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function explain(result: Pick<GitResult, 'code' | 'stderr'>, refStatus?: string): string {
  const lines = `${result.stderr}\n${refStatus ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('hint:'));
  const text = lines.slice(-6).join(' / ') || `exit code ${result.code}`;
  if (/\b403\b|permission to .* denied/i.test(text)) {
    return `${text} (the workflow needs \`permissions: contents: write\` for the token to push)`;
  }
  if (/could not read username|authentication failed|\b401\b/i.test(text)) {
    return `${text} (the server refused the request without valid credentials: check the token input)`;
  }
  return text;
}

/** `static-ota: publish nodemcuv2 1.4.2, esp32dev 1.5.0-beta.2 (beta)` from the manifests in the commit. */
async function commitMessage(session: MirrorSession, changed: string[], folder: string): Promise<string> {
  const prefix = folder ? `${folder}/` : '';
  const published: string[] = [];
  for (const path of changed) {
    if (!path.startsWith(prefix) || !isManifestPath(path)) continue;
    const [board, channel] = path.slice(prefix.length).split('/').slice(0, -1);
    const bytes = await session.read(path.slice(prefix.length));
    if (!bytes || !board) continue;
    published.push(`${board} ${readVersionLine(bytes)}${channel ? ` (${channel})` : ''}`);
  }
  return published.length ? `static-ota: publish ${published.join(', ')}` : 'static-ota: update mirror';
}
