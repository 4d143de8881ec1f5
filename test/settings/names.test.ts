// One parser per setting serves both front doors, and its messages name the
// setting as the user wrote it: the input name in the action's annotation, the
// flag on the command line.
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { makeProject, runAction } from '../action/action-runner.js';
import { removeTemporaryFolders } from '../helpers.js';

afterAll(removeTemporaryFolders);

/** [setting, bad value, the other settings it needs, what the message says after the name]. */
const rows: Array<[string, string, Record<string, string>, string]> = [
  ['version', 'one', {}, '"one" is not a semantic version'],
  ['channel', 'Beta Channel', {}, '"Beta Channel" is invalid'],
  ['rollout', '110', {}, 'must be a whole percentage from 0 to 100, got "110"'],
  ['keep-versions', '0', {}, 'must be a whole number of at least 1, got "0"'],
  ['expires-in', 'soon', {}, 'must be a duration with its unit, such as 45s, 30m, 12h or 30d'],
  [
    'expires-in',
    '30',
    {},
    'must be a duration with its unit, such as 45s, 30m, 12h or 30d (at most 10 years), got "30" (a number needs its unit: s, m, h or d)',
  ],
  ['chip-family', 'esp8266x', {}, '"esp8266x" is not a chip family: one of ESP8266'],
  ['pages-folder', 'ota/../..', { target: 'github-pages' }, '"ota/../.." must be a plain relative folder'],
  ['pages-history', 'linear', { target: 'github-pages' }, 'must be one of keep, squash, got "linear"'],
  ['s3-acl', 'public', { target: 's3', 's3-bucket': 'b' }, '"public" is not a canned ACL'],
  ['s3-endpoint', 'ftp://minio/', { target: 's3', 's3-bucket': 'b' }, 'ftp://minio/ is not http or https'],
];

// A switch on the command line (--s3-force-path-style) takes no value to get wrong; the action's input does.
it('names a bad boolean input as the action spells it', async () => {
  const action = await runAction(
    makeProject(),
    { target: 's3', 's3-bucket': 'b', 's3-force-path-style': 'yes' },
    { GITHUB_REF: 'refs/tags/v1.4.2', AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' },
  );
  expect(action.status).not.toBe(0);
  expect(action.output).toContain('::error::s3-force-path-style must be true or false, got "yes"');
});

describe('a bad setting, named as each front door spells it', () => {
  it.each(rows)('%s %s', async (name, value, others, message) => {
    const project = makeProject();
    const settings = { ...others, [name]: value };
    const action = await runAction(
      project,
      { ...settings, ...(others.target ? {} : { directory: join(project.folder, 'public') }) },
      { GITHUB_REF: 'refs/tags/v1.4.2' },
    );
    expect(action.status).not.toBe(0);
    expect(action.output).toContain(`::error::${name} ${message}`);
    expect(action.output).not.toContain(`--${name}`);

    let stderr = '';
    const flags = Object.entries({ version: '1.4.2', ...settings }).flatMap(([setting, text]) => [
      `--${setting}`,
      text,
    ]);
    const code = await runCli(
      [
        'publish',
        '--firmware',
        join(project.folder, 'firmware.bin'),
        '--board',
        'nodemcuv2',
        '--key',
        project.key.path,
        ...(others.target ? [] : ['--out', join(project.folder, 'mirror')]),
        ...flags,
      ],
      { stdout: () => undefined, stderr: (text) => (stderr += text), env: { GITHUB_REPOSITORY: 'octo/widget' } },
    );
    expect(stderr).toContain(`static-ota publish: --${name} ${message}`);
    expect(code).toBe(2);
  });
});
