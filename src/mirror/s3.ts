// S3-compatible mirror (AWS S3, Cloudflare R2, Backblaze B2, MinIO, ...) over
// node:http/node:https, each request signed with AWS Signature Version 4
// (./sigv4.ts). Not the AWS SDK: it cost a publish about 17 MiB of memory and
// its start-up (docs/mirrors.md, "S3"). New objects are written conditionally where the
// server honours If-Match / If-None-Match; where it ignores them (s3rver,
// older self-hosted servers) latest.txt falls back to read-compare-write.
import { createHash, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashFile } from '../protocol/crypto.js';
import { readChunks } from '../common/read-chunks.js';
import type { S3Config } from '../settings/target.js';
import { canonicalQuery, encodeKey, sha256Hex, signRequest, type Credentials } from './sigv4.js';
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

export const DEFAULT_S3_REGION = 'us-east-1';
/** Every request is tried up to this many times, with exponential backoff and full jitter, on throttling, 5xx and network errors. */
export const S3_MAX_ATTEMPTS = 5;
/** A server that accepts a connection and then says nothing must not hold the step until the job times out. */
export const S3_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_S3_IDLE_TIMEOUT_MS = 60_000;
/** Bounds the listing of one folder (1000 keys a page): a server that never stops paging must not hang the step. */
const MAX_LIST_PAGES = 1000;
/** Backoff before a retry (as the AWS SDK's standard strategy): full jitter, 100 ms doubling, at most 20 s. */
const RETRY_BASE_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 20_000;
/** Largest answer read into memory: a manifest, index.json, a listing page or an error document. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Error codes S3 sends with a 400 or 403 that still mean "try again", as the SDK's retry strategy counts them. */
const TRANSIENT_CODES = new Set([
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequestsException',
]);

/** A refused request (an HTTP status and S3's error code) or a network failure (no status), after its last attempt. */
class S3RequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    public attempts = 1,
  ) {
    super(message);
  }
}

interface StoredObject {
  bytes: Buffer | undefined;
  etag: string | undefined;
}

interface Precondition {
  ifMatch?: string;
  ifNoneMatch?: string;
}

/** A file sent as the body, read again for each attempt; with its SHA-256 when known. */
interface FileBody {
  file: string;
  size: number;
  sha256?: string;
}

interface S3Request {
  method: 'GET' | 'PUT' | 'DELETE';
  /** Without the bucket; undefined for the bucket itself (a listing). */
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | FileBody;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) =>
    name[0] === '#'
      ? String.fromCodePoint(Number(name[1].toLowerCase() === 'x' ? `0${name.slice(1)}` : name.slice(1)))
      : (XML_ENTITIES[name] ?? entity),
  );
/** The text of each `<tag>` element in `xml`. */
const elements = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1]);
const element = (xml: string, tag: string): string | undefined => elements(xml, tag)[0];

/** 412: the object changed since it was read (or exists, for If-None-Match: *); 409: a concurrent conditional write is in progress. */
const isPreconditionRefusal = (error: unknown): boolean =>
  error instanceof S3RequestError && (error.status === 412 || error.status === 409);

/** Worth another attempt: a network error, throttling or a 5xx. */
const isTransient = (error: S3RequestError): boolean =>
  error.status === undefined || error.status === 429 || error.status >= 500 || TRANSIENT_CODES.has(error.code ?? '');

/** The failure in one line: S3's code and message, HTTP status, attempts. Never the request (it carries the signature). */
function describeFailure(error: unknown): string {
  if (!(error instanceof S3RequestError)) return error instanceof Error ? error.message : String(error);
  let text = error.message || 'no message';
  if (error.code && !text.includes(error.code)) text = `${error.code}: ${text}`;
  if (error.status) text += ` (HTTP ${error.status})`;
  if (error.attempts > 1) text += ` after ${error.attempts} attempts`;
  if (error.status === 403)
    text += '; check the credentials and that they may read, write, list and delete in the bucket';
  return text;
}

/** DNS-safe bucket names can be addressed virtual-hosted; others (dots break the TLS wildcard) only path-style, as the SDK does. */
const VIRTUAL_HOST_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export class S3Target implements MirrorTarget {
  readonly description: string;
  private readonly bucket: string;
  /** '' or ending with '/'. */
  private readonly prefix: string;
  private readonly acl: string | undefined;
  private readonly region: string;
  private readonly credentials: Credentials;
  /** The bucket's base URL, ending with '/'; a key is appended encoded. */
  private readonly base: URL;
  private readonly idleTimeoutMs: number;
  private conditionalWrites: Promise<boolean> | undefined;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    const prefix = config.prefix.replace(/^\/+|\/+$/g, '');
    this.prefix = prefix ? `${prefix}/` : '';
    this.acl = config.acl || undefined;
    this.description = `s3://${this.bucket}/${this.prefix}`;
    this.region = config.region || process.env.AWS_REGION || DEFAULT_S3_REGION;
    this.credentials = {
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      sessionToken: config.sessionToken || undefined,
    };
    this.idleTimeoutMs = config.idleTimeoutMs ?? DEFAULT_S3_IDLE_TIMEOUT_MS;
    const endpoint = config.endpoint ?? new URL(`https://s3.${this.region}.amazonaws.com`);
    const basePath = endpoint.pathname.replace(/\/*$/, '/');
    if (config.forcePathStyle || !VIRTUAL_HOST_BUCKET.test(this.bucket)) {
      this.base = new URL(`${basePath}${encodeKey(this.bucket)}/`, endpoint);
    } else {
      this.base = new URL(`${endpoint.protocol}//${this.bucket}.${endpoint.host}${basePath}`);
    }
  }

  transaction<T>(work: (session: MirrorSession) => Promise<T>): Promise<T> {
    return retryOnConflict(() => work(this.session()));
  }

  /** The object's URL as this target addresses it (virtual-hosted or path style); public only with a policy or ACL. */
  publicUrl(path: string): string {
    return new URL(encodeKey(this.key(path)), this.base).href;
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
      // Over plain http the upload is signed with the manifest's SHA-256: a server that checks x-amz-content-sha256
      // refuses bytes that differ from what the manifest declares.
      writeImage: (path, localFile, sha256) => this.putImage(path, localFile, sha256),
      writeManifest: async (path, text, previous, headers = MANIFEST_HEADERS) => {
        const body = Buffer.from(text, 'latin1');
        let known = seen.get(path);
        if (!known || !sameBytes(known.bytes, previous)) known = await this.get(path);
        if (!sameBytes(known.bytes, previous)) throw new ConflictError(`${this.url(path)} changed while publishing`);
        if ((known.bytes === undefined || known.etag) && (await this.honoursConditionalWrites())) {
          const precondition = known.bytes === undefined ? { ifNoneMatch: '*' } : { ifMatch: known.etag };
          return this.putConditionally(path, body, headers, precondition);
        }
        // Read-compare-write: a concurrent publisher can still slip in between this read and the write
        // (documented in docs/mirrors.md, with `concurrency:` as the fix).
        if (!sameBytes((await this.get(path)).bytes, previous))
          throw new ConflictError(`${this.url(path)} changed while publishing`);
        await this.put(path, body, headers);
      },
      remove: async (path) => {
        try {
          await this.request({ method: 'DELETE', key: this.key(path) });
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

  private failure(operation: string, path: string, error: unknown): Error {
    return new Error(`${operation} ${this.url(path)} failed: ${describeFailure(error)}`, { cause: error });
  }

  /**
   * Sends one request, signed, retrying transient failures with backoff; a 2xx answer goes to `read`
   * (tried again with the request when the answer breaks off), any other becomes an S3RequestError.
   */
  private async request<T>(
    request: S3Request,
    read: (answer: IncomingMessage) => Promise<T> = drain as never,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request, read);
      } catch (error) {
        const failure =
          error instanceof S3RequestError
            ? error
            : new S3RequestError((error as Error).message, undefined, (error as NodeJS.ErrnoException).code);
        failure.attempts = attempt;
        if (attempt >= S3_MAX_ATTEMPTS || !isTransient(failure)) throw failure;
        await sleep(Math.random() * Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt));
      }
    }
  }

  private async attempt<T>(request: S3Request, read: (answer: IncomingMessage) => Promise<T>): Promise<T> {
    const url = new URL(request.key === undefined ? '' : encodeKey(request.key), this.base);
    const query = canonicalQuery(request.query ?? {});
    const headers: Record<string, string> = { host: url.host, ...request.headers };
    const { body } = request;
    if (body) headers['content-length'] = String(Buffer.isBuffer(body) ? body.length : body.size);
    const payloadHash = await this.payloadHash(body, url);
    Object.assign(
      headers,
      signRequest(
        { method: request.method, path: url.pathname, query, headers, payloadHash, region: this.region },
        this.credentials,
      ),
    );
    // Taken with getBuiltinModule, not imported: an ESM import of node:http evaluates every export, undici's WebSocket
    // among them (about 13 MiB); node:https (TLS, about 4 MiB more) only for an https endpoint.
    const send = process.getBuiltinModule(url.protocol === 'https:' ? 'node:https' : 'node:http').request;
    const outgoing = send({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      method: request.method,
      path: `${url.pathname}${query ? `?${query}` : ''}`,
      headers,
    });
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        outgoing.destroy();
        reject(error);
      };
      watchTimeouts(outgoing, this.idleTimeoutMs, fail);
      outgoing.on('error', fail);
      outgoing.on('response', (answer) => {
        answer.on('error', fail);
        const status = answer.statusCode ?? 0;
        const outcome =
          status >= 200 && status < 300
            ? read(answer)
            : readAll(answer).then((text) => {
                const xml = text.toString('utf8');
                const code = element(xml, 'Code');
                throw new S3RequestError(
                  decodeXml(element(xml, 'Message') ?? answer.statusMessage ?? ''),
                  status,
                  code && decodeXml(code),
                );
              });
        outcome.then(
          (value) => {
            settled = true;
            resolve(value);
          },
          (error: Error) => fail(error),
        );
      });
      if (body === undefined || Buffer.isBuffer(body)) outgoing.end(body);
      else sendFile(body.file, outgoing).catch(fail);
    });
  }

  /**
   * A small body is signed with its SHA-256. A streamed image goes as UNSIGNED-PAYLOAD over https (TLS keeps the
   * bytes intact, as the SDK does for S3; AWS, R2, B2 and MinIO accept it), but over plain http AWS requires the
   * payload's hash: the one the manifest declares, or (a flash part) the file is hashed first.
   */
  private async payloadHash(body: S3Request['body'], url: URL): Promise<string> {
    if (body === undefined || Buffer.isBuffer(body)) return sha256Hex(body ?? Buffer.alloc(0));
    if (url.protocol === 'https:') return 'UNSIGNED-PAYLOAD';
    return body.sha256 ?? (await hashFile(body.file)).sha256;
  }

  private async get(path: string): Promise<StoredObject> {
    try {
      return await this.request({ method: 'GET', key: this.key(path) }, async (answer) => ({
        bytes: await readAll(answer),
        etag: answer.headers.etag,
      }));
    } catch (error) {
      if (error instanceof S3RequestError && error.status === 404) return { bytes: undefined, etag: undefined };
      throw this.failure('GET', path, error);
    }
  }

  /** SHA-256 of a stored object, streamed (never held whole), or undefined when there is none. */
  private async hashObject(path: string): Promise<string | undefined> {
    try {
      return await this.request({ method: 'GET', key: this.key(path) }, async (answer) => {
        const hash = createHash('sha256');
        for await (const chunk of answer) hash.update(chunk as Buffer);
        return hash.digest('hex');
      });
    } catch (error) {
      if (error instanceof S3RequestError && error.status === 404) return undefined;
      throw this.failure('GET', path, error);
    }
  }

  /** Objects directly inside `folder`, or with `folders` its sub-folders (the listing's CommonPrefixes, without the final '/'). */
  private async list(folder: string, kind: 'objects' | 'folders' = 'objects'): Promise<string[]> {
    const paths: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const query: Record<string, string> = {
        'list-type': '2',
        prefix: this.key(folder ? `${folder}/` : ''),
        delimiter: '/',
      };
      if (token) query['continuation-token'] = token;
      let xml: string;
      try {
        xml = (await this.request({ method: 'GET', query }, readAll)).toString('utf8');
      } catch (error) {
        throw this.failure('LIST', folder ? `${folder}/` : '', error);
      }
      const keys =
        kind === 'objects'
          ? elements(xml, 'Contents').map((entry) => element(entry, 'Key'))
          : elements(xml, 'CommonPrefixes').map((entry) => element(entry, 'Prefix')?.replace(/\/$/, ''));
      for (const encoded of keys) {
        const key = encoded === undefined ? undefined : decodeXml(encoded);
        if (key?.startsWith(this.prefix)) paths.push(key.slice(this.prefix.length));
      }
      const next = element(xml, 'NextContinuationToken');
      token = element(xml, 'IsTruncated') === 'true' && next ? decodeXml(next) : undefined;
      if (!token) return paths;
    }
    throw new Error(`LIST ${this.url(folder)} did not end after ${MAX_LIST_PAGES} pages`);
  }

  /** PUT with the object's headers. No checksum headers are sent: R2, B2 and older MinIO rejected the SDK's CRC32 ones. */
  private send(
    path: string,
    body: Buffer | FileBody,
    headers: ObjectHeaders,
    precondition: Precondition = {},
  ): Promise<void> {
    const objectHeaders: Record<string, string> = {
      'content-type': headers.contentType,
      'cache-control': headers.cacheControl,
    };
    if (this.acl) objectHeaders['x-amz-acl'] = this.acl;
    if (precondition.ifMatch) objectHeaders['if-match'] = precondition.ifMatch;
    if (precondition.ifNoneMatch) objectHeaders['if-none-match'] = precondition.ifNoneMatch;
    return this.request({ method: 'PUT', key: this.key(path), headers: objectHeaders, body });
  }

  private async put(path: string, body: Buffer, headers: ObjectHeaders): Promise<void> {
    try {
      await this.send(path, body, headers);
    } catch (error) {
      throw this.failure('PUT', path, error);
    }
  }

  /**
   * Streams the image from its file with its Content-Length, so memory does not grow with its size (each attempt
   * reads the file again). It is created where it must not exist yet (If-None-Match: *), so two publishers never
   * overwrite each other's image.
   */
  private async putImage(path: string, localFile: string, sha256: string | undefined): Promise<void> {
    const { size } = await stat(localFile);
    const precondition: Precondition = (await this.honoursConditionalWrites()) ? { ifNoneMatch: '*' } : {};
    try {
      await this.send(path, { file: localFile, size, sha256 }, IMAGE_HEADERS, precondition);
    } catch (error) {
      if (!(precondition.ifNoneMatch && isPreconditionRefusal(error))) throw this.failure('PUT', path, error);
      // The same bytes are there (an attempt that landed before its answer was lost, or an identical publish): done.
      if ((await this.hashObject(path)) === (sha256 ?? (await hashFile(localFile)).sha256)) return;
      throw new ConflictError(`${this.url(path)} was changed by another publisher`);
    }
  }

  private async putConditionally(
    path: string,
    body: Buffer,
    headers: ObjectHeaders,
    precondition: Precondition,
  ): Promise<void> {
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
      await this.send(probe, Buffer.alloc(0), MANIFEST_HEADERS, { ifMatch: `"${'0'.repeat(32)}"` });
    } catch (error) {
      const status = error instanceof S3RequestError ? error.status : undefined;
      if (status === 412 || status === 404) return true;
      if (status === 501) return false;
      throw this.failure('PUT (conditional-write probe)', probe, error);
    }
    try {
      await this.request({ method: 'DELETE', key: this.key(probe) });
    } catch (error) {
      throw this.failure('DELETE (conditional-write probe)', probe, error);
    }
    return false;
  }
}

/** Reads a whole (small) answer. */
async function readAll(answer: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of answer) {
    length += (chunk as Buffer).length;
    if (length > MAX_RESPONSE_BYTES) throw new Error(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const drain = async (answer: IncomingMessage): Promise<void> => {
  for await (const _chunk of answer);
};

/** Fails the request when connecting takes longer than S3_CONNECT_TIMEOUT_MS, or when the socket stays silent for `idleMs`. */
function watchTimeouts(outgoing: ClientRequest, idleMs: number, fail: (error: Error) => void): void {
  outgoing.setTimeout(idleMs, () => fail(new Error(`no answer for ${idleMs} ms`)));
  outgoing.once('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(
      () => fail(new Error(`no connection within ${S3_CONNECT_TIMEOUT_MS} ms`)),
      S3_CONNECT_TIMEOUT_MS,
    );
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}

/**
 * Writes the file into the request through readChunks' one reused buffer, asking for the next chunk only once the
 * request has flushed this one (its write callback), so memory stays flat whatever the image size. (A file stream
 * would hand out a new buffer per read, which the garbage collector frees late: tens of MiB for a large image; a
 * second buffer, to read while the first is sent, measured 0.5 MiB more and no faster.) A request ended early (the
 * server's error answer, a timeout) just stops the reading.
 */
async function sendFile(path: string, request: ClientRequest): Promise<void> {
  for await (const chunk of readChunks(path)) {
    if (request.destroyed) return;
    const failed = await new Promise<Error | null | undefined>((resolveWrite) => request.write(chunk, resolveWrite));
    if (failed || request.destroyed) return;
  }
  request.end();
}
