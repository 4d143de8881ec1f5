// The s3 target against a local S3 server (s3rver on 127.0.0.1, behind a
// recording proxy that can inject failures and enforce conditional writes).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openManifest } from '../../src/protocol/manifest.js';
import { publishReleases } from '../../src/release/publish.js';
import { S3Target } from '../../src/mirror/s3.js';
import { defaultOf } from '../../src/settings/defaults.js';
import { readTargetConfig, type S3Config } from '../../src/settings/target.js';
import { createTarget } from '../../src/mirror/factory.js';
import type { SigningKey } from '../../src/release/sign.js';
import { signRelease } from '../../src/release/sign.js';
import { removeTemporaryFolders, temporaryFolder, writeEspImage } from '../helpers.js';
import { gatedTarget, newKey, signedRelease } from './fixtures.js';
import { BUCKET, keyOf, LIST_PAGE_KEYS, S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from './s3-server.js';

afterAll(removeTemporaryFolders);

let uniquePrefix = 0;

interface Mirror {
  s3: LocalS3;
  key: SigningKey;
  config: S3Config;
  prefix: string;
}

function mirror(s3: LocalS3, config: Partial<S3Config> = {}): Mirror {
  const prefix = `fleet-${++uniquePrefix}/ota`;
  return {
    s3,
    key: newKey(),
    prefix,
    config: {
      bucket: BUCKET,
      prefix,
      region: 'us-east-1',
      endpoint: new URL(s3.endpoint),
      forcePathStyle: true,
      ...S3RVER_CREDENTIALS,
      ...config,
    },
  };
}

async function publish(
  fixture: Mirror,
  board: string,
  version: string,
  options: { force?: boolean; keepVersions?: number; marker?: string } = {},
) {
  return publishReleases(
    new S3Target(fixture.config),
    [await signedRelease(fixture.key, board, version, options.marker)],
    options,
  );
}

/** A plain anonymous GET of the object, as a device or a browser would do it. */
const get = (fixture: Mirror, path: string): Promise<Response> =>
  fetch(`${fixture.s3.direct}/${BUCKET}/${fixture.prefix}/${path}`);

async function manifestVersion(fixture: Mirror, board = 'nodemcuv2'): Promise<string | undefined> {
  const response = await get(fixture, `${board}/latest.txt`);
  if (response.status === 404) return undefined;
  return openManifest(Buffer.from(await response.arrayBuffer()), [fixture.key.publicKey]).version;
}

const objectsUnder = (fixture: Mirror): string[] =>
  [...new Set(fixture.s3.requests.filter((r) => r.method === 'PUT').map((r) => keyOf(r.path)))].filter((key) =>
    key.startsWith(fixture.prefix),
  );

async function listBucket(s3: LocalS3, prefix: string): Promise<string[]> {
  const listing = await (await fetch(`${s3.direct}/${BUCKET}?list-type=2&prefix=${encodeURIComponent(prefix)}`)).text();
  return [...listing.matchAll(/<Key>([^<]+)<\/Key>/g)].map((match) => match[1]).sort();
}

describe('s3 target on s3rver (which ignores conditional headers)', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(() => s3.close());

  it('uploads the image and latest.txt under the prefix with their Content-Type and Cache-Control', async () => {
    const fixture = mirror(s3);
    const { manifests: [published] } = await publish(fixture, 'nodemcuv2', '1.4.2');
    expect(published).toMatchObject({
      manifest: 'nodemcuv2/latest.txt',
      image: 'nodemcuv2/firmware-1.4.2.bin',
      imageWritten: true,
    });

    const manifest = await get(fixture, 'nodemcuv2/latest.txt');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    const opened = openManifest(Buffer.from(await manifest.arrayBuffer()), [fixture.key.publicKey]);
    expect(opened).toMatchObject({ version: '1.4.2', board: 'nodemcuv2', file: 'firmware-1.4.2.bin', size: 4096 });

    const image = await get(fixture, 'nodemcuv2/firmware-1.4.2.bin');
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('application/octet-stream');
    expect(image.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await image.arrayBuffer()).length).toBe(opened.size);

    expect(await listBucket(s3, `${fixture.prefix}/`)).toEqual([
      `${fixture.prefix}/index.html`,
      `${fixture.prefix}/index.json`,
      `${fixture.prefix}/nodemcuv2/firmware-1.4.2.bin`,
      `${fixture.prefix}/nodemcuv2/latest.txt`,
    ]);
  });

  it('addresses the bucket path-style, sends no checksum headers and no ACL unless configured', async () => {
    const fixture = mirror(s3);
    await publish(fixture, 'nodemcuv2', '1.4.2');
    const puts = s3.requests.filter((r) => r.method === 'PUT' && keyOf(r.path).startsWith(fixture.prefix));
    expect(puts.map((r) => new URL(r.path, 'http://x').pathname)).toEqual(
      expect.arrayContaining([
        `/${BUCKET}/${fixture.prefix}/nodemcuv2/firmware-1.4.2.bin`,
        `/${BUCKET}/${fixture.prefix}/nodemcuv2/latest.txt`,
      ]),
    );
    for (const put of puts) {
      expect(
        Object.keys(put.headers).filter(
          (name) => name.startsWith('x-amz-checksum') || name === 'x-amz-sdk-checksum-algorithm',
        ),
      ).toEqual([]);
      expect(put.headers['x-amz-acl']).toBeUndefined();
    }

    const withAcl = mirror(s3, { acl: 'public-read' });
    await publish(withAcl, 'nodemcuv2', '1.4.2');
    const aclPuts = s3.requests.filter(
      (r) =>
        r.method === 'PUT' && keyOf(r.path).startsWith(withAcl.prefix) && !keyOf(r.path).includes('.static-ota-probe'),
    );
    // The image, latest.txt and the release page (index.json, index.html).
    expect(aclPuts.length).toBe(4);
    expect(aclPuts.map((r) => r.headers['x-amz-acl'])).toEqual([
      'public-read',
      'public-read',
      'public-read',
      'public-read',
    ]);
  });

  it('writes images before latest.txt', async () => {
    const fixture = mirror(s3);
    await publishReleases(new S3Target(fixture.config), [
      await signedRelease(fixture.key, 'nodemcuv2', '1.0.0'),
      await signedRelease(fixture.key, 'esp32dev', '1.0.0'),
    ]);
    const order = objectsUnder(fixture)
      .map((key) => key.slice(fixture.prefix.length + 1))
      .filter((key) => !key.startsWith('.static-ota-probe'));
    expect(order).toEqual([
      'nodemcuv2/firmware-1.0.0.bin',
      'esp32dev/firmware-1.0.0.bin',
      'nodemcuv2/latest.txt',
      'esp32dev/latest.txt',
      'index.json',
      'index.html',
    ]);
  });

  it('refuses a re-publish of the same version unless forced, and always a downgrade', async () => {
    const fixture = mirror(s3);
    await publish(fixture, 'nodemcuv2', '1.4.2');
    await expect(publish(fixture, 'nodemcuv2', '1.4.2')).rejects.toThrow(
      new RegExp(
        `1\\.4\\.2 is already published for nodemcuv2 \\(stable\\) in s3://${BUCKET}/${fixture.prefix}/; use force to re-publish`,
      ),
    );
    const { manifests: [forced] } = await publish(fixture, 'nodemcuv2', '1.4.2', { force: true });
    expect(forced.imageWritten).toBe(false);
    await publish(fixture, 'nodemcuv2', '1.5.0');
    await expect(publish(fixture, 'nodemcuv2', '1.4.9')).rejects.toThrow(
      /refusing to publish 1\.4\.9 .* already offers 1\.5\.0/,
    );
    await expect(publish(fixture, 'nodemcuv2', '1.5.0', { force: true, marker: 'another build' })).rejects.toThrow(
      /already exists .* with different bytes/,
    );
    expect(await manifestVersion(fixture)).toBe('1.5.0');
    expect(await listBucket(s3, `${fixture.prefix}/nodemcuv2/firmware-1.4.9`)).toEqual([]);
  });

  it('lists and deletes for keep-versions, one DELETE per object', async () => {
    const fixture = mirror(s3);
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await publish(fixture, 'nodemcuv2', version);
    await publish(fixture, 'nodemcuv2', '1.3.0', { keepVersions: 2 });
    expect(await listBucket(s3, `${fixture.prefix}/`)).toEqual([
      `${fixture.prefix}/index.html`,
      `${fixture.prefix}/index.json`,
      `${fixture.prefix}/nodemcuv2/firmware-1.2.0.bin`,
      `${fixture.prefix}/nodemcuv2/firmware-1.3.0.bin`,
      `${fixture.prefix}/nodemcuv2/latest.txt`,
    ]);
    const deletes = s3.requests.filter(
      (r) => r.method === 'DELETE' && keyOf(r.path).startsWith(`${fixture.prefix}/nodemcuv2/`),
    );
    expect(deletes.map((r) => keyOf(r.path)).sort()).toEqual([
      `${fixture.prefix}/nodemcuv2/firmware-1.0.0.bin`,
      `${fixture.prefix}/nodemcuv2/firmware-1.1.0.bin`,
    ]);
    expect(s3.requests.some((r) => r.method === 'POST' && r.path.includes('delete'))).toBe(false);
  });

  it('pages through a folder of more than 1000 keys with continuation tokens for keep-versions', async () => {
    const fixture = mirror(s3);
    const seeded = Array.from({ length: LIST_PAGE_KEYS + 5 }, (_, index) => `1.0.${index}`);
    for (let start = 0; start < seeded.length; start += 25) {
      await Promise.all(
        seeded.slice(start, start + 25).map(async (version) => {
          const stored = await fetch(`${s3.direct}/${BUCKET}/${fixture.prefix}/nodemcuv2/firmware-${version}.bin`, {
            method: 'PUT',
            body: version,
          });
          expect(stored.status).toBe(200);
        }),
      );
    }
    await publish(fixture, 'nodemcuv2', '1.1.0', { keepVersions: LIST_PAGE_KEYS });

    const folder = `${fixture.prefix}/nodemcuv2/`;
    const listings = s3.requests.filter(
      (r) => r.method === 'GET' && new URL(r.path, 'http://x').searchParams.get('prefix') === folder,
    );
    expect(listings.some((r) => new URL(r.path, 'http://x').searchParams.get('continuation-token'))).toBe(true);
    const images = [];
    for (let page = 0, token = ''; page === 0 || token; page++) {
      const listing = await (
        await fetch(
          `${s3.endpoint}/${BUCKET}?list-type=2&prefix=${encodeURIComponent(`${folder}firmware-`)}${token ? `&continuation-token=${token}` : ''}`,
        )
      ).text();
      images.push(...[...listing.matchAll(/<Key>[^<]*firmware-([^<]+)\.bin<\/Key>/g)].map((match) => match[1]));
      token = /<NextContinuationToken>([^<]+)</.exec(listing)?.[1] ?? '';
    }
    // The newest 1000 by version stay: 1.1.0 and 1.0.6 to 1.0.1004; the six oldest, spread over both pages, go.
    expect(images.length).toBe(LIST_PAGE_KEYS);
    expect(images).toContain('1.1.0');
    expect(
      images.filter((version) => ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5'].includes(version)),
    ).toEqual([]);
    expect(await manifestVersion(fixture)).toBe('1.1.0');
  });

  it('finds out that the server ignores conditional writes, and leaves no probe object behind', async () => {
    const fixture = mirror(s3);
    await publish(fixture, 'nodemcuv2', '1.0.0');
    const probes = s3.requests.filter((r) => keyOf(r.path).startsWith(`${fixture.prefix}/.static-ota-probe-`));
    expect(probes.map((r) => r.method)).toEqual(['PUT', 'DELETE']);
    expect(probes[0].headers['if-match']).toBe(`"${'0'.repeat(32)}"`);
    expect(await listBucket(s3, `${fixture.prefix}/.static-ota-probe`)).toEqual([]);
  });

  it('detects a concurrent change by read-compare-write and re-runs the guards', async () => {
    const fixture = mirror(s3);
    await publish(fixture, 'nodemcuv2', '1.0.0');
    let otherDone!: () => void;
    const racing = gatedTarget(new S3Target(fixture.config), new Promise<void>((resolve) => (otherDone = resolve)));
    const higherRun = publishReleases(racing, [await signedRelease(fixture.key, 'nodemcuv2', '1.2.0')]);
    await publish(fixture, 'nodemcuv2', '1.1.0').finally(otherDone);
    await higherRun;

    expect(racing.attempts).toBe(2);
    expect(await manifestVersion(fixture)).toBe('1.2.0');
    expect(await listBucket(s3, `${fixture.prefix}/nodemcuv2/firmware`)).toHaveLength(3);
  });

  it('retries a transient server error and succeeds', async () => {
    const fixture = mirror(s3);
    const manifestKey = `${fixture.prefix}/nodemcuv2/latest.txt`;
    s3.failWhen((r) => r.method === 'PUT' && keyOf(r.path) === manifestKey, 1);
    await publish(fixture, 'nodemcuv2', '1.0.0');
    expect(s3.requests.filter((r) => r.method === 'PUT' && keyOf(r.path) === manifestKey)).toHaveLength(2);
    expect(await manifestVersion(fixture)).toBe('1.0.0');
  });

  it('streams the image with its Content-Length, reading the file again when an attempt fails', async () => {
    const fixture = mirror(s3);
    const imageKey = `${fixture.prefix}/nodemcuv2/firmware-1.0.0.bin`;
    s3.failWhen((r) => r.method === 'PUT' && keyOf(r.path) === imageKey, 2);
    // Many times the two reused upload buffers, random so that a buffer refilled too early would show.
    const imageFile = join(temporaryFolder(), 'large.bin');
    writeFileSync(
      imageFile,
      Buffer.concat([writeEspImage(imageFile, { publicKey: fixture.key.publicKey }), randomBytes(3 * 1024 * 1024)]),
    );
    const release = await signRelease(
      { imageFile, board: 'nodemcuv2', version: '1.0.0', channel: 'stable', file: 'firmware-1.0.0.bin' },
      { keys: [fixture.key] },
    );
    await publishReleases(new S3Target(fixture.config), [release]);

    const puts = s3.requests.filter((r) => r.method === 'PUT' && keyOf(r.path) === imageKey);
    expect(puts.map((r) => r.headers['content-length'])).toEqual([
      String(release.size),
      String(release.size),
      String(release.size),
    ]);
    // Over plain http each attempt is signed with the SHA-256 the manifest declares.
    expect(puts.map((r) => r.headers['x-amz-content-sha256'])).toEqual([
      release.sha256,
      release.sha256,
      release.sha256,
    ]);
    const stored = Buffer.from(await (await get(fixture, 'nodemcuv2/firmware-1.0.0.bin')).arrayBuffer());
    expect(stored.equals(readFileSync(release.imageFile))).toBe(true);
    expect(await manifestVersion(fixture)).toBe('1.0.0');
  });

  it('fails naming the image when its upload keeps failing, and publishes no latest.txt at all', async () => {
    const fixture = mirror(s3);
    const failing = `${fixture.prefix}/esp32dev/firmware-2.0.0.bin`;
    s3.failWhen((r) => r.method === 'PUT' && keyOf(r.path) === failing);
    const releases = [
      await signedRelease(fixture.key, 'nodemcuv2', '2.0.0'),
      await signedRelease(fixture.key, 'esp32dev', '2.0.0'),
    ];
    await expect(publishReleases(new S3Target(fixture.config), releases)).rejects.toThrow(
      new RegExp(`^PUT s3://${BUCKET}/${failing.replace(/\./g, '\\.')} failed: .*HTTP 500\\) after 5 attempts$`),
    );
    expect(await manifestVersion(fixture, 'nodemcuv2')).toBeUndefined();
    expect(await manifestVersion(fixture, 'esp32dev')).toBeUndefined();
  });

  it('fails naming latest.txt when the manifest upload keeps failing, leaving the previous manifest in place', async () => {
    const fixture = mirror(s3);
    await publish(fixture, 'nodemcuv2', '1.0.0');
    const manifestKey = `${fixture.prefix}/nodemcuv2/latest.txt`;
    s3.failWhen((r) => r.method === 'PUT' && keyOf(r.path) === manifestKey);
    await expect(publish(fixture, 'nodemcuv2', '1.1.0')).rejects.toThrow(
      new RegExp(`PUT s3://${BUCKET}/${manifestKey.replace(/\./g, '\\.')} failed: .*\\(HTTP 500\\)`),
    );
    expect(await manifestVersion(fixture)).toBe('1.0.0');
    expect((await get(fixture, 'nodemcuv2/firmware-1.0.0.bin')).status).toBe(200);
  });

  it('fails naming the object and the network cause when the endpoint does not answer', async () => {
    const fixture = mirror(s3, { endpoint: new URL('http://127.0.0.1:1') });
    await expect(publish(fixture, 'nodemcuv2', '1.0.0')).rejects.toThrow(
      new RegExp(
        `^GET s3://${BUCKET}/${fixture.prefix}/nodemcuv2/latest\\.txt failed: .*ECONNREFUSED 127\\.0\\.0\\.1:1 after 5 attempts$`,
      ),
    );
  });

  it('gives up on an endpoint that accepts connections and never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const fixture = mirror(s3, {
        endpoint: new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`),
        idleTimeoutMs: 300,
      });
      await expect(publish(fixture, 'nodemcuv2', '1.0.0')).rejects.toThrow(
        new RegExp(`^GET s3://${BUCKET}/${fixture.prefix}/nodemcuv2/latest\\.txt failed: .* after 5 attempts$`),
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('never puts credentials in a failure message', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const fixture = mirror(s3, { accessKeyId: 'AKIDEXAMPLEUNKNOWN', secretAccessKey: secret });
    const failure = await publish(fixture, 'nodemcuv2', '1.0.0').catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    const { message } = failure as Error;
    expect(message).toMatch(new RegExp(`s3://${BUCKET}/${fixture.prefix}/\\S+ failed: .*HTTP 403`));
    expect(message).not.toContain(secret);
    expect(message).not.toContain('AKIDEXAMPLEUNKNOWN');
  });

  it('takes credentials from the AWS_* environment when none are configured, read at the edge', async () => {
    const fixture = mirror(s3);
    const { bucket, prefix, endpoint } = fixture.config;
    const settings: Record<string, string> = {
      target: 's3',
      's3-bucket': bucket,
      's3-prefix': prefix,
      's3-endpoint': String(endpoint),
      's3-force-path-style': 'true',
    };
    const config = readTargetConfig((name) => settings[name] ?? defaultOf(name), {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    });
    await publishReleases(await createTarget(config), [await signedRelease(fixture.key, 'nodemcuv2', '1.0.0')]);
    expect(await manifestVersion(fixture)).toBe('1.0.0');
    const signed = s3.requests.filter((r) => keyOf(r.path).startsWith(fixture.prefix) && r.method === 'PUT');
    expect(
      signed.every((r) => String(r.headers.authorization).includes(`Credential=${S3RVER_CREDENTIALS.accessKeyId}/`)),
    ).toBe(true);
  });

  it('has its settings checked at the edge, before a target is made, and its credentials before any request', () => {
    const environment = { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' };
    const read =
      (settings: Record<string, string>, env: NodeJS.ProcessEnv = environment) =>
      () =>
        readTargetConfig(
          (name) => ({ target: 's3', 's3-bucket': 'b', ...settings })[name] ?? defaultOf(name),
          env,
        );
    expect(read({ 's3-bucket': '' })).toThrow(/needs s3-bucket/);
    expect(read({ 's3-acl': 'public' })).toThrow(/s3-acl "public" is not a canned ACL/);
    expect(read({ 's3-secret-access-key': 'secret' })).toThrow(/both s3-access-key-id and s3-secret-access-key/);
    expect(read({}, {})).toThrow(
      /no credentials: set s3-access-key-id and s3-secret-access-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    const fromEnvironment = read({}, { ...environment, AWS_SESSION_TOKEN: 'session' })();
    expect(fromEnvironment.kind === 's3' && fromEnvironment.s3).toMatchObject({
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      sessionToken: 'session',
    });
  });
});

describe('s3 target on a server that honours conditional writes', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
    s3.honourConditionalWrites = true;
  });
  afterAll(() => s3.close());

  it('creates objects with If-None-Match: * and replaces latest.txt with If-Match of the ETag it read, writing no probe object', async () => {
    const fixture = mirror(s3);
    await publish(fixture, 'nodemcuv2', '1.0.0');
    const firstManifestEtag = (await get(fixture, 'nodemcuv2/latest.txt')).headers.get('etag');
    await publish(fixture, 'nodemcuv2', '1.1.0');

    const puts = s3.requests.filter(
      (r) => r.method === 'PUT' && keyOf(r.path).startsWith(`${fixture.prefix}/nodemcuv2/`),
    );
    expect(
      puts.map((r) => [
        keyOf(r.path).slice(fixture.prefix.length + 1),
        r.headers['if-none-match'],
        r.headers['if-match'],
      ]),
    ).toEqual([
      ['nodemcuv2/firmware-1.0.0.bin', '*', undefined],
      ['nodemcuv2/latest.txt', '*', undefined],
      ['nodemcuv2/firmware-1.1.0.bin', '*', undefined],
      ['nodemcuv2/latest.txt', undefined, firstManifestEtag],
    ]);
    expect(await listBucket(s3, `${fixture.prefix}/.static-ota-probe`)).toEqual([]);
    expect(await manifestVersion(fixture)).toBe('1.1.0');
  });

  it('turns a 412 on latest.txt into a new attempt: both publishes land, the higher version wins', async () => {
    const fixture = mirror(s3);
    await publish(fixture, 'nodemcuv2', '1.0.0');
    let lowerDone!: () => void;
    const racing = gatedTarget(new S3Target(fixture.config), new Promise<void>((resolve) => (lowerDone = resolve)));
    const higherRun = publishReleases(racing, [await signedRelease(fixture.key, 'nodemcuv2', '1.2.0')]);
    await publish(fixture, 'nodemcuv2', '1.1.0').finally(lowerDone);
    await higherRun;

    expect(racing.attempts).toBe(2);
    const refused = s3.requests.filter(
      (r) => r.method === 'PUT' && keyOf(r.path) === `${fixture.prefix}/nodemcuv2/latest.txt` && r.headers['if-match'],
    );
    expect(refused.length).toBe(3);
    expect(await manifestVersion(fixture)).toBe('1.2.0');
    expect(await listBucket(s3, `${fixture.prefix}/nodemcuv2/firmware`)).toEqual([
      `${fixture.prefix}/nodemcuv2/firmware-1.0.0.bin`,
      `${fixture.prefix}/nodemcuv2/firmware-1.1.0.bin`,
      `${fixture.prefix}/nodemcuv2/firmware-1.2.0.bin`,
    ]);
  });

  it('never lets a second build of the same version overwrite the first image', async () => {
    const fixture = mirror(s3);
    let firstDone!: () => void;
    // Both see no image; the first writes image and manifest while the second waits before its image.
    const racing = gatedTarget(
      new S3Target(fixture.config),
      new Promise<void>((resolve) => (firstDone = resolve)),
      'writeImage',
    );
    const secondBuild = await signedRelease(fixture.key, 'nodemcuv2', '1.0.0', 'second build');
    const firstBuild = await signedRelease(fixture.key, 'nodemcuv2', '1.0.0', 'first build');
    const secondRun = publishReleases(racing, [secondBuild]);
    await publishReleases(new S3Target(fixture.config), [firstBuild]).finally(firstDone);

    await expect(secondRun).rejects.toThrow(/already exists .* with different bytes|already published/);
    const image = Buffer.from(await (await get(fixture, 'nodemcuv2/firmware-1.0.0.bin')).arrayBuffer());
    const manifest = openManifest(Buffer.from(await (await get(fixture, 'nodemcuv2/latest.txt')).arrayBuffer()), [
      fixture.key.publicKey,
    ]);
    expect(manifest.sha256).toBe(firstBuild.sha256);
    expect(image.includes(Buffer.from('first build'))).toBe(true);
  });
});

describe("the release page's address on s3", () => {
  const pageUrl = (config: Partial<S3Config>) =>
    new S3Target({
      bucket: 'firmware',
      prefix: '/fleet/ota/',
      region: 'eu-west-1',
      forcePathStyle: false,
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      ...config,
    }).publicUrl('index.html');

  it('is the object URL the target writes to: virtual-hosted, or path-style when forced or the bucket needs it', () => {
    expect(pageUrl({})).toBe('https://firmware.s3.eu-west-1.amazonaws.com/fleet/ota/index.html');
    expect(pageUrl({ endpoint: new URL('https://account.r2.cloudflarestorage.com') })).toBe(
      'https://firmware.account.r2.cloudflarestorage.com/fleet/ota/index.html',
    );
    expect(pageUrl({ endpoint: new URL('http://127.0.0.1:9000/minio/'), forcePathStyle: true })).toBe(
      'http://127.0.0.1:9000/minio/firmware/fleet/ota/index.html',
    );
    expect(pageUrl({ bucket: 'dotted.bucket', prefix: '' })).toBe(
      'https://s3.eu-west-1.amazonaws.com/dotted.bucket/index.html',
    );
  });
});
