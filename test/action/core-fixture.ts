// A typed stand-in for @actions/core, as actions/typescript-action mocks it
// (__fixtures__/core.ts): every function the entry calls is a jest.fn typed
// after the real one. Inputs come from `withInputs` over action.yml's
// defaults, as the runner sets them; the summary's methods chain.
import type * as core from '@actions/core';
import { jest } from '@jest/globals';
import { defaultInputEnvironment, inputVariable } from './action-metadata.js';

type Summary = typeof core.summary;

let inputs: Record<string, string> = {};
/** Gives the next run these inputs (the step's `with:`), over action.yml's defaults. */
export function withInputs(given: Record<string, string>): void {
  const variables = Object.entries(given).map(([name, value]) => [inputVariable(name), value]);
  inputs = { ...defaultInputEnvironment(), ...Object.fromEntries(variables) };
}

export const getInput = jest.fn<typeof core.getInput>((name) => (inputs[inputVariable(name)] ?? '').trim());
/** As the toolkit reads a switch: YAML 1.2 core booleans only. */
export const getBooleanInput = jest.fn<typeof core.getBooleanInput>((name) => {
  const value = getInput(name);
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`);
});
export const setOutput = jest.fn<typeof core.setOutput>();
export const setFailed = jest.fn<typeof core.setFailed>();
export const setSecret = jest.fn<typeof core.setSecret>();
export const info = jest.fn<typeof core.info>();
export const warning = jest.fn<typeof core.warning>();
export const group = jest.fn<typeof core.group>((_name, work) => work());

// The stand-in is not the toolkit's Summary class (whose members are private), so it is returned as one.
const chained = (): Summary => summary as unknown as Summary;
export const summary = {
  addHeading: jest.fn<Summary['addHeading']>(chained),
  addList: jest.fn<Summary['addList']>(chained),
  addTable: jest.fn<Summary['addTable']>(chained),
  addRaw: jest.fn<Summary['addRaw']>(chained),
  addLink: jest.fn<Summary['addLink']>(chained),
  addCodeBlock: jest.fn<Summary['addCodeBlock']>(chained),
  write: jest.fn<Summary['write']>(async () => chained()),
};
