// The S3 request signer against AWS's worked examples (S3 API reference,
// "Signature Calculations for the Authorization Header: Transferring Payload
// in a Single Chunk") and against `aws4`, an independent implementation, on
// the keys and queries the s3 target sends. s3rver checks it too (s3.test.ts).
import aws4 from 'aws4';
import fc from 'fast-check';
import { canonicalQuery, encodeKey, sha256Hex, signRequest, type Credentials } from '../../src/mirror/sigv4.js';

const AWS_EXAMPLE: Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const EXAMPLE_TIME = new Date(Date.UTC(2013, 4, 24));
const HOST = 'examplebucket.s3.amazonaws.com';
const EMPTY = sha256Hex('');

const signatureOf = (headers: Record<string, string>): string | undefined =>
  /Signature=([0-9a-f]{64})$/.exec(headers.authorization)?.[1];

function example(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
  payloadHash = EMPTY,
) {
  return signRequest(
    {
      method,
      path,
      query: canonicalQuery(query),
      headers: { host: HOST, ...headers },
      payloadHash,
      region: 'us-east-1',
    },
    AWS_EXAMPLE,
    EXAMPLE_TIME,
  );
}

describe('SigV4 for S3', () => {
  it("gives the signatures of AWS's worked examples", () => {
    const get = example('GET', '/test.txt', {}, { range: 'bytes=0-9' });
    expect(get.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(get['x-amz-date']).toBe('20130524T000000Z');
    const welcome = sha256Hex('Welcome to Amazon S3.');
    expect(welcome).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    const put = example(
      'PUT',
      `/${encodeKey('test$file.text')}`,
      {},
      { date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
      welcome,
    );
    expect(signatureOf(put)).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
    expect(signatureOf(example('GET', '/', { lifecycle: '' }, {}))).toBe(
      'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    );
    // Given out of order: the canonical query sorts it.
    expect(signatureOf(example('GET', '/', { prefix: 'J', 'max-keys': '2' }, {}))).toBe(
      '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    );
  });

  it('encodes every byte of a key but A-Z a-z 0-9 - _ . ~, keeping the slashes', () => {
    expect(encodeKey("fleet/ota/a b+c/é(1)*!'~_-.bin")).toBe('fleet/ota/a%20b%2Bc/%C3%A9%281%29%2A%21%27~_-.bin');
    expect(canonicalQuery({ prefix: 'a b/', 'continuation-token': '1+/=x', 'list-type': '2' })).toBe(
      'continuation-token=1%2B%2F%3Dx&list-type=2&prefix=a%20b%2F',
    );
  });

  it('signs the session token and says nothing of the secret', () => {
    const signed = signRequest(
      { method: 'GET', path: '/ota/x', query: '', headers: { host: 'h' }, payloadHash: EMPTY, region: 'auto' },
      { ...AWS_EXAMPLE, sessionToken: 'token/with+chars' },
    );
    expect(signed['x-amz-security-token']).toBe('token/with+chars');
    expect(signed.authorization).toMatch(
      /\/auto\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, /,
    );
    expect(JSON.stringify(signed)).not.toContain(AWS_EXAMPLE.secretAccessKey);
  });

  it('agrees with aws4 on the requests the s3 target makes, whatever the key and query', () => {
    const segment = fc.string({
      unit: fc.constantFrom(..."aZ09-_.~ +!*()'$&=?#%/é€😀".split(/(?:)/u)),
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.option(segment, { nil: undefined }),
        fc.constantFrom('GET', 'PUT', 'DELETE'),
        fc.constantFrom('us-east-1', 'auto', 'eu-central-1'),
        fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
        (segments, token, method, region, sessionToken) => {
          const path = `/ota/${encodeKey(segments.join('/'))}`;
          const query: Record<string, string> =
            token === undefined
              ? {}
              : { 'list-type': '2', prefix: segments[0], delimiter: '/', 'continuation-token': token };
          const headers = {
            host: 'minio.example:9000',
            'content-type': 'text/plain; charset=utf-8',
            'if-match': '"0a1b"',
          };
          const credentials = { ...AWS_EXAMPLE, sessionToken };
          const ours = signRequest(
            { method, path, query: canonicalQuery(query), headers, payloadHash: 'UNSIGNED-PAYLOAD', region },
            credentials,
            EXAMPLE_TIME,
          );
          const search = canonicalQuery(query);
          const theirs = aws4.sign(
            {
              method,
              host: headers.host,
              path: `${path}${search ? `?${search}` : ''}`,
              service: 's3',
              region,
              headers: { ...headers, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD', 'X-Amz-Date': '20130524T000000Z' },
            },
            credentials,
          );
          expect(signatureOf(ours)).toMatch(/^[0-9a-f]{64}$/);
          expect(signatureOf(ours)).toBe(/Signature=(\w+)$/.exec(String(theirs.headers?.Authorization))?.[1]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
