// What a mirror offers now, for `static-ota fleet --mirror`: the release page's
// index.json (src/site/page.ts writes it at the mirror root after every
// publish), read from a directory or over HTTP(S). Only the fields the fleet
// report marks are taken: board, channel, version and rollout share.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../common/input-error.js';

export interface MirrorRollout {
  board: string;
  channel: string;
  version: string;
  /** Percentage of devices offered the version (100 without a staged rollout). */
  rollout: number;
}

/** index.json lists every release folder; a few hundred bytes each. */
const MAX_INDEX_BYTES = 8 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 20_000;

async function readIndex(mirror: string): Promise<string> {
  if (!/^https?:\/\//i.test(mirror)) {
    const path = join(mirror, 'index.json');
    return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new InputError(
        `--mirror ${mirror}: cannot read ${path} (${error.code ?? error.message}); it is the release page's index, written by publish`,
      );
    });
  }
  const url = `${mirror.replace(/\/+$/, '')}/index.json`;
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch((error: Error) => {
    throw new InputError(`--mirror: cannot fetch ${url}: ${error.message}`);
  });
  if (!response.ok) throw new InputError(`--mirror: ${url} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_INDEX_BYTES) throw new InputError(`--mirror: ${url} is larger than ${MAX_INDEX_BYTES} bytes`);
  return text;
}

/** The current release of every board and channel on the mirror. */
export async function mirrorRollouts(mirror: string): Promise<MirrorRollout[]> {
  const text = await readIndex(mirror);
  let releases: unknown;
  try {
    releases = (JSON.parse(text) as { releases?: unknown }).releases;
  } catch (error) {
    throw new InputError(`--mirror ${mirror}: index.json is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(releases)) throw new InputError(`--mirror ${mirror}: index.json has no releases list`);
  return releases.flatMap((release: Record<string, unknown>) => {
    const { board, channel, version, rollout } = release ?? {};
    if (typeof board !== 'string' || typeof channel !== 'string' || typeof version !== 'string') return [];
    const share = rollout === undefined ? 100 : Number(rollout);
    return Number.isFinite(share) && share >= 0 && share <= 100 ? [{ board, channel, version, rollout: share }] : [];
  });
}
