// The action's entry, run() in src/main.ts, in this process with a typed mock
// of @actions/core (test/action/core-fixture.ts): no bundle, no runner. What
// it reads, which outputs it sets and when it fails the step.
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as core from './core-fixture.js';
import { removeTemporaryFolders, temporaryFolder, writeEspImage, writeKeyFile } from '../helpers.js';
import { openManifest } from '../../src/protocol/manifest.js';

const attachSignedReleases = jest.fn<() => Promise<void>>();
jest.unstable_mockModule('@actions/core', () => core);
// The GitHub Release step, so a failure after the mirror is published needs no GitHub API.
jest.unstable_mockModule('../../src/release/release-assets.js', () => ({ attachSignedReleases }));
const { run } = await import('../../src/main.js');

afterAll(removeTemporaryFolders);

const savedRef = process.env.GITHUB_REF;
beforeEach(() => {
  jest.clearAllMocks();
  delete process.env.GITHUB_REF;
});
afterAll(() => {
  if (savedRef === undefined) delete process.env.GITHUB_REF;
  else process.env.GITHUB_REF = savedRef;
});

/** A prebuilt image with its key compiled in, a signing key and an empty mirror folder. */
function prebuilt() {
  const folder = temporaryFolder();
  const key = writeKeyFile(folder);
  const firmware = join(folder, 'firmware.bin');
  writeEspImage(firmware, { publicKey: key.publicKey });
  const mirror = join(folder, 'mirror');
  const inputs = {
    version: '1.0.0',
    build: 'false',
    environments: 'nodemcuv2',
    firmware,
    directory: mirror,
    'signing-key': key.privatePem,
  };
  return { key, mirror, inputs };
}

const outputs = (): Record<string, unknown> =>
  Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, value]));

describe('run() with a mocked @actions/core', () => {
  it('publishes prebuilt images to a directory and sets every output', async () => {
    const { key, mirror, inputs } = prebuilt();
    core.withInputs(inputs);
    await run();
    expect(core.setFailed).not.toHaveBeenCalled();
    expect(openManifest(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt')), [key.publicKey]).version).toBe('1.0.0');
    const page = pathToFileURL(join(mirror, 'index.html')).href;
    expect(outputs()).toEqual({
      version: '1.0.0',
      channel: 'stable',
      manifests: expect.stringContaining('"manifest":"nodemcuv2/latest.txt"'),
      channels: '["stable"]',
      'page-url': page,
    });
    expect(core.setSecret).toHaveBeenCalled(); // the signing key, before anything is logged
    expect(core.summary.addHeading).toHaveBeenCalledWith('static-ota 1.0.0 (stable)', 3);
    expect(core.summary.addLink).toHaveBeenCalledWith('Release page', page);
    expect(core.summary.write).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['rollout', '150', /^rollout /],
    ['expires-in', '30', /^expires-in /],
    ['compress', 'zip', /^compress /],
  ])('fails the step naming the input on a bad %s, and publishes nothing', async (name, value, message) => {
    const { mirror, inputs } = prebuilt();
    core.withInputs({ ...inputs, [name]: value });
    await run();
    expect(core.setFailed).toHaveBeenCalledTimes(1);
    expect(core.setFailed.mock.calls[0][0]).toMatch(message);
    expect(core.setOutput).not.toHaveBeenCalled();
    expect(() => readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'))).toThrow(/ENOENT/);
  });

  it('still sets the outputs of what was published when a later step fails (ReleaseError with published)', async () => {
    const { mirror, inputs } = prebuilt();
    attachSignedReleases.mockRejectedValueOnce(new Error('HTTP 502 from the GitHub API'));
    process.env.GITHUB_REF = 'refs/tags/v1.0.0';
    core.withInputs({ ...inputs, version: '', 'release-assets': 'true' });
    await run();
    expect(attachSignedReleases).toHaveBeenCalledTimes(1);
    expect(outputs()).toMatchObject({
      version: '1.0.0',
      channels: '["stable"]',
      'page-url': pathToFileURL(join(mirror, 'index.html')).href,
    });
    expect(core.setFailed).toHaveBeenCalledTimes(1);
    expect(core.setFailed.mock.calls[0][0]).toMatch(/^the mirror is published .*HTTP 502 from the GitHub API/);
    // Outputs first: a failed step's outputs are still readable by later steps (if: failure()).
    const lastOutput = Math.max(...core.setOutput.mock.invocationCallOrder);
    expect(lastOutput).toBeLessThan(core.setFailed.mock.invocationCallOrder[0]);
  });
});
