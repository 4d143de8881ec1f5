// The action's fleet inputs (rollout, required-signatures, follow-stable),
// through its bundled entry point as the runner loads it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openManifest } from '../../src/protocol/manifest.js';
import { makeProject, runAction } from './action-runner.js';
import { removeTemporaryFolders, writeKeyFile } from '../helpers.js';

afterAll(removeTemporaryFolders);

describe('the action with fleet inputs', () => {
  it('writes rollout= from the rollout input', async () => {
    const project = makeProject();
    const mirror = join(project.folder, 'public');
    const result = await runAction(project, { directory: mirror, rollout: '10' }, { GITHUB_REF: 'refs/tags/v1.4.2' });
    expect(result.status).toBe(0);
    expect(openManifest(readFileSync(join(mirror, 'nodemcuv2/latest.txt')), [project.key.publicKey])).toMatchObject({
      rollout: 10,
      seq: 0,
    });
  });

  it('refuses a rollout that is not a percentage', async () => {
    const project = makeProject();
    const result = await runAction(
      project,
      { directory: join(project.folder, 'public'), rollout: '110' },
      { GITHUB_REF: 'refs/tags/v1.4.2' },
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('::error::rollout must be a whole percentage from 0 to 100, got "110"');
  });

  it('with required-signatures 2 and one signing key, stages the release and its lockout guard needs two embedded keys', async () => {
    const project = makeProject();
    const mirror = join(project.folder, 'public');
    const second = writeKeyFile(project.folder, 'second.pem');
    const inputs = {
      directory: mirror,
      'required-signatures': '2',
      'trusted-keys': `${project.key.publicHex}\n${second.publicHex}`,
    };
    const refused = await runAction(project, inputs, { GITHUB_REF: 'refs/tags/v1.4.2' });
    expect(refused.output).toContain('does not contain 2 distinct public keys');
    const staged = await runAction(project, { ...inputs, 'allow-lockout': 'true' }, { GITHUB_REF: 'refs/tags/v1.4.2' });
    expect(staged.status).toBe(0);
    expect(existsSync(join(mirror, 'nodemcuv2/latest.txt'))).toBe(false);
    expect(JSON.parse(staged.outputs.manifests)[0]).toMatchObject({ manifest: 'nodemcuv2/pending.txt' });
    expect(openManifest(readFileSync(join(mirror, 'nodemcuv2/pending.txt')), [project.key.publicKey]).version).toBe(
      '1.4.2',
    );
  });

  it('follow-stable false leaves the beta channel alone', async () => {
    const project = makeProject();
    const mirror = join(project.folder, 'public');
    expect((await runAction(project, { directory: mirror }, { GITHUB_REF: 'refs/tags/v1.4.0-beta.1' })).status).toBe(0);
    expect(
      (await runAction(project, { directory: mirror, 'follow-stable': 'false' }, { GITHUB_REF: 'refs/tags/v1.4.0' }))
        .status,
    ).toBe(0);
    expect(readFileSync(join(mirror, 'nodemcuv2/beta/latest.txt'), 'latin1')).toMatch(/^1\.4\.0-beta\.1\n/);
    expect((await runAction(project, { directory: mirror }, { GITHUB_REF: 'refs/tags/v1.4.1' })).status).toBe(0);
    expect(readFileSync(join(mirror, 'nodemcuv2/beta/latest.txt'), 'latin1')).toMatch(/^1\.4\.1\n/);
  });
});
