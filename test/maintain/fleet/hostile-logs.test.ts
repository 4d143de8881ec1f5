// A public mirror's access log is attacker input: anyone can send any
// User-Agent, any line length, and a rotation can be cut short. `static-ota
// fleet` must print nothing that drives the maintainer's terminal, skip what it
// cannot hold in bounded memory (and say so), and name a damaged file.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../../src/cli/program.js';
import { formatFleetReport, type FleetReport } from '../../../src/maintain/fleet/fleet.js';
import { formatUserAgent, LIBRARY_VERSION, parseUserAgent } from '../../../src/protocol/user-agent.js';
import { NODE_24 } from '../../action/action-runner.js';
import { bundledCli, removeTemporaryFolders, temporaryFolder } from '../../helpers.js';
import { startNginx } from '../../site/nginx.js';

afterAll(removeTemporaryFolders);

/** Any C0 control but the newline that ends each printed line, DEL, or any C1 control in `text`, as code points. */
const controlCharacters = (text: string): number[] =>
  [...text]
    .map((character) => character.codePointAt(0) as number)
    .filter((code) => (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f));

const DEVICE_AGENT = formatUserAgent({
  library: LIBRARY_VERSION,
  board: 'nodemcuv2',
  version: '1.0.0',
  channel: 'stable',
});

/** One combined-format line as nginx writes it, with the User-Agent already escaped. */
const combinedLine = (userAgent: string) =>
  `192.0.2.7 - - [01/Dec/2026:00:00:38 +0000] "GET /nodemcuv2/latest.txt HTTP/1.1" 200 310 "-" "${userAgent}"`;

async function cli(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runCli(args, { stdout: (text) => (output += text), stderr: (text) => (output += text) });
  return { code, output };
}

/** A request with the User-Agent bytes as given: Node's HTTP client refuses control characters in headers, a raw socket does not. */
function rawRequest(url: string, path: string, userAgent: Buffer): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.end(
        Buffer.concat([
          Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nUser-Agent: `),
          userAgent,
          Buffer.from('\r\nConnection: close\r\n\r\n'),
        ]),
      ),
    );
    socket.setTimeout(5_000, () => socket.destroy(new Error('nginx did not answer within 5 s')));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
}

describe('static-ota fleet on a hostile access log', () => {
  it('prints no control character from User-Agents that a real nginx logged with \\x1B escapes', async () => {
    const mirror = temporaryFolder('static-ota-fleet-hostile-');
    mkdirSync(join(mirror, 'nodemcuv2'));
    writeFileSync(join(mirror, 'nodemcuv2', 'latest.txt'), 'not a manifest');
    const nginx = await startNginx(mirror);
    const hostile = [
      // Clears the screen, hides the rest of the line, sets the window title, an 8-bit CSI in UTF-8, DEL.
      `static-ota/1.0.0 (nodemcuv2; 1.0.0\x1b[2J; stable)`,
      `static-ota/1.0.0 (nodemcuv2\x1b[8m; 9.9.9; stable)`,
      `static-ota/1.0.0 (nodemcuv2; 1.0.0; stable\x1b]0:pwned\x07)`,
      `static-ota/1.0.0 (nodemcuv2; 1.0.0\u009b2J; stable)`,
      `static-ota/1.0.0 (nodemcuv2; 1.0.0\x7f; stable)`,
    ];
    try {
      for (const agent of [...hostile, DEVICE_AGENT])
        await rawRequest(nginx.url, '/nodemcuv2/latest.txt', Buffer.from(agent));
    } finally {
      await nginx.stop();
    }
    const log = readFileSync(nginx.accessLog, 'latin1');
    // nginx's own escaping, which src/maintain/fleet/fleet.ts decodes back into bytes.
    expect(log).toContain('1.0.0\\x1B[2J; stable)');
    expect(log).toContain('1.0.0\\xC2\\x9B2J; stable)');
    expect(log.split('\n').filter(Boolean)).toHaveLength(hostile.length + 1);

    const text = await cli(['fleet', '--log', nginx.accessLog]);
    expect(text.code).toBe(0);
    expect(controlCharacters(text.output)).toEqual([]);
    // A device never sends those bytes (firmware/src/core/user_agent.cpp sends the bare token instead): other clients.
    expect(text.output).toMatch(/^1 requests from static-ota devices, .* \(5 other log lines ignored\)\n/);
    expect(text.output).toMatch(/\nnodemcuv2 +stable +1\.0\.0 +1 +1 +1 +1 +0 +0 +0\n/);
    const json = await cli(['fleet', '--log', nginx.accessLog, '--json']);
    expect(controlCharacters(json.output)).toEqual([]);
    expect(JSON.parse(json.output)).toMatchObject({ deviceRequests: 1, otherLines: 5 });
  });

  it('skips and counts a 64 MiB line (the last without a newline) in bounded memory, through the bundled CLI', () => {
    const folder = temporaryFolder('static-ota-fleet-long-');
    const log = join(folder, 'access.log');
    const file = openSync(log, 'w');
    const hugeStart = combinedLine('static-ota/1.0.0 (').slice(0, -1);
    try {
      writeSync(file, `${combinedLine(DEVICE_AGENT)}\n`);
      writeSync(file, `${hugeStart}${'a'.repeat(1 << 20)}; 1.0.0; stable)"\n`);
      writeSync(file, `${combinedLine(DEVICE_AGENT)}\n`);
      writeSync(file, hugeStart);
      const mebibyte = Buffer.alloc(1 << 20, 'a');
      for (let written = 0; written < 64; written++) writeSync(file, mebibyte);
    } finally {
      closeSync(file);
    }
    // A heap smaller than the line: the CLI must never hold it whole.
    const run = spawnSync(NODE_24, ['--max-old-space-size=48', bundledCli(), 'fleet', '--log', log], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^2 requests from static-ota devices, .* \(0 other log lines ignored\)\n/);
    expect(run.stdout).toContain('\n2 log lines longer than 64 KiB skipped unread (no device sends one)\n');
    const json = spawnSync(NODE_24, ['--max-old-space-size=48', bundledCli(), 'fleet', '--log', log, '--json'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(JSON.parse(json.stdout)).toMatchObject({ deviceRequests: 2, otherLines: 0, overlongLines: 2 });
  });

  it('counts binary junk as other lines and prints none of it', async () => {
    const folder = temporaryFolder('static-ota-fleet-junk-');
    const log = join(folder, 'access.log');
    // Every byte value, in runs long and short, around one device line; then junk that never ends its line.
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
    const everyByteButNewline = everyByte.filter((byte) => byte !== 0x0a);
    writeFileSync(
      log,
      Buffer.concat([
        everyByte,
        Buffer.from(`\n${combinedLine(DEVICE_AGENT)}\n`),
        Buffer.from(combinedLine(`static-ota/1.0.0 (${everyByte.toString('latin1')}; 1.0.0; stable)`)),
        Buffer.from('\n'),
        Buffer.alloc(100_000, everyByteButNewline),
      ]),
    );
    const run = await cli(['fleet', '--log', log]);
    expect(run.code).toBe(0);
    expect(controlCharacters(run.output)).toEqual([]);
    expect(run.output).toMatch(/^1 requests from static-ota devices, .*\((\d+) other log lines ignored\)\n/);
    expect(run.output).toContain('\n1 log line longer than 64 KiB skipped unread (no device sends one)\n');
  });

  it('counts a CloudFront line cut short before its User-Agent as another line', async () => {
    const folder = temporaryFolder('static-ota-fleet-cloudfront-cut-');
    const log = join(folder, 'cloudfront.log');
    const whole = [
      ...['2026-12-01', '00:00:38', 'LHR62', '310', '192.0.2.7', 'GET', 'd1.cloudfront.net', '/nodemcuv2/latest.txt'],
      ...['200', '-', 'static-ota/1.0.0%20(nodemcuv2;%201.0.0;%20stable)'],
    ];
    // The date, time and status are there; the User-Agent (and the referer before it) not.
    writeFileSync(
      log,
      [whole, whole.slice(0, 9), whole.slice(0, 10)].map((values) => `${values.join('\t')}\n`).join(''),
    );
    const run = await cli(['fleet', '--log', log, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.output)).toMatchObject({ deviceRequests: 1, otherLines: 2 });
  });

  it('names a gzip rotation that is cut short or not gzip after its magic bytes, and what to do', async () => {
    const folder = temporaryFolder('static-ota-fleet-gzip-');
    const whole = gzipSync(`${combinedLine(DEVICE_AGENT)}\n`.repeat(2_000));
    const truncated = join(folder, 'access.log.2.gz');
    writeFileSync(truncated, whole.subarray(0, whole.length - 40));
    const notGzip = join(folder, 'access.log.3.gz');
    writeFileSync(notGzip, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(1_000, 0x5a)]));
    for (const [file, cause] of [
      [truncated, 'unexpected end of file'],
      [notGzip, 'unknown compression method'],
    ]) {
      const run = await cli(['fleet', '--log', file]);
      expect(run.code).toBe(1);
      expect(run.output).toBe(
        `static-ota fleet: log ${file} is gzip data that is damaged or cut short (${cause}); ` +
          `check it with gzip -t, or leave it out of --log\n`,
      );
    }
  });
});

describe('parseUserAgent', () => {
  it('takes only what firmware/src/core/user_agent.cpp can send: printable ASCII parts within their limits', () => {
    const agent = (board: string, version = '1.0.0', channel = 'stable') =>
      parseUserAgent(`static-ota/1.0.0 (${board}; ${version}; ${channel})`);
    expect(agent('my "board"', '1.0.0+x', 'a-b')).toEqual({
      library: '1.0.0',
      board: 'my "board"',
      version: '1.0.0+x',
      channel: 'a-b',
    });
    expect(agent('b'.repeat(64), 'v'.repeat(64), 'c'.repeat(32))).toBeDefined();
    for (const hostile of [
      agent('node\x1b[2Jmcu'),
      agent('nodemcuv2', '1.0.0\u009b2J'),
      agent('nodemcuv2', '1.0.0', 'stable\x7f'),
      agent('nodemcuv2', '1.0.0', 'stable\t'),
      agent('Küche'),
      agent('b'.repeat(65)),
      agent('nodemcuv2', 'v'.repeat(65)),
      agent('nodemcuv2', '1.0.0', 'c'.repeat(33)),
    ])
      expect(hostile).toBeUndefined();
  });
});

describe('formatFleetReport', () => {
  it('strips control characters and bounds the fields of any report it is handed', () => {
    const counts = {
      clients: 1,
      current: 1,
      polls: 1,
      pollingClients: 1,
      imageFetches: 0,
      fetchingClients: 0,
      failures: 0,
    };
    const report: FleetReport = {
      from: '2026-12-01T00:00:38.000Z',
      to: '2026-12-01T00:00:38.000Z',
      deviceRequests: 2,
      otherLines: 0,
      versions: [
        { board: 'node\x1b[2Jmcu', channel: 'stable\u009b8m', version: '1.0.0\x7f\x00\u202e', ...counts },
        { board: 'b'.repeat(100_000), channel: 'c\n'.repeat(1_000), version: '2.0.0\x1b]0;x\x07', ...counts },
      ],
    };
    const text = formatFleetReport(report);
    expect(controlCharacters(text)).toEqual([]);
    expect(text).not.toContain('\u202e');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(300);
    expect(text).toMatch(/\nnode\?mcu +stable\?/);
  });
});
