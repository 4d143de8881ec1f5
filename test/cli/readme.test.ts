// README's CLI section against the CLI: every flag it names is one of its
// command's options in --help, and its example blocks run as written (with
// the mirror served on 127.0.0.1 and the placeholders filled in) through the
// bundled CLI, from a project folder as a maintainer runs them.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../src/cli/program.js';
import { bundledCli, removeTemporaryFolders, serveFolder, temporaryFolder, writeEspImage } from '../helpers.js';

afterAll(removeTemporaryFolders);

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const COMMANDS = ['keygen', 'pubkey', 'publish', 'verify', 'rollout', 'cosign', 'fleet'];

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const cliSection = readme.slice(
  readme.indexOf('\n## The CLI\n'),
  readme.indexOf('\n## ', readme.indexOf('\n## The CLI\n') + 1),
);

/** The sh blocks of the section, one entry per command line (continuations joined). */
const exampleBlocks = [...cliSection.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) =>
  match[1]
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.startsWith('static-ota ')),
);

/** The options of a command, from its --help. */
async function optionsOf(command: string): Promise<Set<string>> {
  let help = '';
  await runCli([command, '--help'], { stdout: (text) => (help += text), stderr: (text) => (help += text) });
  return new Set([...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((match) => match[1]));
}

/** [command, flag] for each flag after a command in an example or an inline `command --flag`. */
function flagsByCommand(): Array<[string, string]> {
  const uses = [
    ...exampleBlocks.flat(),
    ...[
      ...cliSection.matchAll(/`((?:static-ota )?(?:keygen|pubkey|publish|verify|rollout|cosign|fleet) --[^`]*)`/g),
    ].map((match) => match[1]),
  ];
  return uses.flatMap((use) => {
    const command = use.replace(/^static-ota /, '').split(' ')[0];
    return [...use.replace(/#.*/, '').matchAll(/(?<![\w-])--[a-z][\w-]*/g)].map(
      (match) => [command, match[0]] as [string, string],
    );
  });
}

describe("README's CLI section", () => {
  it('names only options its commands have', async () => {
    const options = Object.fromEntries(
      await Promise.all(COMMANDS.map(async (command) => [command, await optionsOf(command)] as const)),
    );
    const uses = flagsByCommand();
    expect(uses.length).toBeGreaterThan(20);
    for (const [command, flag] of uses)
      expect([command, flag, options[command].has(flag)]).toEqual([command, flag, true]);
    // A flag in the prose without its command belongs to one of them.
    const anyCommand = new Set(Object.values(options).flatMap((set) => [...set]));
    const prose = cliSection.replace(/```[\s\S]*?```/g, '');
    for (const flag of prose.match(/(?<![\w-])--[a-z][\w-]*/g) ?? [])
      expect([flag, anyCommand.has(flag) || flag === '--version' || flag === '--help']).toEqual([flag, true]);
  });

  it('runs its examples as written', async () => {
    expect(exampleBlocks.map((block) => block.length)).toEqual([5, 4]);
    const folder = temporaryFolder('static-ota-readme-');
    // Asynchronous: the mirror's server lives in this process.
    const run = async (line: string) => {
      const args = line
        .replace(/\s+#.*$/, '')
        .trim()
        .split(/\s+/)
        .slice(1);
      const child = spawn(NODE_24, [bundledCli(), ...args], { cwd: folder, timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const status = await new Promise<number | null>((done) => child.on('close', done));
      expect([line, status, stderr]).toEqual([line, 0, '']);
      return stdout;
    };
    const publicHex = (output: string) => /^public key: ([0-9a-f]{64})$/m.exec(output)?.[1] ?? '';

    const [keygen, pubkey, publish, verify, fleet] = exampleBlocks[0];
    const ci = publicHex(await run(keygen));
    expect(publicHex(await run(pubkey))).toBe(ci);
    const mine = publicHex(await run(keygen.replace('key.pem', 'mine.pem')));
    const image = join(folder, '.pio', 'build', 'nodemcuv2', 'firmware.bin');
    mkdirSync(join(image, '..'), { recursive: true });
    writeEspImage(image, { publicKey: Buffer.from(ci + mine, 'hex') });
    expect(await run(publish)).toContain('published 1.4.2 for nodemcuv2 (stable)');
    const server = await serveFolder(join(folder, 'public'));
    try {
      const checked = await run(verify.replace('http://ota.example.com', server.url).replace('<hex>', ci));
      expect(checked).toContain(`OK ${server.url}/nodemcuv2/latest.txt`);
    } finally {
      await server.close();
    }
    mkdirSync(join(folder, 'var', 'log', 'nginx'), { recursive: true });
    const logLine = `192.0.2.7 - - [01/Dec/2026:10:00:00 +0000] "GET /nodemcuv2/latest.txt HTTP/1.1" 200 300 "-" "static-ota/1.0.0 (nodemcuv2; 1.4.1; stable)"\n`;
    writeFileSync(join(folder, 'var/log/nginx/access.log'), logLine);
    writeFileSync(join(folder, 'var/log/nginx/access.log.1.gz'), gzipSync(logLine));
    expect(await run(fleet.replaceAll('/var/log', 'var/log'))).toMatch(/1\.4\.1/);

    // Fleet control, on a fresh mirror: `...` is the publish example's options.
    const [staged, ...control] = exampleBlocks[1];
    const publishOptions = publish.replace(/^static-ota publish /, '').replace('public/', 'fleet-mirror/');
    await run(staged.replace('...', publishOptions));
    expect(readFileSync(join(folder, 'fleet-mirror/nodemcuv2/latest.txt'), 'latin1')).toMatch(/^rollout=10$/m);
    const onFleetMirror = (line: string) =>
      line.replace('public/', 'fleet-mirror/').replace('<ci hex>', ci).replace('<my hex>', mine);
    expect(await run(onFleetMirror(control[0]))).toContain('10% -> 50%');
    expect(await run(onFleetMirror(control[1]))).toContain('50% -> 0%');
    expect(await run(onFleetMirror(control[2]))).toContain('now has 2 signatures');
  });
});
