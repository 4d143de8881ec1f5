// A local S3 server for the tests: s3rver on 127.0.0.1 (random port, temporary
// folder) behind a small HTTP proxy that records requests, can fail chosen
// requests with a 500, and can add the conditional-write checks (If-Match,
// If-None-Match on PUT) that s3rver itself ignores, as AWS, R2 and MinIO do.
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
export const keyOf = (path: string): string => decodeURIComponent(new URL(path, 'http://x').pathname.split('/').slice(2).join('/'));

export async function startLocalS3(): Promise<LocalS3> {
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: temporaryFolder('static-ota-s3rver-'), configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3rver.run();
  const direct = `http://127.0.0.1:${port}`;
  const failures: Array<{ match: (request: RecordedRequest) => boolean; remaining: number }> = [];
  const requests: RecordedRequest[] = [];

  const forward = (request: IncomingMessage, response: ServerResponse): void => {
    const upstream = httpRequest(`${direct}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
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
    const recorded: RecordedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers };
    requests.push(recorded);
    const failure = failures.find((candidate) => candidate.remaining > 0 && candidate.match(recorded));
    if (failure) {
      failure.remaining--;
      request.resume();
      response.writeHead(500, { 'Content-Type': 'application/xml' }).end(xmlError('InternalError', 'We encountered an internal error. Please try again.'));
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
            ? { status: 412, body: xmlError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold') }
            : undefined;
      if (refusal) {
        request.resume();
        response.writeHead(refusal.status, { 'Content-Type': 'application/xml' }).end(refusal.body);
        return;
      }
    }
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
