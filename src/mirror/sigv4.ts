// AWS Signature Version 4 for S3 requests, signed in the Authorization header
// (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
// Ours rather than a library's: the whole algorithm is these few lines over
// node:crypto, and `aws4` cost each publish about 1.4 MiB more at run time
// (docs/mirrors.md, "S3"). Checked against AWS's worked examples, `aws4` and s3rver.
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface UnsignedRequest {
  method: string;
  /** The path as sent: each segment already encoded with uriEncode. */
  path: string;
  /** Encoded with canonicalQuery (the same string goes on the wire). */
  query: string;
  /** Every header sent, Host among them; all are signed. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body, or UNSIGNED-PAYLOAD. */
  payloadHash: string;
  region: string;
}

/** Percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (SigV4's UriEncode). */
export const uriEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A key as a path: each segment encoded, the slashes between them kept. */
export const encodeKey = (key: string): string => key.split('/').map(uriEncode).join('/');

/** The query string, encoded and sorted by name as the canonical request wants it. */
export const canonicalQuery = (query: Record<string, string>): string =>
  Object.entries(query)
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .sort()
    .join('&');

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** The headers to add to `request`: x-amz-date, x-amz-content-sha256, the session token if any, and Authorization. */
export function signRequest(
  request: UnsignedRequest,
  credentials: Credentials,
  now = new Date(),
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-content-sha256': request.payloadHash, 'x-amz-date': amzDate };
  if (credentials.sessionToken) added['x-amz-security-token'] = credentials.sessionToken;
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...request.headers, ...added }))
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonical = [
    request.method,
    request.path,
    request.query,
    ...names.map((name) => `${name}:${headers.get(name)}`),
    '',
    signedHeaders,
    request.payloadHash,
  ].join('\n');
  const scope = `${day}/${request.region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), request.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  added.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}
