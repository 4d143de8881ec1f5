// The device core on the ESP8266's own CPU: built with the Arduino core's
// flags for lx106 and run under qemu-system-xtensa (firmware/lx106), with a
// crypto backend that does no work, so what is measured is the core's own
// share. The stack budgets (the poll's steps, and the trusted key's check at
// configuration) are committed in firmware/lx106/budget.json; the full
// figures are printed by `npm run bench`. The delta step installs a real
// patch between two lx106 images (firmware/tools/delta-pairs.mjs, one
// function changed), made by the publisher's encoder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPatch } from '../../src/release/delta/encode.js';
import { normalizedBase } from '../../src/protocol/patch.js';

interface HarnessStep {
  result: string;
  instructions: number;
  stackBytes: number;
}
interface HarnessSpan {
  bytes: number;
  instructions: number;
}
interface DeltaPair {
  base: Buffer;
  result: Buffer;
  patch: Buffer;
}
interface HarnessTool {
  budgets: { coreStackBytes: number; trustedKeyStackBytes: number };
  POLL_STEPS: string[];
  buildHarness(outputDirectory: string, options: { delta: DeltaPair }): { elf: string };
  runHarness(elf: string): {
    cyclesPerInstruction: number;
    steps: Record<string, HarnessStep>;
    spans: Record<string, HarnessSpan>;
  };
}
type Images = Record<'base' | 'function', Buffer>;

const toolPath = join(process.cwd(), 'firmware', 'tools', 'lx106-harness.mjs');
const pairsPath = join(process.cwd(), 'firmware', 'tools', 'delta-pairs.mjs');

describe('device core on lx106 (QEMU sim machine)', () => {
  let run: ReturnType<HarnessTool['runHarness']>;
  let tool: HarnessTool;
  const folder = mkdtempSync(join(tmpdir(), 'static-ota-lx106-'));

  let delta: DeltaPair;

  beforeAll(async () => {
    tool = (await import(pathToFileURL(toolPath).href)) as HarnessTool;
    const pairs = (await import(pathToFileURL(pairsPath).href)) as { buildImagePairs(folder: string): Images };
    const images = pairs.buildImagePairs(join(folder, 'pairs'));
    const patch = Buffer.from(createPatch(normalizedBase(images.base), images.function));
    delta = { base: images.base, result: images.function, patch };
    run = tool.runHarness(tool.buildHarness(folder, { delta }).elf);
  }, 240_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('every step reaches the outcome a device would', () => {
    expect(Object.fromEntries(Object.entries(run.steps).map(([name, step]) => [name, step.result]))).toEqual({
      open: 'ok',
      trusted_key: 'ok',
      check: 'update_available',
      update: 'updated',
      idle_304: 'no_update',
      delta_update: 'installed',
    });
  });

  test('the delta step timed its base hash and its apply over the whole images', () => {
    expect(delta.patch.length).toBeLessThan(delta.result.length / 10);
    expect(run.spans.base_hash.bytes).toBe(delta.base.length);
    expect(run.spans.delta_apply.bytes).toBe(delta.result.length);
    for (const span of Object.values(run.spans)) expect(span.instructions).toBeGreaterThan(span.bytes / 2);
  });

  test('CCOUNT is calibrated against a loop of known length', () => {
    // -icount shift=7 gives 128 ns per instruction: several cycles at the model's clock, so counts have resolution.
    expect(run.cyclesPerInstruction).toBeGreaterThan(2);
    for (const step of Object.values(run.steps)) expect(step.instructions).toBeGreaterThan(0);
  });

  test("the poll's steps stay within the core's committed stack budget", () => {
    const pollSteps = tool.POLL_STEPS.map((name) => run.steps[name]);
    expect(pollSteps.every((step) => step !== undefined)).toBe(true);
    const deepest = Math.max(...pollSteps.map((step) => step.stackBytes));
    expect(deepest).toBeGreaterThan(0);
    expect(deepest).toBeLessThanOrEqual(tool.budgets.coreStackBytes);
  });

  test("the trusted key's check stays within its committed stack budget", () => {
    expect(tool.POLL_STEPS).not.toContain('trusted_key');
    expect(run.steps.trusted_key.stackBytes).toBeGreaterThan(0);
    expect(run.steps.trusted_key.stackBytes).toBeLessThanOrEqual(tool.budgets.trustedKeyStackBytes);
  });
});
