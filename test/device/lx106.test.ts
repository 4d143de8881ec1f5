// The device core on the ESP8266's own CPU: built with the Arduino core's
// flags for lx106 and run under qemu-system-xtensa (firmware/lx106), with a
// crypto backend that does no work, so what is measured is the core's own
// share. The stack budgets (the poll's steps, and the trusted key's check at
// configuration) are committed in firmware/lx106/budget.json; the full
// figures are printed by `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface HarnessStep {
  result: string;
  instructions: number;
  stackBytes: number;
}
interface HarnessTool {
  budgets: { coreStackBytes: number; trustedKeyStackBytes: number };
  POLL_STEPS: string[];
  buildHarness(outputDirectory: string): { elf: string; vector: { expect: { version: string } } };
  runHarness(elf: string): { cyclesPerInstruction: number; steps: Record<string, HarnessStep> };
}

const toolPath = join(process.cwd(), 'firmware', 'tools', 'lx106-harness.mjs');

describe('device core on lx106 (QEMU sim machine)', () => {
  let run: ReturnType<HarnessTool['runHarness']>;
  let tool: HarnessTool;
  const folder = mkdtempSync(join(tmpdir(), 'static-ota-lx106-'));

  beforeAll(async () => {
    tool = (await import(pathToFileURL(toolPath).href)) as HarnessTool;
    run = tool.runHarness(tool.buildHarness(folder).elf);
  }, 120_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('every step reaches the outcome a device would', () => {
    expect(Object.fromEntries(Object.entries(run.steps).map(([name, step]) => [name, step.result]))).toEqual({
      open: 'ok',
      trusted_key: 'ok',
      check: 'update_available',
      update: 'updated',
      idle_304: 'no_update',
    });
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
