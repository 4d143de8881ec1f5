// Fleet insight over the same sample logs (nginx combined with a gzip rotation,
// S3 server access logs, CloudFront standard logs): the JSON time series, the
// self-contained page in headless Chromium (charts and table carry the JSON's
// numbers, nothing is fetched, a phone shows it without sideways scrolling),
// and the DuckDB form of --sql, row for row against the built-in report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { runCli } from '../../../src/cli/program.js';
import type { FleetReport, GroupSeries } from '../../../src/maintain/fleet/fleet.js';
import { formatUserAgent, LIBRARY_VERSION } from '../../../src/protocol/user-agent.js';
import { removeTemporaryFolders, temporaryFolder } from '../../helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
/** What this test uses of @duckdb/node-api. */
interface DuckDbApi {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): unknown[] }> }>;
    }>;
  };
}
const OUTPUT = join(resolve(import.meta.dirname, '..', '..', '..'), 'test-results', 'fleet-report');

afterAll(removeTemporaryFolders);

async function cli(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runCli(args, { stdout: (text) => (output += text), stderr: (text) => (output += text) });
  return { code, output };
}

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 30, 22);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number): string => String(value).padStart(2, '0');
const clfTime = (ms: number): string => {
  const date = new Date(ms);
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};
const agent = (board: string, version: string, channel: string, deviceId?: string): string =>
  formatUserAgent({ library: LIBRARY_VERSION, board, version, channel, ...(deviceId ? { deviceId } : {}) });

interface Request {
  time: number;
  address: string;
  path: string;
  status: number;
  userAgent: string;
}

/**
 * Twelve devices over six hours: nodemcuv2 devices move from 1.0.0 to 1.1.0 (fetching the image first), esp32dev
 * beta devices stay; some polls fail, one image fetch fails, browsers come by. Each device's requests have distinct
 * times, so "current" (the version of its last request) has one answer.
 */
function sampleRequests(): Request[] {
  const requests: Request[] = [];
  for (let device = 0; device < 12; device++) {
    const nodemcu = device < 8;
    const id = device % 3 === 0 ? undefined : `dev-${device}`;
    const address = `192.0.2.${10 + device}`;
    const updatesAt = nodemcu ? 1 + (device % 5) : Infinity;
    for (let hour = 0; hour < 6; hour++) {
      const time = START + hour * HOUR + 60_000 + device * 61_000;
      const version = nodemcu ? (hour >= updatesAt ? '1.1.0' : '1.0.0') : '2.0.0-beta.1';
      const [board, channel, folder] = nodemcu
        ? ['nodemcuv2', 'stable', 'nodemcuv2']
        : ['esp32dev', 'beta', 'esp32dev/beta'];
      const userAgent = agent(board, version, channel, id);
      if (hour === updatesAt)
        requests.push({
          time: time - 30_000,
          address,
          path: `/${folder}/firmware-1.1.0.bin`,
          status: device === 4 ? 503 : 200,
          userAgent: agent(board, '1.0.0', channel, id),
        });
      requests.push({
        time,
        address,
        path: `/${folder}/latest.txt`,
        status: (device + hour) % 7 === 0 ? 404 : 200,
        userAgent,
      });
    }
  }
  return requests.sort((a, b) => a.time - b.time);
}

const combined = ({ time, address, path, status, userAgent }: Request): string =>
  `${address} - - [${clfTime(time)}] "GET ${path}?x=1 HTTP/1.1" ${status} 120 "-" "${userAgent}"`;
const s3 = ({ time, address, path, status, userAgent }: Request): string =>
  `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be firmware-bucket [${clfTime(time)}] ${address} - 3E57427F3EXAMPLE REST.GET.OBJECT ${path.slice(1)} ` +
  `"GET ${path} HTTP/1.1" ${status} ${status === 200 ? '-' : 'NoSuchKey'} 1170 1170 7 6 "-" "${userAgent}" - ` +
  's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= - - - firmware-bucket.s3.amazonaws.com - - -';
const CLOUDFRONT_HEADER =
  '#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n';
const cloudFront = ({ time, address, path, status, userAgent }: Request): string => {
  const iso = new Date(time).toISOString();
  return [
    iso.slice(0, 10),
    iso.slice(11, 19),
    'FRA56-C1',
    '312',
    address,
    'GET',
    'd111111abcdef8.cloudfront.net',
    path,
    String(status),
    '-',
    encodeURIComponent(userAgent).replace(/%3B/g, ';'),
    '-',
    '-',
    'Miss',
    'abc==',
    'ota.example.com',
    'http',
    '120',
    '0.002',
    '-',
    '-',
    '-',
    'Miss',
    'HTTP/1.1',
    '-',
    '-',
    '51234',
    '0.002',
    'Miss',
    'text/plain',
    '312',
    '-',
    '-',
  ].join('\t');
};

/**
 * The sample split across formats and files: the first devices' requests in an nginx log (the older half as a gzip
 * rotation named after the newer one, to check files are read oldest first), others in S3 and CloudFront logs.
 */
function writeSampleLogs(folder: string): string[] {
  const requests = sampleRequests();
  const byFormat = (device: number): 'nginx' | 's3' | 'cloudfront' =>
    device < 6 ? 'nginx' : device < 9 ? 's3' : 'cloudfront';
  const deviceOf = (request: Request): number => Number(request.address.split('.')[3]) - 10;
  const nginx = requests.filter((request) => byFormat(deviceOf(request)) === 'nginx');
  const half = Math.floor(nginx.length / 2);
  const browser = `203.0.113.5 - - [${clfTime(START + HOUR)}] "GET / HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"`;
  const files = {
    'access.log': [...nginx.slice(half).map(combined), browser].join('\n') + '\n',
    'access.log.1.gz': gzipSync(nginx.slice(0, half).map(combined).join('\n') + '\n'),
    's3-2026-11-30-22-00-00-EXAMPLE': requests
      .filter((request) => byFormat(deviceOf(request)) === 's3')
      .map(s3)
      .join('\n'),
    'E2EXAMPLE.2026-11-30-22.abcd1234':
      CLOUDFRONT_HEADER +
      requests
        .filter((request) => byFormat(deviceOf(request)) === 'cloudfront')
        .map(cloudFront)
        .join('\n') +
      '\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return Object.keys(files).map((name) => join(folder, name));
}

async function report(logs: string[], extra: string[] = []): Promise<FleetReport> {
  const run = await cli(['fleet', ...logs.flatMap((log) => ['--log', log]), '--json', ...extra]);
  if (run.code !== 0) throw new Error(run.output);
  return JSON.parse(run.output) as FleetReport;
}

/** The series as rows, without empty buckets: what the SQL's GROUP BY gives. */
function seriesRows(report: FleetReport) {
  const series = report.series as NonNullable<FleetReport['series']>;
  const perVersion: string[] = [];
  const perGroup: string[] = [];
  const time = (index: number) => series.buckets[index].replace('T', ' ').replace('.000Z', '');
  for (const group of series.groups) {
    for (const { version, devices } of group.versions)
      devices.forEach(
        (count, index) =>
          count > 0 && perVersion.push([group.board, group.channel, version, time(index), count].join(' ')),
      );
    group.devices.forEach((count, index) => {
      const counts = [group.polls, group.imageFetches, group.failures, group.imageFailures].map(
        (values) => values[index],
      );
      if (count > 0) perGroup.push([group.board, group.channel, time(index), count, ...counts].join(' '));
    });
  }
  return { perVersion: perVersion.sort(), perGroup: perGroup.sort() };
}

describe('fleet insight', () => {
  let folder: string;
  let logs: string[];
  let byHour: FleetReport;

  beforeAll(async () => {
    folder = temporaryFolder('static-ota-fleet-insight-');
    logs = writeSampleLogs(folder);
    byHour = await report(logs);
  });

  it('reads all three formats and gives per-bucket series that add up to the requests and the table', () => {
    const requests = sampleRequests();
    expect(byHour).toMatchObject({ deviceRequests: requests.length, otherLines: 1 });
    const series = byHour.series as NonNullable<FleetReport['series']>;
    // Six hours of logs: by the hour, from 22:00 on the first day, across midnight.
    expect(series.bucket).toBe('hour');
    expect(series.buckets).toEqual(Array.from({ length: 6 }, (_, hour) => new Date(START + hour * HOUR).toISOString()));
    const nodemcu = series.groups.find((group) => group.board === 'nodemcuv2') as GroupSeries;
    expect(nodemcu.versions.map(({ version }) => version)).toEqual(['1.1.0', '1.0.0']);
    // Every nodemcuv2 device is seen every hour; it counts under both versions in the hour it updates.
    expect(nodemcu.devices).toEqual([8, 8, 8, 8, 8, 8]);
    const updated = (hour: number) => [...Array(8).keys()].filter((device) => hour >= 1 + (device % 5)).length;
    expect(nodemcu.versions[0].devices).toEqual([0, 1, 2, 3, 4, 5].map(updated));
    const updating = (hour: number) => [...Array(8).keys()].filter((device) => hour === 1 + (device % 5)).length;
    expect(nodemcu.versions[1].devices).toEqual([0, 1, 2, 3, 4, 5].map((hour) => 8 - updated(hour) + updating(hour)));
    for (const group of series.groups) {
      const rows = byHour.versions.filter((row) => row.board === group.board && row.channel === group.channel);
      const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
      expect(sum(group.polls)).toBe(sum(rows.map((row) => row.polls)));
      expect(sum(group.imageFetches)).toBe(sum(rows.map((row) => row.imageFetches)));
      expect(sum(group.failures)).toBe(sum(rows.map((row) => row.failures)));
    }
    // Device 4's image fetch failed, in the hour it updated.
    expect(nodemcu.imageFailures).toEqual([0, 1, 2, 3, 4, 5].map((hour) => (hour === 1 + (4 % 5) ? 1 : 0)));
    expect(byHour.versions.find((row) => row.version === '1.1.0')).toMatchObject({
      clients: 8,
      current: 8,
      imageFetches: 0,
    });
  });

  it('draws a page that needs nothing outside itself, with the JSON numbers in its charts and tables', async () => {
    const mirror = join(folder, 'mirror');
    mkdirSync(mirror, { recursive: true });
    const release = (board: string, channel: string, version: string, rollout?: string) => ({
      board,
      channel,
      version,
      manifest: `${board}/latest.txt`,
      ...(rollout ? { rollout } : {}),
    });
    writeFileSync(
      join(mirror, 'index.json'),
      JSON.stringify({
        generator: 'static-ota',
        releases: [release('nodemcuv2', 'stable', '1.1.0', '40'), release('esp32dev', 'beta', '2.0.0-beta.1')],
      }),
    );
    const html = join(folder, 'report.html');
    const run = await cli([
      'fleet',
      ...logs.flatMap((log) => ['--log', log]),
      '--html',
      html,
      '--mirror',
      mirror,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.output) as FleetReport;
    const context = await chromium.launchPersistentContext(temporaryFolder('static-ota-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    try {
      const requests: string[] = [];
      context.on('request', (request) => requests.push(request.url()));
      const page = await context.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(pathToFileURL(html).href);
      const drawn = await page.evaluate(() =>
        [...document.querySelectorAll('section')].map((section) => ({
          board: section.dataset.board,
          channel: section.dataset.channel,
          charts: [...section.querySelectorAll('svg')].map((svg) => ({
            kind: svg.dataset.chart,
            series: [...svg.querySelectorAll('[data-series]')].map((shape) => [
              shape.getAttribute('data-series'),
              (shape.getAttribute('data-values') ?? '').split(',').map(Number),
            ]),
            rollout: svg.querySelector('[data-rollout]')?.getAttribute('data-rollout'),
            width: svg.getBoundingClientRect().width,
          })),
          rows: [...section.querySelectorAll('tbody tr')].map((row) =>
            Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [cell.dataset.key, cell.textContent])),
          ),
        })),
      );
      expect(requests).toEqual([pathToFileURL(html).href]);
      const series = json.series as NonNullable<FleetReport['series']>;
      expect(drawn.map(({ board, channel }) => `${board}/${channel}`)).toEqual(
        series.groups.map(({ board, channel }) => `${board}/${channel}`),
      );
      for (const [index, group] of series.groups.entries()) {
        const charts = Object.fromEntries(drawn[index].charts.map((chart) => [chart.kind, chart]));
        expect(Object.keys(charts).sort()).toEqual(['adoption', 'devices', 'failures', 'requests']);
        expect(charts.devices.series).toEqual(
          group.versions.map(({ version, devices }) => [version, devices]).reverse(),
        );
        const share = (devices: number[]) =>
          devices.map((value, bucket) => Math.round((value / group.devices[bucket]) * 1000) / 10);
        expect(charts.adoption.series).toEqual(group.versions.map(({ version, devices }) => [version, share(devices)]));
        expect(charts.requests.series).toEqual([
          ['polls', group.polls],
          ['image fetches', group.imageFetches],
        ]);
        expect(charts.failures.series).toEqual([
          ['failures (4xx/5xx)', group.failures],
          ['failed image fetches', group.imageFailures],
        ]);
        expect(charts.adoption.rollout).toBe(group.board === 'nodemcuv2' ? '40' : '100');
        for (const chart of drawn[index].charts) expect(chart.width).toBeGreaterThan(300);
        const rows = json.versions.filter((row) => row.board === group.board && row.channel === group.channel);
        expect(drawn[index].rows).toEqual(
          rows.map(({ board: _b, channel: _c, ...row }) =>
            Object.fromEntries(Object.entries(row).map(([key, value]) => [key, String(value)])),
          ),
        );
      }
      // Readable on a phone: nothing wider than the screen but the table, which scrolls in its own box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, 'fleet-report-phone.png'), fullPage: true });
      await page.setViewportSize({ width: 1000, height: 900 });
      await page.screenshot({ path: join(OUTPUT, 'fleet-report.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('prints DuckDB queries that give the same rows as the built-in report', async () => {
    // A devDependency (npm install -D @duckdb/node-api); loaded by name so that the rest of this file runs without it.
    const duckdb = (await import(process.env.STATIC_OTA_DUCKDB_API ?? '@duckdb/node-api')) as DuckDbApi;
    const sql = await cli(['fleet', ...logs.flatMap((log) => ['--log', log]), '--sql', 'duckdb', '--bucket', 'hour']);
    expect(sql.code).toBe(0);
    const connection = await (await duckdb.DuckDBInstance.create(':memory:')).connect();
    const results: Array<Array<Record<string, unknown>>> = [];
    for (const statement of sql.output.split(/;\n/).filter((text) => text.replace(/--.*$/gm, '').trim()))
      results.push((await connection.runAndReadAll(statement)).getRowObjectsJson() as Array<Record<string, unknown>>);
    const [table, perVersion, perGroup] = results.slice(-3);
    expect(
      table.map((row) => ({
        board: row.board,
        channel: row.channel,
        version: row.version,
        ...Object.fromEntries(
          ['clients', 'current', 'polls', 'polling_clients', 'image_fetches', 'fetching_clients', 'failures'].map(
            (key) => [key.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()), Number(row[key])],
          ),
        ),
      })),
    ).toEqual(
      [...byHour.versions]
        .sort((a, b) => `${a.board} ${a.channel} ${a.version}`.localeCompare(`${b.board} ${b.channel} ${b.version}`))
        .map(
          ({
            board,
            channel,
            version,
            clients,
            current,
            polls,
            pollingClients,
            imageFetches,
            fetchingClients,
            failures,
          }) => ({
            board,
            channel,
            version,
            clients,
            current,
            polls,
            pollingClients,
            imageFetches,
            fetchingClients,
            failures,
          }),
        ),
    );
    const expected = seriesRows(byHour);
    expect(
      perVersion.map((row) => [row.board, row.channel, row.version, row.bucket, row.devices].join(' ')).sort(),
    ).toEqual(expected.perVersion);
    expect(
      perGroup
        .map((row) =>
          [
            row.board,
            row.channel,
            row.bucket,
            row.devices,
            row.polls,
            row.image_fetches,
            row.failures,
            row.image_failures,
          ].join(' '),
        )
        .sort(),
    ).toEqual(expected.perGroup);
  }, 60_000);
});
