// The one small interface every mirror target implements. Paths are relative
// to the mirror root (`nodemcuv2/latest.txt`), always with forward slashes.

/** HTTP metadata a target applies where it can (S3 object headers; Pages and directories ignore them). */
export interface ObjectHeaders {
  contentType: string;
  cacheControl: string;
}

export const IMAGE_HEADERS: ObjectHeaders = {
  contentType: 'application/octet-stream',
  cacheControl: 'public, max-age=31536000, immutable',
};

export const MANIFEST_HEADERS: ObjectHeaders = {
  contentType: 'text/plain; charset=utf-8',
  cacheControl: 'no-cache',
};

/** An image path in the mirror compared with the local file meant for it. */
export type ImageState = 'missing' | 'same' | 'different';

/** What one publish attempt sees and changes. */
export interface MirrorSession {
  /**
   * The object's bytes, or undefined when it does not exist. For manifests, and for the few base images of delta
   * patches (release/patches.ts): each target fetches just that object (a directory's file, Pages' blob by object
   * id after `prefetch`, one S3 GET of at most 16 MiB).
   */
  read(path: string): Promise<Buffer | undefined>;
  /** Whether the mirror holds `path`, with the bytes of `localFile` (SHA-256 `sha256`), without holding either in memory. */
  compareImage(path: string, localFile: string, sha256: string): Promise<ImageState>;
  /**
   * Says which objects `read` will be asked for next, so a target that fetches on demand (Pages' partial clone)
   * fetches the missing ones in one request instead of one each. Optional: other targets read as they go.
   */
  prefetch?(paths: readonly string[]): Promise<void>;
  /**
   * Whether the object at `path` is exactly `text`, told without fetching it (Pages compares git object ids).
   * Optional: without it, callers `read` and compare.
   */
  holds?(path: string, text: string): Promise<boolean>;
  /** Paths of the objects directly inside `folder` (not recursive). */
  list(folder: string): Promise<string[]>;
  /** Paths of the folders directly inside `folder` ('' for the root): boards and channels, for the release page. */
  folders(folder: string): Promise<string[]>;
  /**
   * Writes a new immutable image from a local file; `sha256`, when the caller knows it (the signed manifest declares
   * it), spares a target that must send the payload's hash (S3 over plain http) another read of the file.
   */
  writeImage(path: string, localFile: string, sha256?: string): Promise<void>;
  /**
   * Writes a manifest, conditionally: `previous` is what `read` returned for
   * the path in this session. Throws ConflictError when the object changed
   * since, so a concurrent publisher is never silently overwritten. The
   * release page's files are written the same way, with their own `headers`.
   */
  writeManifest(path: string, text: string, previous: Buffer | undefined, headers?: ObjectHeaders): Promise<void>;
  remove(path: string): Promise<void>;
}

export interface MirrorTarget {
  /** For messages: `directory public`, `s3://bucket/prefix`, ... */
  readonly description: string;
  /**
   * True when the transaction's writes show all at once at its end (Pages' push); otherwise each write is live
   * as soon as it returns (a directory, S3), and a failure after latest.txt says what is live.
   */
  readonly commitsAtEnd?: boolean;
  /**
   * Runs `work` against the mirror and makes its changes visible. When another
   * publisher got there first (ConflictError), the target refreshes its view
   * and runs `work` again, a bounded number of times. `reads` lists the paths
   * `work` will `read`, so a target can fetch just those, all at once.
   */
  transaction<T>(work: (session: MirrorSession) => Promise<T>, reads?: readonly string[]): Promise<T>;
  /**
   * Where a browser finds `path` (relative to the mirror root), as far as the target can tell after a transaction;
   * undefined when it cannot.
   */
  publicUrl?(path: string): string | undefined;
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export const MAX_CONFLICT_RETRIES = 5;

/** Equal contents, where undefined (no object) equals only undefined. */
export const sameBytes = (a: Buffer | undefined, b: Buffer | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.equals(b);

/** Runs `attempt` again after each ConflictError, up to MAX_CONFLICT_RETRIES times. */
export async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || retry >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}
