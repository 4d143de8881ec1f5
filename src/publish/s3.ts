// S3-compatible mirror (AWS S3, Cloudflare R2, Backblaze B2, MinIO, ...) through
// @aws-sdk/client-s3. New objects are written conditionally where the server
// honours If-Match / If-None-Match; where it ignores them (s3rver, older
// self-hosted servers) latest.txt falls back to read-compare-write.
import { createHash, randomUUID } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable, type Writable } from 'node:stream';
import { hashFile } from '../crypto.js';
import { READ_CHUNK_BYTES } from '../image.js';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ObjectCannedACL,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import {
  ConflictError,
  IMAGE_HEADERS,
  MANIFEST_HEADERS,
  MirrorSession,
  MirrorTarget,
  ObjectHeaders,
  retryOnConflict,
  sameBytes,
} from './target.js';

export interface S3Config {
  bucket: string;
  prefix: string;
  /** Empty: us-east-1 (DEFAULT_S3_REGION); R2 uses auto. */
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  acl?: string;
  /** Longest silence from the server within one request (default 60 s); each retried attempt gets it again. */
  idleTimeoutMs?: number;
}

export const DEFAULT_S3_REGION = 'us-east-1';
/** Every request is tried up to this many times, with the SDK's standard exponential backoff and jitter, on throttling, 5xx and network errors. */
export const S3_MAX_ATTEMPTS = 5;
/** A server that accepts a connection and then says nothing must not hold the step until the job times out. */
export const S3_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_S3_IDLE_TIMEOUT_MS = 60_000;
/** Bounds the listing of one folder (1000 keys a page): a server that never stops paging must not hang the step. */
const MAX_LIST_PAGES = 1000;
/** Backoff before retrying a streamed upload: the SDK's standard strategy (full jitter, 100 ms doubling, at most 20 s). */
const RETRY_BASE_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 20_000;

/**
 * An upload body read from a file through two reused buffers, each refilled
 * only once the request has flushed it (its write callback), so memory stays
 * flat whatever the image size. (A file stream would hand out a new buffer per
 * read, which the garbage collector frees late: tens of MiB for a large image.)
 * The SDK sends a Readable body with `pipe`, which is therefore the way it is read.
 */
class FileBody extends Readable {
  constructor(private readonly path: string) {
    super();
  }

  override _read(): void {
    this.destroy(new Error('an upload body is sent with pipe() only'));
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T): T {
    const request = destination as unknown as Writable;
    // A failed read fails the request; a request ended by the server (an early error answer) just stops the reading.
    this.send(request).catch((error: Error) => request.destroy(error));
    return destination;
  }

  private async send(request: Writable): Promise<void> {
    const file = await open(this.path, 'r');
    try {
      const buffers = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
      const flushed: Array<Promise<Error | null | undefined>> = [Promise.resolve(undefined), Promise.resolve(undefined)];
      for (let index = 0; ; index ^= 1) {
        if ((await flushed[index]) || request.destroyed) return;
        const { bytesRead } = await file.read(buffers[index], 0, READ_CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        if (request.destroyed) return;
        const chunk = buffers[index].subarray(0, bytesRead);
        flushed[index] = new Promise((resolveWrite) => request.write(chunk, resolveWrite));
      }
      if ((await Promise.all(flushed)).some(Boolean) || request.destroyed) return;
      request.end();
    } finally {
      await file.close();
    }
  }
}

const ignore = (): void => undefined;
/**
 * Silent, as the SDK's default logger is. Given explicitly because with its default the SDK writes a warning to
 * the console on every failed attempt of a streamed upload, which putImage retries and reports itself.
 */
const SDK_LOGGER = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

export class S3TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3TargetError';
  }
}

interface StoredObject {
  bytes: Buffer | undefined;
  etag: string | undefined;
}

type Precondition = Pick<PutObjectCommandInput, 'IfMatch' | 'IfNoneMatch'>;

const ACLS: readonly string[] = Object.values(ObjectCannedACL);

const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/** 412: the object changed since it was read (or exists, for If-None-Match: *); 409: a concurrent conditional write is in progress. */
const isPreconditionRefusal = (error: unknown): boolean => statusOf(error) === 412 || statusOf(error) === 409;

/** Worth another attempt, as the SDK's standard retry strategy judges: a network error, throttling or a 5xx. */
function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  const { $retryable } = error as { $retryable?: unknown };
  return status === undefined || status === 429 || status >= 500 || Boolean($retryable);
}

/** The SDK's error in one line: code, message, HTTP status, attempts. Never the request (it carries the signature). */
function describeFailure(error: unknown, attempts?: number): string {
  if (!(error instanceof Error)) return String(error);
  const { $metadata } = error as { $metadata?: { httpStatusCode?: number; attempts?: number } };
  const status = $metadata?.httpStatusCode;
  const code = error.name && error.name !== 'Error' && !error.message.includes(error.name) ? `${error.name}: ` : '';
  // The SDK wraps network errors (ECONNREFUSED, timeouts) in a message of its own.
  let text = `${code}${error.message.replace(/^AWS SDK error wrapper for /, '') || 'no message'}`;
  if (status) text += ` (HTTP ${status})`;
  const tried = attempts ?? $metadata?.attempts;
  if (tried && tried > 1) text += ` after ${tried} attempts`;
  if (status === 403) text += '; check the credentials and that they may read, write, list and delete in the bucket';
  if (/could not load credentials/i.test(error.message)) {
    text += '; set s3-access-key-id and s3-secret-access-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  return text;
}

export class S3Target implements MirrorTarget {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** '' or ending with '/'. */
  private readonly prefix: string;
  private readonly acl: ObjectCannedACL | undefined;
  private conditionalWrites: Promise<boolean> | undefined;

  constructor(config: S3Config) {
    if (!config.bucket) throw new S3TargetError('the s3 target needs s3-bucket');
    if (config.acl && !ACLS.includes(config.acl)) {
      throw new S3TargetError(`s3-acl ${JSON.stringify(config.acl)} is not a canned ACL; expected one of ${ACLS.join(', ')}`);
    }
    if (Boolean(config.accessKeyId) !== Boolean(config.secretAccessKey)) {
      throw new S3TargetError('give both s3-access-key-id and s3-secret-access-key, or neither (then AWS_* environment variables are used)');
    }
    this.bucket = config.bucket;
    const prefix = config.prefix.replace(/^\/+|\/+$/g, '');
    this.prefix = prefix ? `${prefix}/` : '';
    this.acl = config.acl ? (config.acl as ObjectCannedACL) : undefined;
    this.description = `s3://${this.bucket}/${this.prefix}`;
    this.client = new S3Client({
      region: config.region || DEFAULT_S3_REGION,
      endpoint: config.endpoint || undefined,
      forcePathStyle: config.forcePathStyle,
      // Undefined: the SDK's default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, profiles, roles).
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, sessionToken: config.sessionToken || undefined }
          : undefined,
      // The SDK's default CRC32 checksum headers are rejected or mishandled by R2, B2 and older MinIO.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: S3_MAX_ATTEMPTS,
      logger: SDK_LOGGER,
      // socketTimeout ends a request after that long without any byte; the SDK's requestTimeout would only warn.
      requestHandler: {
        connectionTimeout: S3_CONNECT_TIMEOUT_MS,
        socketTimeout: config.idleTimeoutMs ?? DEFAULT_S3_IDLE_TIMEOUT_MS,
      },
    });
  }

  transaction<T>(work: (session: MirrorSession) => Promise<T>): Promise<T> {
    return retryOnConflict(() => work(this.session()));
  }

  private session(): MirrorSession {
    /** What `read` saw in this attempt, with its ETag for If-Match. */
    const seen = new Map<string, StoredObject>();
    return {
      read: async (path) => {
        const stored = await this.get(path);
        seen.set(path, stored);
        return stored.bytes;
      },
      list: (folder) => this.list(folder),
      compareImage: async (path, _localFile, sha256) => {
        const stored = await this.hashObject(path);
        if (stored === undefined) return 'missing';
        return stored === sha256 ? 'same' : 'different';
      },
      folders: (folder) => this.list(folder, 'folders'),
      writeImage: (path, localFile) => this.putImage(path, localFile),
      writeManifest: async (path, text, previous, headers = MANIFEST_HEADERS) => {
        const body = Buffer.from(text, 'latin1');
        let known = seen.get(path);
        if (!known || !sameBytes(known.bytes, previous)) known = await this.get(path);
        if (!sameBytes(known.bytes, previous)) throw new ConflictError(`${this.url(path)} changed while publishing`);
        if ((known.bytes === undefined || known.etag) && (await this.honoursConditionalWrites())) {
          const precondition = known.bytes === undefined ? { IfNoneMatch: '*' } : { IfMatch: known.etag };
          return this.putConditionally(path, body, headers, precondition);
        }
        // Read-compare-write: a concurrent publisher can still slip in between this read and the write
        // (documented in docs/mirrors.md, with `concurrency:` as the fix).
        if (!sameBytes((await this.get(path)).bytes, previous)) throw new ConflictError(`${this.url(path)} changed while publishing`);
        await this.put(path, body, headers);
      },
      remove: async (path) => {
        try {
          await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
        } catch (error) {
          throw this.failure('DELETE', path, error);
        }
      },
    };
  }

  private key(path: string): string {
    return `${this.prefix}${path}`;
  }

  private url(path: string): string {
    return `s3://${this.bucket}/${this.key(path)}`;
  }

  private failure(operation: string, path: string, error: unknown, attempts?: number): S3TargetError {
    return new S3TargetError(`${operation} ${this.url(path)} failed: ${describeFailure(error, attempts)}`);
  }

  private async get(path: string): Promise<StoredObject> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
      return { bytes, etag: response.ETag };
    } catch (error) {
      if (statusOf(error) === 404 || (error as Error).name === 'NoSuchKey') return { bytes: undefined, etag: undefined };
      throw this.failure('GET', path, error);
    }
  }

  /** SHA-256 of a stored object, streamed (never held whole), or undefined when there is none. */
  private async hashObject(path: string): Promise<string | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      const hash = createHash('sha256');
      for await (const chunk of response.Body as Readable) hash.update(chunk as Buffer);
      return hash.digest('hex');
    } catch (error) {
      if (statusOf(error) === 404 || (error as Error).name === 'NoSuchKey') return undefined;
      throw this.failure('GET', path, error);
    }
  }

  /** Objects directly inside `folder`, or with `folders` its sub-folders (the listing's CommonPrefixes, without the final '/'). */
  private async list(folder: string, kind: 'objects' | 'folders' = 'objects'): Promise<string[]> {
    const paths: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      let response;
      try {
        response = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key(folder ? `${folder}/` : ''), Delimiter: '/', ContinuationToken: token }),
        );
      } catch (error) {
        throw this.failure('LIST', folder ? `${folder}/` : '', error);
      }
      const keys = kind === 'objects' ? (response.Contents ?? []).map((object) => object.Key) : (response.CommonPrefixes ?? []).map((common) => common.Prefix?.replace(/\/$/, ''));
      for (const key of keys) {
        if (key?.startsWith(this.prefix)) paths.push(key.slice(this.prefix.length));
      }
      token = response.IsTruncated ? response.NextContinuationToken : undefined;
      if (!token) return paths;
    }
    throw new S3TargetError(`LIST ${this.url(folder)} did not end after ${MAX_LIST_PAGES} pages`);
  }

  private async send(path: string, body: Buffer | Readable, headers: ObjectHeaders, precondition: Precondition = {}, length?: number): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(path),
        Body: body,
        ContentLength: length,
        ContentType: headers.contentType,
        CacheControl: headers.cacheControl,
        ACL: this.acl,
        ...precondition,
      }),
    );
  }

  private async put(path: string, body: Buffer, headers: ObjectHeaders): Promise<void> {
    try {
      await this.send(path, body, headers);
    } catch (error) {
      throw this.failure('PUT', path, error);
    }
  }

  /**
   * Streams the image from its file with its Content-Length, so memory does not grow with its size. It is created
   * where it must not exist yet (If-None-Match: *), so two publishers never overwrite each other's image. The SDK
   * does not retry a streamed body, so each attempt here reads the file again.
   */
  private async putImage(path: string, localFile: string): Promise<void> {
    const { size } = await stat(localFile);
    const precondition: Precondition = (await this.honoursConditionalWrites()) ? { IfNoneMatch: '*' } : {};
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(path, new FileBody(localFile), IMAGE_HEADERS, precondition, size);
      } catch (error) {
        if (precondition.IfNoneMatch && isPreconditionRefusal(error)) {
          // The same bytes are there (an attempt that landed before its answer was lost, or an identical publish): done.
          if ((await this.hashObject(path)) === (await hashFile(localFile)).sha256) return;
          throw new ConflictError(`${this.url(path)} was changed by another publisher`);
        }
        if (attempt >= S3_MAX_ATTEMPTS || !isTransient(error)) throw this.failure('PUT', path, error, attempt);
        await sleep(Math.random() * Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt));
      }
    }
  }

  private async putConditionally(path: string, body: Buffer, headers: ObjectHeaders, precondition: Precondition): Promise<void> {
    try {
      await this.send(path, body, headers, precondition);
    } catch (error) {
      if (!isPreconditionRefusal(error)) throw this.failure('PUT', path, error);
      // The same bytes are there (a retried request whose first attempt landed, or an identical publish): done.
      if (sameBytes((await this.get(path)).bytes, body)) return;
      throw new ConflictError(`${this.url(path)} was changed by another publisher`);
    }
  }

  /** Asked once per target; servers that do not know the headers ignore them silently, so a probe finds out. */
  private honoursConditionalWrites(): Promise<boolean> {
    this.conditionalWrites ??= this.probeConditionalWrites().catch((error: unknown) => {
      this.conditionalWrites = undefined;
      throw error;
    });
    return this.conditionalWrites;
  }

  /**
   * Writes an empty probe object under the prefix with an If-Match that cannot
   * match. A server that honours conditions refuses it (412, or 404 as there is
   * no such object); one that ignores them stores it, and the probe is deleted.
   */
  private async probeConditionalWrites(): Promise<boolean> {
    const probe = `.static-ota-probe-${randomUUID()}`;
    try {
      await this.send(probe, Buffer.alloc(0), MANIFEST_HEADERS, { IfMatch: `"${'0'.repeat(32)}"` });
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return true;
      if (status === 501) return false;
      throw this.failure('PUT (conditional-write probe)', probe, error);
    }
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(probe) }));
    } catch (error) {
      throw this.failure('DELETE (conditional-write probe)', probe, error);
    }
    return false;
  }
}
