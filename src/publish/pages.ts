// GitHub Pages mirror: commits the mirror into a branch (default gh-pages) of a
// temporary shallow clone with the git CLI, then pushes without force. A push
// rejected because another run got there first is a ConflictError, so
// retryOnConflict runs the publish again (guards included) on the branch as it
// now is.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVersionLine } from '../manifest.js';
import { DirectoryTarget } from './directory.js';
import { ConflictError, MirrorSession, MirrorTarget, retryOnConflict } from './target.js';
import type { PagesConfig } from './targets.js';

const COMMITTER_NAME = 'github-actions[bot]';
const COMMITTER_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';
/** Generous for a clone or push of a mirror of images of at most a few MB each; a hung remote must not hang the step. */
const GIT_TIMEOUT_MS = 10 * 60 * 1000;
/** Settings for every git command: LF bytes exactly as written (Windows runners default autocrlf on), symlinks in the branch never followed out of the clone, no signing prompts. */
const GIT_SETTINGS = ['core.autocrlf=false', 'core.symlinks=false', 'commit.gpgsign=false', `user.name=${COMMITTER_NAME}`, `user.email=${COMMITTER_EMAIL}`];

export class PagesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PagesError';
  }
}

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

function normalizeFolder(folder: string): string {
  const segments = folder.split('/').filter((segment) => segment !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || segment === '.git' || segment.includes('\\')) {
      throw new PagesError(`pages-folder ${JSON.stringify(folder)} must be a plain relative folder, like ota or firmware/ota`);
    }
  }
  return segments.join('/');
}

export class PagesTarget implements MirrorTarget {
  readonly description: string;
  private readonly branch: string;
  private readonly folder: string;
  private readonly remote: string;
  private readonly environment: NodeJS.ProcessEnv;

  constructor(config: PagesConfig) {
    if (!config.remoteUrl || config.remoteUrl.startsWith('-')) throw new PagesError('the github-pages target needs a git remote URL');
    if (!config.branch || config.branch.startsWith('-')) throw new PagesError(`pages-branch ${JSON.stringify(config.branch)} is not a branch name`);
    this.branch = config.branch;
    this.folder = normalizeFolder(config.folder);
    this.remote = config.remoteUrl;
    const remoteForMessages = withoutCredentials(config.remoteUrl);
    this.description = `branch ${this.branch}${this.folder ? `, folder ${this.folder},` : ''} of ${remoteForMessages}`;
    this.environment = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
    const origin = httpOrigin(config.remoteUrl);
    if (config.token && origin) {
      // Same effect as `git -c http.<origin>/.extraheader=...` (how actions/checkout authenticates), but through
      // git's GIT_CONFIG_* environment: an argument would be readable by every process on the runner.
      const basic = Buffer.from(`x-access-token:${config.token}`).toString('base64');
      Object.assign(this.environment, {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: `http.${origin}/.extraheader`,
        GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
      });
    }
  }

  transaction<T>(work: (session: MirrorSession) => Promise<T>): Promise<T> {
    return retryOnConflict(() => this.attempt(work));
  }

  /** One clone, one run of `work`, one commit and one push; a lost race throws ConflictError. */
  private async attempt<T>(work: (session: MirrorSession) => Promise<T>): Promise<T> {
    const clone = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'static-ota-pages-'));
    try {
      await this.checkOut(clone);
      const mirror = new DirectoryTarget(join(clone, ...this.folder.split('/')));
      // The clone is private to this attempt: conflicts come from the push, and retryOnConflict above handles them.
      const result = await work(mirror.session());
      await this.git(clone, ['add', '--all', '--', '.']);
      const staged = await this.git(clone, ['diff', '--cached', '--name-only', '-z']);
      if (staged.stdout === '') return result;
      const changed = staged.stdout.split('\0').filter(Boolean);
      await this.git(clone, ['commit', '--quiet', '--no-verify', '-m', await commitMessage(clone, changed, this.folder)]);
      await this.push(clone);
      return result;
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  }

  /** The branch's newest commit (depth 1), or a new orphan branch holding `.nojekyll`. */
  private async checkOut(clone: string): Promise<void> {
    await this.git(clone, ['check-ref-format', `refs/heads/${this.branch}`], `pages-branch ${JSON.stringify(this.branch)} is not a valid branch name`);
    await this.git(clone, ['init', '--quiet', `--initial-branch=${this.branch}`]);
    await this.git(clone, ['remote', 'add', 'origin', this.remote]);
    const listed = await this.git(clone, ['ls-remote', '--exit-code', 'origin', `refs/heads/${this.branch}`], undefined, [2]);
    if (listed.code === 0) {
      await this.git(clone, ['fetch', '--quiet', '--depth', '1', '--no-tags', 'origin', `refs/heads/${this.branch}`]);
      await this.git(clone, ['reset', '--quiet', '--hard', 'FETCH_HEAD']);
    } else {
      // Without it Pages runs Jekyll, which drops files and folders starting with `_` (valid board names).
      await writeFile(join(clone, '.nojekyll'), '');
    }
  }

  private async push(clone: string): Promise<void> {
    const pushed = await this.git(clone, ['push', '--porcelain', '--no-verify', 'origin', `HEAD:refs/heads/${this.branch}`], undefined, [1]);
    if (pushed.code === 0) return;
    const refStatus = pushed.stdout.split('\n').find((line) => line.startsWith('!'));
    if (refStatus && LOST_RACE.test(refStatus)) {
      throw new ConflictError(`another publish updated ${this.branch} first (${refStatus.split('\t').pop()})`);
    }
    throw new PagesError(`git push to ${this.description} failed: ${explain(pushed, refStatus)}`);
  }

  /** Runs git without a shell; a non-zero exit (other than `allowedCodes`) becomes a PagesError without secrets. */
  private git(cwd: string, args: string[], failure?: string, allowedCodes: number[] = []): Promise<GitResult> {
    const settings = GIT_SETTINGS.flatMap((setting) => ['-c', setting]);
    return new Promise((resolvePromise, reject) => {
      execFile(
        'git',
        [...settings, ...args],
        { cwd, env: this.environment, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          const result = { code, stdout, stderr };
          if (code === 0 || allowedCodes.includes(code)) return resolvePromise(result);
          const reason = error?.killed ? `timed out after ${GIT_TIMEOUT_MS / 1000} s` : explain(result);
          reject(new PagesError(failure ?? `git ${args[0]} for ${this.description} failed: ${reason}`));
        },
      );
    });
  }
}

/** A rejected update of the branch that a fresh fetch and a new attempt resolve. */
const LOST_RACE = /\[rejected\]|\[remote rejected\].*(cannot lock ref|failed to update ref|incorrect old value|reference already exists)/;

/** `https://github.com` for an HTTP(S) remote, so the token goes to that server only; undefined for file:// or ssh. */
function httpOrigin(remote: string): string | undefined {
  try {
    const url = new URL(remote);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function explain(result: GitResult, refStatus?: string): string {
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
async function commitMessage(clone: string, changed: string[], folder: string): Promise<string> {
  const prefix = folder ? `${folder}/` : '';
  const published: string[] = [];
  for (const path of changed) {
    if (!path.startsWith(prefix) || !path.endsWith('/latest.txt')) continue;
    const [board, channel] = path.slice(prefix.length).split('/').slice(0, -1);
    const bytes = await readFile(join(clone, ...path.split('/'))).catch(() => undefined);
    if (!bytes || !board) continue;
    published.push(`${board} ${readVersionLine(bytes)}${channel ? ` (${channel})` : ''}`);
  }
  return published.length ? `static-ota: publish ${published.join(', ')}` : 'static-ota: update mirror';
}
