// The setup step `npm test` runs first: what it finds missing, and what it
// tells a user who cannot install packages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { missingPackages } from '../../scripts/system-deps.mjs';

const script = resolve(import.meta.dirname, '..', '..', 'scripts', 'system-deps.mjs');

describe('system-deps', () => {
  it('names the packages of each need that is neither on PATH nor at one of its paths', () => {
    expect(
      missingPackages([
        { what: 'absent', command: 'static-ota-no-such-command', packages: ['absent-a', 'absent-b'] },
        { what: 'on PATH', command: 'sh', packages: ['present'] },
        { what: 'at a path', paths: [tmpdir()], packages: ['present-too'] },
        { what: 'absent file', paths: [join(tmpdir(), 'static-ota-no-such-file')], packages: ['absent-c'] },
      ]),
    ).toEqual(['absent-a', 'absent-b', 'absent-c']);
  });

  it('prints the one apt-get line and fails when it cannot install (no apt-get on PATH)', () => {
    const bin = mkdtempSync(join(tmpdir(), 'static-ota-bin-'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const run = spawnSync(process.execPath, [script], { env: { PATH: bin }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^ {2}sudo apt-get install -y .*\bgcc-xtensa-lx106\b.*\bqemu-system-misc\b/m);
    expect(run.stdout).toBe('');
  });
});
