// action.yml as GitHub's runner reads it: parsed by a real YAML parser, and the
// INPUT_* environment the runner gives the action from it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const ACTION_YML = join(ROOT, 'action.yml');

export interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
}

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

/** Parses action.yml strictly (duplicate keys and every YAML error throw), as the runner does. */
export function readActionMetadata(path = ACTION_YML): ActionMetadata {
  return parse(readFileSync(path, 'utf8'), { uniqueKeys: true, strict: true }) as ActionMetadata;
}

/** The runner's name for an input's variable: spaces to `_`, uppercased, hyphens kept. */
export const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** The expressions action.yml defaults may use, with the values a test run gives them. */
const EXPRESSIONS: Record<string, string> = { 'github.token': 'ghs_runnerDefaultToken' };

function evaluateDefault(name: string, value: string): string {
  return value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_match, expression: string) => {
    const result = EXPRESSIONS[expression];
    if (result === undefined)
      throw new Error(`action.yml input ${name}: the tests cannot evaluate \${{ ${expression} }}`);
    return result;
  });
}

/** Every input with a `default:` present with that default, as the runner sets them before the action starts. */
export function defaultInputEnvironment(metadata = readActionMetadata()): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [inputVariable(name), evaluateDefault(name, String(input.default))]),
  );
}
