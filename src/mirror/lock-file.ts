// A lock file created exclusively (O_EXCL), held by the directory target while
// it compares a manifest with what it read and renames the new one in place:
// two processes writing one mirror never interleave those two steps.
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { holdTemporary } from '../common/interrupt.js';

/** A lock this old is left over: the step it guards takes milliseconds, so its holder died or hangs. */
export const LOCK_STALE_MS = 30_000;
/** Longer than LOCK_STALE_MS, so a lock left by a holder on another host is broken before a waiter gives up. */
const LOCK_WAIT_MS = 60_000;
const MAX_PAUSE_MS = 100;

interface Holder {
  pid: number;
  host: string;
  since: number;
}

/** Whether no process `pid` runs on this host (one of another user still counts as running). */
export function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The lock as found: its text (compared to tell one holder from the next), who holds it, and its age. */
interface Found {
  text: string;
  holder?: Holder;
  ageMs: number;
}

async function readLock(path: string): Promise<Found | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, holder: parseHolder(text), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Undefined for a lock being created (still empty) or not ours to read. */
function parseHolder(text: string): Holder | undefined {
  try {
    const { pid, host, since } = JSON.parse(text) as Partial<Holder>;
    const valid = Number.isSafeInteger(pid) && (pid as number) > 0 && typeof host === 'string';
    return valid && typeof since === 'number' ? { pid: pid as number, host, since } : undefined;
  } catch {
    return undefined;
  }
}

/** Stale: older than LOCK_STALE_MS, or its holder's process is gone from this host. */
const isStale = ({ holder, ageMs }: Found): boolean =>
  ageMs > LOCK_STALE_MS || (holder !== undefined && holder.host === hostname() && processIsGone(holder.pid));

/**
 * Moves the stale lock aside under a name of our own, then checks it is the
 * one judged stale: another waiter may have broken it and a new holder taken
 * the name in between, and that holder's lock goes back.
 */
async function breakStale(path: string, stale: Found): Promise<void> {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if ((await readFile(aside, 'utf8')) !== stale.text) await link(aside, path).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

async function create(path: string, text: string): Promise<boolean> {
  try {
    await writeFile(path, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function heldMessage(path: string, found: Found): string {
  const who = found.holder
    ? `pid ${found.holder.pid} on ${found.holder.host} since ${new Date(found.holder.since).toISOString()}`
    : 'another writer';
  return `${path} is held by ${who}: waited ${LOCK_WAIT_MS / 1000} s. If no static-ota command is writing this mirror, remove the file`;
}

/** Runs `work` holding the lock file at `path`; waits (bounded) while another live writer holds it. */
export async function withLockFile<T>(path: string, work: () => Promise<T>): Promise<T> {
  const text = JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now(), token: randomUUID() });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let pause = 2; !(await create(path, text)); pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    const found = await readLock(path);
    if (found === undefined) continue;
    if (isStale(found)) await breakStale(path, found);
    else if (Date.now() > deadline) throw new Error(heldMessage(path, found));
    else await sleep(pause);
  }
  const forget = holdTemporary(path);
  try {
    return await work();
  } finally {
    forget();
    // Ours unless it was judged stale and broken meanwhile.
    if ((await readLock(path))?.text === text) await rm(path, { force: true });
  }
}
