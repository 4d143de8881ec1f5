// End to end on S3: the action publishes to s3rver (path-style, credentials as
// inputs), and the device simulator updates straight from the server's HTTP
// endpoint, as from an S3 website endpoint.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTemporaryFolders, temporaryFolder } from '../helpers.js';
import { makeProject, runAction, type Project } from '../action/action-runner.js';
import { deviceArgs } from './e2e-support.js';
import { runDevice } from '../device/simulator.js';
import { BUCKET, S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from './s3-server.js';

const PREFIX = 'fleet/ota';

let s3: LocalS3;
let project: Project;

beforeAll(async () => {
  s3 = await startLocalS3();
  project = makeProject();
}, 180_000);

afterAll(async () => {
  await s3?.close();
  removeTemporaryFolders();
});

const publish = (tag: string, inputs: Record<string, string> = {}) =>
  runAction(
    project,
    {
      target: 's3',
      's3-bucket': BUCKET,
      's3-prefix': PREFIX,
      's3-endpoint': s3.endpoint,
      's3-force-path-style': 'true',
      's3-access-key-id': S3RVER_CREDENTIALS.accessKeyId,
      's3-secret-access-key': S3RVER_CREDENTIALS.secretAccessKey,
      ...inputs,
    },
    { GITHUB_REF: `refs/tags/${tag}` },
  );

const objectUrl = (path: string): string => `${s3.direct}/${BUCKET}/${PREFIX}/${path}`;
const download = async (path: string): Promise<Buffer> =>
  Buffer.from(await (await fetch(objectUrl(path))).arrayBuffer());

describe('action → S3 bucket → device', () => {
  it('publishes a tag and a device on an older version updates to exactly the published image', async () => {
    const published = await publish('v2.0.0');
    expect(published.output).not.toMatch(/::error::/);
    expect(published.status).toBe(0);
    // Path-style, as the target addresses the bucket: the page is readable where the output says.
    expect(published.outputs['page-url']).toBe(`${s3.endpoint}/${BUCKET}/${PREFIX}/index.html`);
    expect(await (await fetch(published.outputs['page-url'])).text()).toContain('data-board="nodemcuv2"');

    const manifest = await fetch(objectUrl('nodemcuv2/latest.txt'));
    expect(manifest.headers.get('cache-control')).toBe('no-cache');

    const flash = join(temporaryFolder(), 'flash.bin');
    const url = objectUrl('nodemcuv2/latest.txt');
    const updated = await runDevice(deviceArgs({ url, key: project.key, version: '1.9.0', board: 'nodemcuv2', flash }));
    expect(updated.line).toMatch(/^result=updated offered=2\.0\.0 /m);
    expect(updated.exitCode).toBe(0);
    expect(readFileSync(flash).equals(await download('nodemcuv2/firmware-2.0.0.bin'))).toBe(true);

    const again = await runDevice(
      deviceArgs({
        url,
        key: project.key,
        version: '2.0.0',
        board: 'nodemcuv2',
        flash: join(temporaryFolder(), 'unused.bin'),
      }),
    );
    expect(again.line).toMatch(/^result=no_update /m);
  });

  it('publishes a pre-release to its channel: a beta device takes it, the stable manifest stays', async () => {
    const published = await publish('v2.1.0-beta.1');
    expect(published.output).not.toMatch(/::error::/);
    expect(published.status).toBe(0);

    const flash = join(temporaryFolder(), 'flash.bin');
    const beta = await runDevice(
      deviceArgs({
        url: objectUrl('nodemcuv2/beta/latest.txt'),
        key: project.key,
        version: '2.0.0',
        board: 'nodemcuv2',
        channel: 'beta',
        flash,
      }),
    );
    expect(beta.line).toMatch(/^result=updated offered=2\.1\.0-beta\.1 /m);
    expect(readFileSync(flash).equals(await download('nodemcuv2/beta/firmware-2.1.0-beta.1.bin'))).toBe(true);
    expect((await download('nodemcuv2/latest.txt')).toString().split('\n')[0]).toBe('2.0.0');
  });

  it('fails the step naming the object when the server keeps failing, and devices keep the last good release', async () => {
    s3.failWhen((request) => request.method === 'PUT' && request.path.includes('/nodemcuv2/latest.txt'));
    const failed = await publish('v2.0.1');
    expect(failed.status).not.toBe(0);
    expect(failed.output).toMatch(
      new RegExp(`::error::.*PUT s3://${BUCKET}/${PREFIX}/nodemcuv2/latest\\.txt failed: .*HTTP 500`),
    );

    const check = await runDevice(
      deviceArgs({
        url: objectUrl('nodemcuv2/latest.txt'),
        key: project.key,
        version: '2.0.0',
        board: 'nodemcuv2',
        flash: join(temporaryFolder(), 'unused.bin'),
      }),
    );
    expect(check.line).toMatch(/^result=no_update /m);
  });
});
