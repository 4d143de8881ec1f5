// Fleet status from access logs: a real nginx serves a published mirror to the
// device simulator, and `static-ota fleet` reads the log nginx wrote (plain and
// as a gzip rotation); S3 server access logs in AWS's documented format; and the
// User-Agent the C++ library sends is the one src/maintain/fleet/fleet.ts formats and parses.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../../src/cli/program.js';
import type { FleetReport } from '../../../src/maintain/fleet/fleet.js';
import {
  formatUserAgent,
  LIBRARY_VERSION as REPORTED_LIBRARY_VERSION,
  parseUserAgent,
} from '../../../src/protocol/user-agent.js';
import {
  listen,
  removeTemporaryFolders,
  temporaryFolder,
  writeEspImage,
  writeKeyFile,
  type KeyFile,
} from '../../helpers.js';
import { runDevice } from '../../device/simulator.js';
import { startNginx } from '../../site/nginx.js';

const FIRMWARE = resolve(import.meta.dirname, '..', '..', '..', 'firmware');
const LIBRARY_VERSION = (JSON.parse(readFileSync(join(FIRMWARE, 'library.json'), 'utf8')) as { version: string })
  .version;

afterAll(removeTemporaryFolders);

async function cli(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runCli(args, { stdout: (text) => (output += text), stderr: (text) => (output += text) });
  return { code, output };
}

async function publish(
  folder: string,
  key: KeyFile,
  mirror: string,
  board: string,
  version: string,
  channel = 'stable',
): Promise<void> {
  const firmware = join(folder, `${board}-${version}.bin`);
  writeEspImage(firmware, { publicKey: key.publicKey, marker: `${board} ${version}`, size: 20_000 });
  const run = await cli([
    'publish',
    '--firmware',
    firmware,
    '--version',
    version,
    '--board',
    board,
    '--channel',
    channel,
    '--key',
    key.path,
    '--out',
    mirror,
  ]);
  if (run.code !== 0) throw new Error(run.output);
}

async function fleet(logs: string[]): Promise<FleetReport> {
  const run = await cli(['fleet', ...logs.flatMap((log) => ['--log', log]), '--json']);
  if (run.code !== 0) throw new Error(run.output);
  return JSON.parse(run.output) as FleetReport;
}

describe('User-Agent', () => {
  /** The User-Agent the simulator sends on one poll with `extra` flags, or its result when it refuses its settings. */
  async function agentOf(extra: string[]): Promise<{ agents: string[]; result: string }> {
    const agents: string[] = [];
    const server = await listen((request, response) => {
      agents.push(request.headers['user-agent'] ?? '');
      response.writeHead(404, { 'Content-Length': 0 }).end();
    });
    try {
      const run = await runDevice([
        '--url',
        `${server.url}/esp32dev/beta/latest.txt`,
        '--pubkey',
        writeKeyFile(temporaryFolder()).publicHex,
        '--version',
        '1.5.0-beta.2',
        '--board',
        'esp32dev',
        '--channel',
        'beta',
        '--timeout-ms',
        '2000',
        '--check',
        ...extra,
      ]);
      return { agents, result: run.result };
    } finally {
      await server.close();
    }
  }

  it('is the same string in the device library and in src/maintain/fleet/fleet.ts, with the library version of library.json', async () => {
    const agent = { library: LIBRARY_VERSION, board: 'esp32dev', version: '1.5.0-beta.2', channel: 'beta' };
    expect(await agentOf([])).toEqual({ agents: [formatUserAgent(agent)], result: 'http_status' });
    expect(parseUserAgent(formatUserAgent(agent))).toEqual(agent);
    expect(formatUserAgent(agent)).toBe(`static-ota/${LIBRARY_VERSION} (esp32dev; 1.5.0-beta.2; beta)`);
    expect(readFileSync(join(FIRMWARE, 'library.properties'), 'utf8')).toContain(`\nversion=${LIBRARY_VERSION}\n`);
    expect(readFileSync(join(FIRMWARE, 'src', 'core', 'user_agent.h'), 'utf8')).toContain(
      `kLibraryVersion[] = "${LIBRARY_VERSION}"`,
    );
    expect(REPORTED_LIBRARY_VERSION).toBe(LIBRARY_VERSION);
  });

  it('carries a device id only when the sketch opts in, and refuses one that would break the header', async () => {
    const agent = {
      library: LIBRARY_VERSION,
      board: 'esp32dev',
      version: '1.5.0-beta.2',
      channel: 'beta',
      deviceId: 'kitchen-1',
    };
    expect(await agentOf(['--device-id', 'kitchen-1'])).toEqual({
      agents: [formatUserAgent(agent)],
      result: 'http_status',
    });
    expect(parseUserAgent(formatUserAgent(agent))).toEqual(agent);
    for (const bad of ['a b', 'x)', 'a;b', 'x'.repeat(33)])
      expect(await agentOf(['--device-id', bad])).toEqual({ agents: [], result: 'config_error' });
    // A board name the comment cannot hold (the board setting is checked for length only): the bare product token.
    expect((await agentOf(['--board', 'we;ird'])).agents).toEqual([`static-ota/${LIBRARY_VERSION}`]);
  });

  it('is not mistaken for another client', () => {
    expect(parseUserAgent('static-ota')).toBeUndefined();
    expect(parseUserAgent('Mozilla/5.0 (X11; Linux x86_64)')).toBeUndefined();
    expect(parseUserAgent('static-ota/0.1.0 (nodemcuv2; 1.0.0)')).toBeUndefined();
    expect(parseUserAgent('static-ota/0.1.0 (nodemcuv2; 1.0.0; stable; two words)')).toBeUndefined();
  });
});

describe('static-ota fleet', () => {
  it('counts what the simulator did against a real nginx, from the plain log and from a gzip rotation of it', async () => {
    const folder = temporaryFolder('static-ota-fleet-');
    const key = writeKeyFile(folder);
    const mirror = join(folder, 'mirror');
    await publish(folder, key, mirror, 'nodemcuv2', '1.1.0');
    await publish(folder, key, mirror, 'esp32dev', '2.0.0-beta.1', 'beta');
    const nginx = await startNginx(mirror);
    const flash = join(folder, 'flash.bin');
    writeFileSync(flash, 'factory image');
    const device = (board: string, version: string, extra: string[] = []) =>
      runDevice([
        '--url',
        `${nginx.url}/${board}/${extra.includes('beta') ? 'beta/' : ''}latest.txt`,
        '--pubkey',
        key.publicHex,
        '--version',
        version,
        '--board',
        board,
        '--flash',
        flash,
        '--timeout-ms',
        '2000',
        ...extra,
      ]);
    try {
      // nodemcuv2: checks on 1.0.0, then updates (poll + image), then polls on the new version.
      expect((await device('nodemcuv2', '1.0.0', ['--check'])).result).toBe('update_available');
      expect((await device('nodemcuv2', '1.0.0')).result).toBe('updated');
      expect((await device('nodemcuv2', '1.1.0')).result).toBe('no_update');
      // esp32dev on beta: updates; d1_mini: the mirror has nothing for it (404).
      expect((await device('esp32dev', '1.9.0', ['--channel', 'beta'])).result).toBe('updated');
      expect((await device('d1_mini', '1.0.0')).fields.http_status).toBe('404');
    } finally {
      await nginx.stop();
    }
    const log = readFileSync(nginx.accessLog, 'utf8');
    expect(log.split('\n').filter(Boolean)).toHaveLength(7);

    const report = await fleet([nginx.accessLog]);
    expect(report).toMatchObject({ deviceRequests: 7, otherLines: 0 });
    expect(report.versions).toEqual([
      {
        board: 'd1_mini',
        channel: 'stable',
        version: '1.0.0',
        clients: 1,
        current: 1,
        polls: 1,
        pollingClients: 1,
        imageFetches: 0,
        fetchingClients: 0,
        failures: 1,
      },
      {
        board: 'esp32dev',
        channel: 'beta',
        version: '1.9.0',
        clients: 1,
        current: 1,
        polls: 1,
        pollingClients: 1,
        imageFetches: 1,
        fetchingClients: 1,
        failures: 0,
      },
      {
        board: 'nodemcuv2',
        channel: 'stable',
        version: '1.1.0',
        clients: 1,
        current: 1,
        polls: 1,
        pollingClients: 1,
        imageFetches: 0,
        fetchingClients: 0,
        failures: 0,
      },
      {
        board: 'nodemcuv2',
        channel: 'stable',
        version: '1.0.0',
        clients: 1,
        current: 0,
        polls: 2,
        pollingClients: 1,
        imageFetches: 1,
        fetchingClients: 1,
        failures: 0,
      },
    ]);
    expect(Date.parse(report.to as string) - Date.parse(report.from as string)).toBeLessThan(60_000);

    // logrotate's layout: access.log.1.gz holds the older lines, access.log the newer ones, plus a browser's visit.
    const lines = log.split('\n').filter(Boolean);
    const rotated = join(folder, 'access.log.1.gz');
    const current = join(folder, 'access.log');
    writeFileSync(rotated, gzipSync(`${lines.slice(0, 3).join('\n')}\n`));
    const browser = lines[0].replace(/"[^"]*"$/, '"Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"');
    writeFileSync(current, `${[...lines.slice(3), browser].join('\n')}\n`);
    const fromRotations = await fleet([rotated, current]);
    expect(fromRotations).toEqual({ ...report, otherLines: 1 });

    // A shell glob gives --log several files at once (docs/fleet.md).
    const globbed = await cli(['fleet', '--log', rotated, current, '--json']);
    expect(globbed.code).toBe(0);
    expect(JSON.parse(globbed.output)).toEqual(fromRotations);

    const text = await cli(['fleet', '--log', rotated, '--log', current]);
    expect(text.code).toBe(0);
    expect(text.output).toMatch(/^7 requests from static-ota devices, /);
    expect(text.output).toMatch(/\nnodemcuv2 +stable +1\.0\.0 +1 +0 +2 +1 +1 +1 +0\n/);
  });

  it('reads S3 server access logs in the documented format', async () => {
    const folder = temporaryFolder('static-ota-fleet-s3-');
    const agent = formatUserAgent({
      library: LIBRARY_VERSION,
      board: 'nodemcuv2',
      version: '1.0.0',
      channel: 'stable',
    });
    // Field order from docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html (its example line, with a device's request).
    const line = (time: string, ip: string, key: string, status: number, userAgent: string) =>
      `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be firmware-bucket [${time}] ${ip} - 3E57427F3EXAMPLE REST.GET.OBJECT ${key} ` +
      `"GET /${key} HTTP/1.1" ${status} ${status === 200 ? '-' : 'NoSuchKey'} 1170 1170 7 6 "-" "${userAgent}" - ` +
      's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= - - - firmware-bucket.s3-website-eu-west-1.amazonaws.com - - -';
    const log = join(folder, '2026-12-01-00-00-00-EXAMPLE');
    writeFileSync(
      log,
      [
        line('01/Dec/2026:00:00:38 +0000', '192.0.2.3', 'nodemcuv2/latest.txt', 200, agent),
        line('01/Dec/2026:00:00:39 +0000', '192.0.2.3', 'nodemcuv2/firmware-1.1.0.bin', 200, agent),
        line('01/Dec/2026:00:00:40 +0000', '192.0.2.4', 'nodemcuv2/latest.txt', 200, agent),
        line('01/Dec/2026:00:00:41 +0000', '192.0.2.5', 'nodemcuv2/latest.txt', 404, agent),
        line('01/Dec/2026:00:00:42 +0000', '192.0.2.9', 'index.html', 200, 'Mozilla/5.0'),
        // Two devices behind one NAT address that send their ids: two clients.
        line(
          '01/Dec/2026:00:00:43 +0000',
          '198.51.100.7',
          'd1_mini/latest.txt',
          200,
          formatUserAgent({
            library: LIBRARY_VERSION,
            board: 'd1_mini',
            version: '2.0.0',
            channel: 'stable',
            deviceId: 'porch',
          }),
        ),
        line(
          '01/Dec/2026:00:00:44 +0000',
          '198.51.100.7',
          'd1_mini/latest.txt',
          200,
          formatUserAgent({
            library: LIBRARY_VERSION,
            board: 'd1_mini',
            version: '2.0.0',
            channel: 'stable',
            deviceId: 'garage',
          }),
        ),
      ].join('\n'),
    );
    const report = await fleet([log]);
    expect(report).toMatchObject({
      deviceRequests: 6,
      otherLines: 1,
      from: '2026-12-01T00:00:38.000Z',
      to: '2026-12-01T00:00:44.000Z',
    });
    expect(report.versions).toEqual([
      {
        board: 'd1_mini',
        channel: 'stable',
        version: '2.0.0',
        clients: 2,
        current: 2,
        polls: 2,
        pollingClients: 2,
        imageFetches: 0,
        fetchingClients: 0,
        failures: 0,
      },
      {
        board: 'nodemcuv2',
        channel: 'stable',
        version: '1.0.0',
        clients: 3,
        current: 3,
        polls: 3,
        pollingClients: 3,
        imageFetches: 1,
        fetchingClients: 1,
        failures: 1,
      },
    ]);
    // --since counts back from now: these lines are older than an hour, and younger than ten years.
    const recent = await cli(['fleet', '--log', log, '--since', '1h', '--json']);
    expect(JSON.parse(recent.output)).toEqual({ deviceRequests: 0, otherLines: 7, versions: [] });
    expect(JSON.parse((await cli(['fleet', '--log', log, '--since', '3650d', '--json'])).output)).toEqual(report);
  });

  it('refuses a missing log and an empty command line', async () => {
    expect(await cli(['fleet'])).toMatchObject({
      code: 2,
      output: expect.stringContaining('required option --log is missing'),
    });
    expect(await cli(['fleet', '--log', '/nonexistent/access.log'])).toMatchObject({
      code: 1,
      output: expect.stringContaining('cannot read log /nonexistent/access.log'),
    });
  });
});
