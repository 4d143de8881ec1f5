// action.yml as GitHub loads it, checked against the code that reads it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SETTINGS } from '../../src/settings/declarations.js';
import { defaultOf } from '../../src/settings/defaults.js';
import { ACTION_YML, defaultInputEnvironment, inputVariable, readActionMetadata, ROOT } from './action-metadata.js';

const mainSource = readFileSync(join(ROOT, 'src', 'main.ts'), 'utf8');
/** The entry hands its input reader to readTargetConfig, which the CLI shares: its `value('...')` calls are inputs read too. */
const targetSettingsSource = readFileSync(join(ROOT, 'src', 'settings', 'target.ts'), 'utf8');
/**
 * Inputs the entry reads: every call of its input readers (input, flag) with a literal name, and every declared
 * setting it reads (`SETTINGS.name`, src/settings/declarations.ts).
 */
const inputsRead = new Set([
  ...[
    ...mainSource.matchAll(/\b(?:input|flag)\('([^']+)'\)/g),
    ...targetSettingsSource.matchAll(/\bvalue\('([^']+)'\)/g),
  ].map((match) => match[1]),
  ...[...mainSource.matchAll(/\bSETTINGS\.(\w+)\b/g)].map((match) => SETTINGS[match[1] as keyof typeof SETTINGS].input),
]);
const outputsSet = new Set([...mainSource.matchAll(/core\.setOutput\(\s*'([^']+)'/g)].map((match) => match[1]));

describe('action.yml', () => {
  it('is valid YAML for a strict parser', () => {
    expect(() =>
      parseYaml(readFileSync(ACTION_YML, 'utf8'), { uniqueKeys: true, strict: true, prettyErrors: true }),
    ).not.toThrow();
  });

  it('declares every input the entry reads, and the entry reads every declared input', () => {
    const declared = Object.keys(readActionMetadata().inputs);
    expect(inputsRead.size).toBeGreaterThan(20);
    expect([...inputsRead].sort()).toEqual([...declared].sort());
  });

  it('declares exactly the outputs the entry sets', () => {
    expect(Object.keys(readActionMetadata().outputs).sort()).toEqual([...outputsSet].sort());
  });

  it('runs on node24 from a bundled entry that exists', () => {
    const { runs } = readActionMetadata();
    expect(runs.using).toBe('node24');
    expect(existsSync(join(ROOT, runs.main))).toBe(true);
  });

  it('describes every input and output, gives defaults as strings, and no required input has a default', () => {
    const metadata = readActionMetadata();
    for (const [name, input] of Object.entries(metadata.inputs)) {
      expect([name, typeof input.description, input.description.length > 10]).toEqual([name, 'string', true]);
      if (input.default !== undefined) expect([name, typeof input.default]).toEqual([name, 'string']);
      expect([name, input.required === true && input.default !== undefined]).toEqual([name, false]);
    }
    for (const [name, output] of Object.entries(metadata.outputs))
      expect([name, typeof output.description]).toEqual([name, 'string']);
  });

  it('gives the CLI its defaults, read from it when the CLI is built', () => {
    for (const [name, { default: fallback }] of Object.entries(readActionMetadata().inputs))
      expect([name, defaultOf(name)]).toEqual([name, fallback]);
  });

  it('gives the runner an INPUT_ variable for each default, named as the runner names it', () => {
    expect(inputVariable('project-dir')).toBe('INPUT_PROJECT-DIR');
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT');
    const env = defaultInputEnvironment();
    expect(env).toMatchObject({
      INPUT_TARGET: 'directory',
      INPUT_BUILD: 'true',
      'INPUT_PROJECT-DIR': '.',
      INPUT_TOKEN: 'ghs_runnerDefaultToken',
    });
    expect(env).not.toHaveProperty('INPUT_VERSION');
  });
});
