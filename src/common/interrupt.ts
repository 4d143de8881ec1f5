// What a command stopped by SIGINT or SIGTERM (Ctrl-C, a cancelled workflow
// run) must not leave behind: its temporary files and folders, which it
// removes, and silence about what already went live, which it reports.
import { rmSync } from 'node:fs';

const temporaries = new Set<string>();
const liveNotes = new Set<() => string | undefined>();

/** Registers a temporary file or folder to remove if the process is stopped; returns the function that forgets it. */
export function holdTemporary(path: string): () => void {
  temporaries.add(path);
  return () => void temporaries.delete(path);
}

/**
 * Registers what the command has made live so far, said if the process is
 * stopped before it finishes (undefined: nothing yet); returns the function that forgets it.
 */
export function noteLive(describe: () => string | undefined): () => void {
  liveNotes.add(describe);
  return () => void liveNotes.delete(describe);
}

/** Synchronously: a signal handler that awaited would let the work go on meanwhile. */
function removeTemporaries(): string[] {
  const failed = [];
  for (const path of temporaries) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch (error) {
      failed.push(`${path} (${(error as Error).message})`);
    }
  }
  temporaries.clear();
  return failed;
}

/**
 * Runs `work` with SIGINT and SIGTERM handled: on either, removes every held
 * temporary, writes what is live, then ends the process by that same signal,
 * so that its parent (a shell, the runner) sees it was stopped.
 */
export async function stoppable<T>(work: () => Promise<T>, write: (text: string) => void): Promise<T> {
  const stop = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    const failed = removeTemporaries();
    const live = [...liveNotes].map((describe) => describe()).filter((note) => note !== undefined);
    write(
      `static-ota: stopped by ${signal}; ` +
        (failed.length ? `could not remove ${failed.join(', ')}` : 'its temporary files are removed') +
        (live.length ? `. ${live.join(' ')}\n` : '.\n'),
    );
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
