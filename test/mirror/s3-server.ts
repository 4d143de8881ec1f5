// A local S3 server for the tests: s3rver on 127.0.0.1 (random port, temporary
// folder) behind a small HTTP proxy that records requests, can fail chosen
// requests with a 500, and can add the conditional-write checks (If-Match,
// If-None-Match on PUT) that s3rver itself ignores, as AWS, R2 and MinIO do.
// The proxy also answers ListObjectsV2 itself, paging with continuation
// tokens as AWS does: s3rver's own tokens need DES, which Node's OpenSSL 3
// refuses, so s3rver answers 500 to any listing of more than 1000 keys. Each
// page comes from s3rver's version 1 listing (marker, max-keys), which works.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import S3rver from 's3rver';
import { listen, temporaryFolder } from '../helpers.js';

export const BUCKET = 'ota';
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RecordedRequest {
  method: string;
  /** Path as sent (path-style: /bucket/key). */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface LocalS3 {
  /** The proxy: give this to the SDK as the endpoint. */
  endpoint: string;
  /** s3rver itself, for plain GETs as a device or browser would do. */
  direct: string;
  requests: RecordedRequest[];
  /** Answer 500 to matching requests (`times` of them, default all). */
  failWhen(match: (request: RecordedRequest) => boolean, times?: number): void;
  /** Refuse PUTs whose If-Match / If-None-Match does not hold, as real S3 does. */
  honourConditionalWrites: boolean;
  close(): Promise<void>;
}

const xmlError = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** Object path of a path-style request: `/ota/a/b.txt` → `a/b.txt`. */
export const keyOf = (path: string): string =>
  decodeURIComponent(new URL(path, 'http://x').pathname.split('/').slice(2).join('/'));

/** Most keys AWS returns in one ListObjectsV2 page. */
export const LIST_PAGE_KEYS = 1000;

/** ListObjectsV2 (`GET /bucket?list-type=2`) with opaque continuation tokens, from s3rver's version 1 listing. */
async function listObjectsV2(direct: string, url: URL, response: ServerResponse): Promise<void> {
  const token = url.searchParams.get('continuation-token');
  const v1 = new URLSearchParams({
    prefix: url.searchParams.get('prefix') ?? '',
    delimiter: url.searchParams.get('delimiter') ?? '',
  });
  v1.set('max-keys', String(Math.min(LIST_PAGE_KEYS, Number(url.searchParams.get('max-keys') ?? LIST_PAGE_KEYS))));
  if (token) v1.set('marker', Buffer.from(token, 'base64url').toString('utf8'));
  const answer = await fetch(`${direct}${url.pathname}?${v1}`);
  let body = await answer.text();
  if (answer.ok) {
    const keys = [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1]);
    // Version 1 names the next marker only with a delimiter; otherwise it is the last key.
    const next = body.includes('<IsTruncated>true</IsTruncated>')
      ? (/<NextMarker>([^<]*)<\/NextMarker>/.exec(body)?.[1] ?? keys.at(-1))
      : undefined;
    const keyCount = keys.length;
    body = body
      .replace(/<Marker>[^<]*<\/Marker>|<NextMarker>[^<]*<\/NextMarker>/g, '')
      .replace(
        '</Prefix>',
        `</Prefix><KeyCount>${keyCount}</KeyCount>${token ? `<ContinuationToken>${token}</ContinuationToken>` : ''}` +
          (next ? `<NextContinuationToken>${Buffer.from(next).toString('base64url')}</NextContinuationToken>` : ''),
      );
  }
  response.writeHead(answer.status, { 'Content-Type': 'application/xml' }).end(body);
}

export async function startLocalS3(): Promise<LocalS3> {
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: temporaryFolder('static-ota-s3rver-'),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3rver.run();
  const direct = `http://127.0.0.1:${port}`;
  const failures: Array<{ match: (request: RecordedRequest) => boolean; remaining: number }> = [];
  const requests: RecordedRequest[] = [];

  const forward = (request: IncomingMessage, response: ServerResponse): void => {
    const upstream = httpRequest(
      `${direct}${request.url}`,
      { method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  };

  /** The stored object's ETag, or undefined when there is none. */
  const currentEtag = async (path: string): Promise<string | undefined> => {
    const answer = await fetch(`${direct}${new URL(path, 'http://x').pathname}`, { method: 'HEAD' });
    return answer.ok ? (answer.headers.get('etag') ?? undefined) : undefined;
  };

  const state = { honourConditionalWrites: false };
  const proxy = await listen(async (request, response) => {
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
    };
    requests.push(recorded);
    const failure = failures.find((candidate) => candidate.remaining > 0 && candidate.match(recorded));
    if (failure) {
      failure.remaining--;
      request.resume();
      response
        .writeHead(500, { 'Content-Type': 'application/xml' })
        .end(xmlError('InternalError', 'We encountered an internal error. Please try again.'));
      return;
    }
    const ifMatch = request.headers['if-match'];
    const ifNoneMatch = request.headers['if-none-match'];
    if (state.honourConditionalWrites && request.method === 'PUT' && (ifMatch || ifNoneMatch)) {
      const etag = await currentEtag(recorded.path);
      const refusal =
        ifMatch && etag === undefined
          ? { status: 404, body: xmlError('NoSuchKey', 'The specified key does not exist.') }
          : (ifMatch && ifMatch !== etag) || (ifNoneMatch === '*' && etag !== undefined)
            ? {
                status: 412,
                body: xmlError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
              }
            : undefined;
      if (refusal) {
        request.resume();
        response.writeHead(refusal.status, { 'Content-Type': 'application/xml' }).end(refusal.body);
        return;
      }
    }
    const url = new URL(recorded.path, 'http://x');
    if (request.method === 'GET' && url.searchParams.get('list-type') === '2')
      return listObjectsV2(direct, url, response);
    forward(request, response);
  });

  return {
    endpoint: proxy.url,
    direct,
    requests,
    failWhen: (match, times = Number.POSITIVE_INFINITY) => void failures.push({ match, remaining: times }),
    get honourConditionalWrites() {
      return state.honourConditionalWrites;
    },
    set honourConditionalWrites(value: boolean) {
      state.honourConditionalWrites = value;
    },
    close: async () => {
      await proxy.close();
      await s3rver.close();
    },
  };
}
