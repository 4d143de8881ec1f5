import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { DEVICE_USER_AGENT } from '../../src/protocol/device-http.js';
import { parseUserAgent } from '../../src/protocol/user-agent.js';
import { runCli } from '../../src/cli/program.js';
import {
  bundledCli,
  listen,
  publishCommand,
  removeTemporaryFolders,
  serveFolder,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
} from '../helpers.js';

/** A key that passes configuration (RFC 8032 test 1's) for runs that fail before any signature is read. */
const USABLE_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE_24 = join(ROOT, 'node_modules', '.bin', 'node');
const packageVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

afterAll(removeTemporaryFolders);

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env });
  return { code, stdout, stderr, all: stdout + stderr };
}

describe('static-ota keygen', () => {
  it('writes a PKCS#8 PEM key, prints the public key as hex and as a C array', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'key.pem');
    const result = await cli(['keygen', '--out', out]);
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(result.stdout).toMatch(/public key: [0-9a-f]{64}\nkeyid: [0-9a-f]{8}\n/);
    expect(result.stdout).toMatch(
      /static const uint8_t kTrustedKeys\[\]\[32\] = \{\n {4}\{(0x[0-9a-f]{2}, ){15}0x[0-9a-f]{2},\n {5}(0x[0-9a-f]{2}, ){15}0x[0-9a-f]{2}\},\n\};/,
    );
  });

  it.each(['ESP8266', 'ESP32'])(
    'prints C that compiles with the README constructor line against StaticOta.h (%s, Arduino headers stubbed)',
    async (chip) => {
      const folder = temporaryFolder();
      const result = await cli(['keygen', '--out', join(folder, 'key.pem')]);
      const printed = result.stdout.slice(
        result.stdout.indexOf('For your firmware:\n') + 'For your firmware:\n'.length,
      );
      const readmeSnippet =
        /```cpp\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1].replace(/^ {3}/gm, '') ?? '';
      expect(readmeSnippet).toContain('#include <StaticOta.h>');
      const constructorLine = /^StaticOta ota\(.*\);$/m.exec(readmeSnippet)?.[0];
      expect(constructorLine).toBeDefined();
      writeArduinoStubs(join(folder, 'stubs'));
      const sketch = join(folder, 'sketch.cpp');
      writeFileSync(sketch, `#include <StaticOta.h>\n${printed}\n${constructorLine}\n`);
      const flags = [`-D${chip}`, '-DSTATIC_OTA_VERSION="1.0.0"', '-DSTATIC_OTA_BOARD="nodemcuv2"'];
      const compiled = spawnSync(
        'g++',
        [
          '-std=gnu++17',
          '-fsyntax-only',
          '-Wall',
          '-Werror',
          ...flags,
          '-I',
          join(folder, 'stubs'),
          '-I',
          join(ROOT, 'firmware', 'src'),
          sketch,
        ],
        { encoding: 'utf8' },
      );
      expect(compiled.stderr).toBe('');
      expect(compiled.status).toBe(0);
    },
  );

  it('refuses to overwrite an existing file', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'key.pem');
    writeFileSync(out, 'precious');
    const result = await cli(['keygen', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already exists: refusing to overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });
});

/** Declarations of the Arduino headers StaticOta.h includes, just enough to compile against (nothing of ours). */
function writeArduinoStubs(folder: string): void {
  const stubs: Record<string, string> = {
    'Arduino.h':
      '#pragma once\n#include <stdint.h>\n#include <stddef.h>\n#include <string.h>\n#include <strings.h>\nunsigned long millis();\nvoid delay(unsigned long);\n' +
      'class String { public: const char* c_str() const; unsigned length() const; bool equalsIgnoreCase(const String&) const; };\n',
    'WiFiClient.h':
      '#pragma once\n#include <Arduino.h>\nclass Client { public: virtual ~Client() {} virtual int available(); virtual int read(uint8_t*, size_t); virtual uint8_t connected(); };\n' +
      'class WiFiClient : public Client {};\n',
    'ESP8266HTTPClient.h': '#pragma once\n#include <WiFiClient.h>\nclass HTTPClient {};\n',
    'HTTPClient.h': '#pragma once\n#include <WiFiClient.h>\nclass HTTPClient {};\n',
    'bearssl/bearssl_hash.h': '#pragma once\ntypedef struct { unsigned char state[128]; } br_sha256_context;\n',
    'mbedtls/sha256.h': '#pragma once\ntypedef struct { unsigned char state[128]; } mbedtls_sha256_context;\n',
  };
  for (const [name, text] of Object.entries(stubs)) {
    mkdirSync(join(folder, name, '..'), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
}

describe('the static-ota command line', () => {
  it.each([['keygen'], ['publish'], ['verify']])(
    '%s --help and -h describe every option and exit 0',
    async (command) => {
      for (const flag of ['--help', '-h']) {
        const result = await cli([command, flag]);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`Usage: static-ota ${command} [options]`);
        const options = result.stdout.split('\n').filter((line) => /^ {2}(-\w, )?--/.test(line));
        expect(options.length).toBeGreaterThan(1);
        for (const line of options) expect(line).toMatch(/^ {2}(-\w, )?--[\w-]+( <[\w-]+>)?\s{2,}\S/);
        expect(result.stdout).toContain('Exit codes: 0 success, 1 failure');
      }
    },
  );

  it.each([
    ['verify', '--trusted-key'],
    ['publish', '--trusted-key'],
    ['rollout', '--trusted-key'],
    ['cosign', '--trusted-key'],
  ])('%s %s says it takes the public key itself, in the forms it reads', async (command, flag) => {
    const help = (await cli([command, '--help'])).stdout.replace(/\n {20,}/g, ' ');
    const line = help.split('\n').find((text) => text.startsWith(`  ${flag} `)) ?? '';
    expect(line).toMatch(/^ {2}--[\w-]+ <key> .*64 hex characters \(as keygen prints it\) or the PEM text/);
    const p = temporaryFolder();
    const key = writeKeyFile(p);
    // What the help promises works: the PEM text of the public key, as openssl writes it.
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(key.publicKey)]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const { parsePublicKey } = await import('../../src/release/sign.js');
    expect(Buffer.from(parsePublicKey(pem, flag)).toString('hex')).toBe(key.publicHex);
    expect(() => parsePublicKey(key.path, flag)).toThrow(`${flag}: expected an Ed25519 public key`);
  });

  it('prints its version from package.json', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: `${packageVersion}\n` });
    expect(await cli(['-V'])).toMatchObject({ code: 0, stdout: `${packageVersion}\n` });
  });

  it('suggests the option or command meant, with exit code 2', async () => {
    const option = await cli(['publish', '--bord', 'nodemcuv2']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--bord'\n\(Did you mean --board\?\)/);
    const command = await cli(['verfy']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'verfy'\n\(Did you mean verify\?\)/);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: static-ota [options] [command]');
  });

  it('reports every missing required option in one message', async () => {
    const result = await cli(['publish', '--board', 'nodemcuv2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('required options --firmware, --version, --directory are missing');
    expect((await cli(['verify'])).stderr).toContain('required options --mirror, --board, --trusted-key are missing');
  });
});

describe('the bundled static-ota command', () => {
  function publishArgs(folder: string, version = '1.0.0') {
    const key = writeKeyFile(folder);
    const firmware = join(folder, 'fw.bin');
    writeEspImage(firmware, { publicKey: key.publicKey });
    return [...publishCommand(firmware, key.path, version), '--out'];
  }

  it.each([['head -1'], ['true']])(
    'exits quietly with 0 when its reader goes away (| %s), having written the whole mirror',
    (reader) => {
      const folder = temporaryFolder();
      const mirror = join(folder, 'mirror');
      const args = [...publishArgs(folder), mirror].map((arg) => `'${arg}'`).join(' ');
      const result = spawnSync(
        'bash',
        ['-c', `'${NODE_24}' '${bundledCli()}' ${args} | ${reader}; exit \${PIPESTATUS[0]}`],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^1\.0\.0\n/);
    },
  );

  /** Runs the bundled CLI on Node 24, through `wrapper` (a command and its arguments) when given. */
  const runBundled = (args: string[], wrapper: string[] = []) => {
    const [command, ...rest] = [...wrapper, NODE_24, bundledCli(), ...args];
    return spawnSync(command, rest, { encoding: 'utf8', timeout: 30_000 });
  };

  it('names the real cause and the path of a file-system error: ENOTDIR, EACCES, EROFS', () => {
    const folder = temporaryFolder();
    const args = publishArgs(folder);
    const notDirectory = runBundled([...args, join(folder, 'fw.bin', 'mirror')]);
    expect(notDirectory.status).toBe(1);
    expect(notDirectory.stderr).toMatch(
      /^static-ota publish: directory .*: ENOTDIR: not a directory, \w+ '.*fw\.bin\/mirror/,
    );

    const locked = join(folder, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    chmodSync(folder, 0o755);
    chmodSync(args[args.indexOf('--key') + 1], 0o644);
    // root ignores permissions: run as nobody there.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const denied = runBundled([...args, join(locked, 'mirror')], asUser);
    expect(denied.stderr).toMatch(
      /^static-ota publish: directory .*: EACCES: permission denied, mkdir '.*locked\/mirror'/,
    );
    expect(denied.status).toBe(1);

    // A read-only file system: a tmpfs mounted read-only in a private mount namespace.
    const script = `d=$(mktemp -d) && mount -t tmpfs -o ro tmpfs "$d" && exec "$@" "$d/mirror"`;
    const readOnly = spawnSync('unshare', ['-rm', 'sh', '-c', script, 'sh', NODE_24, bundledCli(), ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(readOnly.stderr).toMatch(
      /^static-ota publish: directory .*: EROFS: read-only file system, mkdir '.*\/mirror'/,
    );
    expect(readOnly.status).toBe(1);
  });

  it('ends with an error on a folder the kernel refuses to create (/proc), instead of looping', () => {
    const folder = temporaryFolder();
    const result = runBundled([...publishArgs(folder), '/proc/static-ota-mirror']);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/ENOENT: no such file or directory, mkdir '\/proc\/static-ota-mirror'/);
  });
});

/** Every file below `folder` (relative paths), for "nothing temporary is left anywhere". */
const filesBelow = (folder: string): string[] =>
  existsSync(folder) ? readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort() : [];

describe('an interrupted or failing publish', () => {
  it('removes its temporary files on SIGINT mid-image, says so, and the rerun publishes', async () => {
    const folder = temporaryFolder();
    const key = writeKeyFile(folder);
    const firmware = join(folder, 'large.bin');
    writeEspImage(firmware, { publicKey: key.publicKey, size: 64 * 1024 * 1024 });
    const mirror = join(folder, 'mirror');
    const args = [...publishCommand(firmware, key.path, '1.0.0'), '--max-image-size', '100000000', '--out', mirror];
    const child = spawn(NODE_24, [bundledCli(), ...args], { timeout: 60_000 });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<NodeJS.Signals | null>((resolvePromise) =>
      child.on('close', (_code, signal) => resolvePromise(signal)),
    );
    // The image is being copied into the mirror: its temporary file is there.
    let sawTemporary = false;
    for (let poll = 0; poll < 6000 && !sawTemporary && child.exitCode === null; poll++) {
      sawTemporary = filesBelow(mirror).some((name) => name.endsWith('.tmp'));
      if (!sawTemporary) await new Promise((resolvePromise) => setTimeout(resolvePromise, 5));
    }
    expect(sawTemporary).toBe(true);
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    expect(stderr).toMatch(/stopped by SIGINT; its temporary files are removed\.\n$/);
    expect(filesBelow(mirror).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([]);
    expect(existsSync(join(mirror, 'nodemcuv2', 'latest.txt'))).toBe(false);

    const rerun = spawnSync(NODE_24, [bundledCli(), ...args], { encoding: 'utf8', timeout: 60_000 });
    expect(rerun.stderr).toBe('');
    expect(rerun.status).toBe(0);
    expect(filesBelow(mirror)).toEqual(
      ['index.html', 'index.json', 'nodemcuv2', 'nodemcuv2/firmware-1.0.0.bin', 'nodemcuv2/latest.txt'].sort(),
    );
  }, 90_000);

  it('says which files are live when the release page fails after latest.txt, and the rerun finishes without --force', async () => {
    const folder = temporaryFolder();
    const key = writeKeyFile(folder);
    const firmware = join(folder, 'fw.bin');
    writeEspImage(firmware, { publicKey: key.publicKey });
    const mirror = join(folder, 'mirror');
    const args = [...publishCommand(firmware, key.path, '1.0.0'), '--out', mirror];
    // index.json cannot be replaced: the page fails after latest.txt went live.
    mkdirSync(join(mirror, 'index.json', 'in-the-way'), { recursive: true });
    const failed = await cli(args);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /Live in directory .*: nodemcuv2\/latest\.txt \(1\.0\.0, image nodemcuv2\/firmware-1\.0\.0\.bin\)\. Not done: the release page \(index\.html, index\.json\)\. Run the same publish again to finish it \(no --force needed\)\./,
    );
    expect(readFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^1\.0\.0\n/);

    rmSync(join(mirror, 'index.json'), { recursive: true });
    const finished = await cli(args);
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/finished publishing 1\.0\.0 for nodemcuv2 \(stable\)/);
    expect(JSON.parse(readFileSync(join(mirror, 'index.json'), 'utf8')).releases).toMatchObject([
      { board: 'nodemcuv2', version: '1.0.0' },
    ]);
    // Finished: the same publish again is the re-publish it always was.
    expect((await cli(args)).stderr).toMatch(/already published .*; use --force/);
  });
});

describe('static-ota publish and verify', () => {
  function project() {
    const folder = temporaryFolder();
    const key = writeKeyFile(folder);
    const mirror = join(folder, 'mirror');
    const image = (version: string, marker = version) => {
      const path = join(folder, `fw-${version}.bin`);
      writeEspImage(path, { publicKey: key.publicKey, marker, size: 10_000 });
      return path;
    };
    /** `static-ota publish` of `version` for nodemcuv2 into the mirror. */
    const publishArgs = (version: string, ...extra: string[]) => [
      ...publishCommand(image(version), key.path, version),
      '--out',
      mirror,
      ...extra,
    ];
    return { folder, key, mirror, image, publishArgs };
  }

  it('publishes with a key file and verifies the mirror from disk and over HTTP', async () => {
    const p = project();
    const published = await cli([
      'publish',
      '--firmware',
      p.image('1.4.2'),
      '--version',
      'v1.4.2',
      '--board',
      'nodemcuv2',
      '--key',
      p.key.path,
      '--out',
      p.mirror,
    ]);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(published.stdout).toContain('published 1.4.2 for nodemcuv2 (stable)');
    const fromDisk = await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', p.key.publicHex]);
    expect(fromDisk).toMatchObject({ code: 0, stderr: '' });
    expect(fromDisk.stdout).toContain(`version 1.4.2, board nodemcuv2, channel stable, signed by ${p.key.keyId}`);
    const server = await serveFolder(p.mirror);
    try {
      const overHttp = await cli([
        'verify',
        '--mirror',
        server.url,
        '--board',
        'nodemcuv2',
        '--pubkey',
        p.key.publicHex,
      ]);
      expect(overHttp.stdout).toContain(`OK ${server.url}/nodemcuv2/latest.txt`);
      expect(overHttp.code).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('takes the key from STATIC_OTA_KEY as a hex seed and never prints it', async () => {
    const p = project();
    const seedHex = Buffer.alloc(32, 9).toString('hex');
    const { parseSigningKey } = await import('../../src/release/sign.js');
    const key = parseSigningKey(seedHex, 'seed');
    const firmware = join(p.folder, 'seeded.bin');
    writeEspImage(firmware, { publicKey: key.publicKey });
    const result = await cli(
      ['publish', '--firmware', firmware, '--version', '2.0.0', '--board', 'd1_mini', '--out', p.mirror],
      { STATIC_OTA_KEY: seedHex },
    );
    expect(result.code).toBe(0);
    expect(result.all).not.toContain(seedHex);
    expect(result.all).not.toContain(Buffer.alloc(32, 9).toString('base64'));
    const bad = await cli(
      ['publish', '--firmware', firmware, '--version', '2.0.1', '--board', 'd1_mini', '--out', p.mirror],
      { STATIC_OTA_KEY: `${seedHex.slice(2)}zz` },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/STATIC_OTA_KEY: expected an Ed25519 private key/);
    expect(bad.all).not.toContain(seedHex.slice(2));
  });

  it('publishes every release candidate to the one channel rc, where setChannel("rc") devices look, and says so', async () => {
    const p = project();
    for (const version of ['1.2.0-rc1', '1.2.0-rc2']) {
      const result = await cli(p.publishArgs(version));
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`releasing ${version} on channel rc (devices that call setChannel("rc"))\n`);
    }
    expect(readFileSync(join(p.mirror, 'nodemcuv2/rc/latest.txt'), 'latin1')).toMatch(/^1\.2\.0-rc2\nformat=/);
    expect(readdirSync(join(p.mirror, 'nodemcuv2')).sort()).toEqual(['channels.txt', 'rc']);
  });

  it('refuses a downgrade and a republish with clear messages, allows --force for the same version', async () => {
    const p = project();
    const args = p.publishArgs;
    expect((await cli(args('1.4.2'))).code).toBe(0);
    const downgrade = await cli(args('1.4.1'));
    expect(downgrade.code).toBe(1);
    expect(downgrade.stderr).toMatch(
      /refusing to publish 1\.4\.1 for nodemcuv2 \(stable\): directory .* already offers 1\.4\.2/,
    );
    expect((await cli(args('1.4.2'))).stderr).toMatch(/already published/);
    expect((await cli(args('1.4.2', '--force'))).code).toBe(0);
  });

  it('signs with several keys for a rotation and writes expires= from --expires-in', async () => {
    const p = project();
    const successor = writeKeyFile(p.folder, 'successor.pem');
    const before = Math.floor(Date.now() / 1000);
    const result = await cli([
      'publish',
      '--firmware',
      p.image('1.0.0'),
      '--version',
      '1.0.0',
      '--board',
      'nodemcuv2',
      '--key',
      p.key.path,
      '--key',
      successor.path,
      '--expires-in',
      '30d',
      '--out',
      p.mirror,
    ]);
    expect(result.stderr).toBe('');
    const manifest = readFileSync(join(p.mirror, 'nodemcuv2/latest.txt'), 'latin1');
    expect(manifest.match(/^sig=([0-9a-f]{8}):/gm)).toEqual([`sig=${p.key.keyId}:`, `sig=${successor.keyId}:`]);
    const expires = Number(/^expires=(\d+)$/m.exec(manifest)?.[1]);
    expect(expires - before).toBeGreaterThanOrEqual(30 * 86400);
    expect(expires - before).toBeLessThan(30 * 86400 + 60);
    for (const key of [p.key, successor]) {
      expect(
        (await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', key.publicHex])).code,
      ).toBe(0);
    }
    const badDuration = await cli([
      'publish',
      '--firmware',
      p.image('1.0.1'),
      '--version',
      '1.0.1',
      '--board',
      'nodemcuv2',
      '--key',
      p.key.path,
      '--expires-in',
      'soon',
      '--out',
      p.mirror,
    ]);
    expect(badDuration.stderr).toMatch(/--expires-in must be a duration with its unit, such as 45s, 30m, 12h or 30d/);
  });

  it('reports usage errors with exit code 2', async () => {
    const p = project();
    const missing = await cli([
      'publish',
      '--firmware',
      p.image('1.0.0'),
      '--board',
      'x',
      '--out',
      p.mirror,
      '--key',
      p.key.path,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('required option --version is missing');
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['publish', '--no-such-flag'])).code).toBe(2);
    const badBoard = await cli([
      'publish',
      '--firmware',
      p.image('1.0.0'),
      '--version',
      '1.0.0',
      '--board',
      '../x',
      '--out',
      p.mirror,
      '--key',
      p.key.path,
    ]);
    expect(badBoard.stderr).toMatch(/--board "\.\.\/x" is invalid/);
    expect(badBoard.code).toBe(2);
    const badVerifyBoard = await cli([
      'verify',
      '--mirror',
      p.mirror,
      '--board',
      '../m/b',
      '--pubkey',
      p.key.publicHex,
    ]);
    expect(badVerifyBoard).toMatchObject({ code: 2 });
    expect(badVerifyBoard.stderr).toMatch(/--board "\.\.\/m\/b" is invalid/);
    expect(existsSync(p.mirror)).toBe(false);
  });

  it('says why a prebuilt image without --chip-family gets no install button, and which flag adds one', async () => {
    const p = project();
    const args = (version: string, ...extra: string[]) => p.publishArgs(version, '--compress', 'gzip', ...extra);
    const note =
      'nodemcuv2: no install button on the release page: prebuilt image of unknown chip: --chip-family ESP8266 adds one';
    const webManifest = join(p.mirror, 'nodemcuv2', 'manifest.json');
    const unknownChip = await cli(args('1.0.0'));
    expect(unknownChip).toMatchObject({ code: 0, stderr: '' });
    expect(unknownChip.stdout).toContain(`${note}\n`);
    expect(readFileSync(join(p.mirror, 'nodemcuv2', 'latest.txt'), 'latin1')).toMatch(/^encoding=gzip$/m);
    expect(existsSync(webManifest)).toBe(false);
    const esp8266 = await cli(args('1.0.1', '--chip-family', 'ESP8266'));
    expect(esp8266.code).toBe(0);
    expect(esp8266.stdout).not.toContain('no install button');
    expect(JSON.parse(readFileSync(webManifest, 'utf8')).builds[0].chipFamily).toBe('ESP8266');
  });

  it('fails verification on a tampered image, a wrong key and a missing manifest', async () => {
    const p = project();
    await cli([
      'publish',
      '--firmware',
      p.image('1.0.0'),
      '--version',
      '1.0.0',
      '--board',
      'nodemcuv2',
      '--key',
      p.key.path,
      '--out',
      p.mirror,
    ]);
    const other = writeKeyFile(p.folder, 'other.pem');
    const wrongKey = await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', other.publicHex]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/untrusted_key/);
    const imagePath = join(p.mirror, 'nodemcuv2/firmware-1.0.0.bin');
    const image = readFileSync(imagePath);
    image[100] ^= 0xff;
    writeFileSync(imagePath, image);
    const tampered = await cli(['verify', '--mirror', p.mirror, '--board', 'nodemcuv2', '--pubkey', p.key.publicHex]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/has SHA-256 [0-9a-f]{64}, the manifest says/);
    const missing = await cli(['verify', '--mirror', p.mirror, '--board', 'esp32dev', '--pubkey', p.key.publicHex]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/esp32dev\/latest\.txt not found/);
  });

  it.each([
    [
      'chunked',
      (body: Buffer) => ({ headers: {}, body }),
      /firmware-1\.0\.0\.bin: Transfer-Encoding chunked; devices read only plain bodies/,
    ],
    [
      'without Content-Length, ended by closing',
      (body: Buffer) => ({ headers: { Connection: 'close' }, body, close: true }),
      /firmware-1\.0\.0\.bin: no Content-Length; devices need a Content-Length equal to size=10000/,
    ],
  ])('fails an image served %s, as devices refuse it', async (_name, shape, message) => {
    const p = project();
    await cli([
      'publish',
      '--firmware',
      p.image('1.0.0'),
      '--version',
      '1.0.0',
      '--board',
      'nodemcuv2',
      '--key',
      p.key.path,
      '--out',
      p.mirror,
    ]);
    const server = await listen((request, response) => {
      const body = readFileSync(join(p.mirror, ...(request.url ?? '').split('/').filter(Boolean)));
      if (request.url?.endsWith('latest.txt')) {
        response.writeHead(200, { 'Content-Length': body.length }).end(body);
        return;
      }
      const served = shape(body);
      if ('close' in served) {
        // HTTP/1.0 style: no length, the end of the connection ends the body.
        response.socket?.end(`HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n${served.body.toString('latin1')}`, 'latin1');
        return;
      }
      response.writeHead(200, served.headers).end(served.body);
    });
    try {
      const result = await cli(['verify', '--mirror', server.url, '--board', 'nodemcuv2', '--pubkey', p.key.publicHex]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
    } finally {
      await server.close();
    }
  });

  it('explains a redirect from plain HTTP to https, as GitHub Pages sends', async () => {
    const server = await listen((request, response) => {
      response.writeHead(301, { Location: `https://example.github.io${request.url}` }).end();
    });
    try {
      const result = await cli([
        'verify',
        '--mirror',
        `${server.url}/ota`,
        '--board',
        'nodemcuv2',
        '--pubkey',
        USABLE_KEY,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /301 redirect to https:\/\/example\.github\.io\/ota\/nodemcuv2\/latest\.txt\. Plain-HTTP devices cannot follow/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('static-ota verify fetches as the device library does', () => {
  async function publishedMirror() {
    const folder = temporaryFolder();
    const key = writeKeyFile(folder);
    const firmware = join(folder, 'fw.bin');
    writeEspImage(firmware, { publicKey: key.publicKey, size: 3000 });
    const mirror = join(folder, 'mirror');
    const result = await cli([...publishCommand(firmware, key.path, '1.0.0'), '--out', mirror]);
    expect(result.code).toBe(0);
    return { key, mirror };
  }

  it('sends the request head of ESP8266 HTTPClient as the library drives it, byte for byte', async () => {
    const { key, mirror } = await publishedMirror();
    const heads: string[] = [];
    const server = createTcpServer((socket: Socket) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        if (!received.includes('\r\n\r\n')) return;
        heads.push(received);
        const path = /^GET (\S+)/.exec(received)?.[1] ?? '';
        const body = readFileSync(join(mirror, ...path.split('/').filter(Boolean)));
        socket.end(
          Buffer.concat([
            Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`),
            body,
          ]),
        );
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    try {
      const result = await cli([
        'verify',
        '--mirror',
        `http://127.0.0.1:${port}/`,
        '--board',
        'nodemcuv2',
        '--pubkey',
        key.publicHex,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    } finally {
      server.close();
    }
    const head = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${DEVICE_USER_AGENT}\r\n` +
      'Accept-Encoding: identity;q=1,chunked;q=0.1,*;q=0\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';
    // Then the release page's index.json, which names the delta patches verify applies (none here).
    expect(heads).toEqual([head('/nodemcuv2/latest.txt'), head('/nodemcuv2/firmware-1.0.0.bin'), head('/index.json')]);
  });

  it("uses the library's bare User-Agent, the product token of firmware/src/core/user_agent.h, which fleet does not count as a device", () => {
    const header = readFileSync(join(ROOT, 'firmware', 'src', 'core', 'user_agent.h'), 'utf8');
    const libraryVersion = /kLibraryVersion\[\] = "([^"]*)"/.exec(header)?.[1];
    expect(DEVICE_USER_AGENT).toBe(`static-ota/${libraryVersion}`);
    expect(parseUserAgent(DEVICE_USER_AGENT)).toBeUndefined();
  });

  it.each([
    [
      'ftp://ota.example.com/firmware',
      /--mirror ftp:\/\/ota\.example\.com\/firmware: ftp:\/\/ is not supported\. Devices fetch http:\/\//,
    ],
    [
      'file:///srv/mirror',
      /--mirror file:\/\/\/srv\/mirror: file:\/\/ is not supported.*a local directory as a plain path/,
    ],
  ])('refuses a mirror URL devices cannot fetch (%s), a usage error', async (mirror, message) => {
    const result = await cli(['verify', '--mirror', mirror, '--board', 'nodemcuv2', '--pubkey', USABLE_KEY]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('names the trusted keys once when no signature is from one of them', async () => {
    const { mirror } = await publishedMirror();
    const result = await cli(['verify', '--mirror', mirror, '--board', 'nodemcuv2', '--pubkey', USABLE_KEY]);
    expect(result.code).toBe(1);
    expect(result.stderr.match(/trusted keyids/g)).toHaveLength(1);
  });

  it.each([
    ['302 to a path', 302, '/moved/nodemcuv2/latest.txt', undefined],
    ['301 to the same scheme', 301, 'http://HOST/moved/nodemcuv2/latest.txt', undefined],
    ['307', 307, '/moved/nodemcuv2/latest.txt', undefined],
    [
      '308, which HTTPClient does not follow',
      308,
      '/moved/nodemcuv2/latest.txt',
      /308 redirect to \/moved\/nodemcuv2\/latest\.txt, which devices follow only 301, 302, 303, 307: the device stops with http_status 308/,
    ],
    [
      'a relative Location',
      302,
      'moved/latest.txt',
      /302 redirect to moved\/latest\.txt, which devices follow only a path \(\/\.\.\.\) or a URL of the same scheme/,
    ],
  ])('follows redirects as HTTPClient does: %s', async (_name, status, location, expected) => {
    const { key, mirror } = await publishedMirror();
    const files = await serveFolder(mirror);
    const server = await listen((request, response) => {
      const url = request.url ?? '/';
      if (url.startsWith('/moved/')) {
        fetch(`${files.url}${url.slice('/moved'.length)}`).then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, { 'Content-Length': body.length }).end(body);
        });
        return;
      }
      if (url.endsWith('latest.txt')) {
        response.writeHead(status, { Location: location.replace('HOST', request.headers.host ?? '') }).end();
        return;
      }
      fetch(`${files.url}${url}`).then(async (answer) => {
        const body = Buffer.from(await answer.arrayBuffer());
        response.writeHead(answer.status, { 'Content-Length': body.length }).end(body);
      });
    });
    try {
      const result = await cli(['verify', '--mirror', server.url, '--board', 'nodemcuv2', '--pubkey', key.publicHex]);
      if (expected === undefined) {
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain('/moved/nodemcuv2/latest.txt');
      } else {
        expect(result.stderr).toMatch(expected);
        expect(result.code).toBe(1);
      }
    } finally {
      await server.close();
      await files.close();
    }
  });

  it('stops after as many redirects as devices follow', async () => {
    const server = await listen((request, response) => response.writeHead(302, { Location: `/r${request.url}` }).end());
    try {
      const result = await cli(['verify', '--mirror', server.url, '--board', 'nodemcuv2', '--pubkey', USABLE_KEY]);
      expect(result.stderr).toMatch(/more than 3 redirects, devices stop there/);
    } finally {
      await server.close();
    }
  });
});
