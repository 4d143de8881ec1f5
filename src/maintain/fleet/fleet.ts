// Fleet status from a mirror's access logs (`static-ota fleet`): the device
// library's User-Agent (src/protocol/user-agent.ts) names board, running version and
// channel, so nginx/Apache combined logs, S3 server access logs and CloudFront
// standard logs tell which versions the fleet runs, and since when.
import { writeFile } from 'node:fs/promises';
import {
  CLOUDFRONT_FIELDS,
  cloudFrontColumns,
  MAX_LOG_LINE_BYTES,
  parseCloudFrontLine,
  parseLogLine,
  readLogFile,
  type CloudFrontColumns,
  lineText,
  type LineSink,
} from './lines.js';
import { EscapeFinder, readCombined, type CombinedFields } from './combined-bytes.js';
import { FleetTally, type BucketSize, type FleetReport } from './tally.js';
import { renderFleetPage } from './html.js';
import { mirrorRollouts } from './mirror.js';
import { InputError } from '../../common/input-error.js';
import { terminalText } from '../../common/terminal-text.js';
import { MAX_BOARD_LENGTH, MAX_CHANNEL_LENGTH, MAX_VERSION_LENGTH } from '../../protocol/user-agent.js';
import { compareVersions } from '../../release/version.js';

export { MAX_LOG_LINE_BYTES, parseLogLine, type LoggedRequest } from './lines.js';
export type { BucketSize, FleetReport, FleetSeries, GroupSeries, VersionStatus } from './tally.js';

export interface ReportOptions {
  /** Only requests at or after this time (ms). */
  since?: number;
  bucket?: BucketSize;
}

const DEFAULT_CLOUDFRONT_COLUMNS = cloudFrontColumns(CLOUDFRONT_FIELDS) as CloudFrontColumns;

/** The first request time in a file, to read rotations oldest first whatever order --log names them in. */
async function firstRequestTime(file: string): Promise<number> {
  let time = Infinity;
  let lines = 0;
  const sink: LineSink = {
    line: (bytes, from, to) => {
      lines++;
      const text = lineText(bytes, from, to);
      const columns = text.includes('\t') ? DEFAULT_CLOUDFRONT_COLUMNS : undefined;
      const request = columns ? parseCloudFrontLine(text, columns) : parseLogLine(text);
      if (request && time === Infinity) time = request.time;
    },
    overlong: () => lines++,
    stop: () => time !== Infinity || lines > 100,
  };
  // A file that cannot be read is reported by the full read that follows, with its name.
  await readLogFile(file, sink).catch(() => undefined);
  return time;
}

export async function fleetReport(files: string[], options: ReportOptions = {}): Promise<FleetReport> {
  const tally = new FleetTally();
  const since = options.since ?? -Infinity;
  let otherLines = 0;
  let overlongLines = 0;
  const starts = await Promise.all(files.map(firstRequestTime));
  const ordered = files.map((file, index) => ({ file, start: starts[index] })).sort((a, b) => a.start - b.start);
  const escapes = new EscapeFinder();
  const fields: CombinedFields = { clientFrom: 0, clientTo: 0, agentFrom: 0, agentTo: 0, time: 0, status: 0, path: 0 };
  for (const { file } of ordered) {
    let columns: CloudFrontColumns | undefined;
    await readLogFile(file, {
      line(bytes, from, to) {
        // The common line, from its bytes; any other is decoded and parsed as text.
        if (readCombined(bytes, from, to, fields, escapes)) {
          if (!(fields.time >= since && tally.addCombined(bytes, fields))) otherLines++;
          return;
        }
        const line = lineText(bytes, from, to);
        if (line.length === 0 || (line.charCodeAt(0) <= 32 && !line.trim())) return;
        // CloudFront's directives (#Version, #Fields) are not requests.
        if (line.charCodeAt(0) === 35 /* # */) {
          if (line.startsWith('#Fields:')) columns = cloudFrontColumns(line);
          if (line.startsWith('#Fields:') || line.startsWith('#Version:')) return;
        }
        const request = line.includes('\t')
          ? parseCloudFrontLine(line, columns ?? DEFAULT_CLOUDFRONT_COLUMNS)
          : parseLogLine(line);
        const counted =
          request !== undefined &&
          request.time >= since &&
          tally.add(request.userAgent, request.client, request.time, request.path, request.status);
        if (!counted) otherLines++;
      },
      overlong: () => overlongLines++,
    });
  }
  const versions = tally
    .versions()
    .sort(
      (a, b) =>
        a.board.localeCompare(b.board) ||
        a.channel.localeCompare(b.channel) ||
        compareVersionsLeniently(b.version, a.version),
    );
  const series = tally.series(compareVersionsLeniently, options.bucket);
  return {
    ...(tally.deviceRequests === 0 ? {} : { from: new Date(tally.from).toISOString() }),
    ...(tally.deviceRequests === 0 ? {} : { to: new Date(tally.to).toISOString() }),
    deviceRequests: tally.deviceRequests,
    otherLines,
    ...(overlongLines === 0 ? {} : { overlongLines }),
    versions,
    ...(series ? { series } : {}),
  };
}

/** Devices report what they run; a version that is not SemVer sorts by its text. */
export function compareVersionsLeniently(a: string, b: string): number {
  try {
    return compareVersions(a, b);
  } catch {
    return a.localeCompare(b);
  }
}

/** Log lines are anyone's input: every text printed from them goes through terminalText, cut to what a device can send. */
export function formatFleetReport(report: FleetReport): string {
  const ignored = `${report.otherLines} other log lines ignored`;
  const lines = [
    report.from
      ? `${report.deviceRequests} requests from static-ota devices, ${terminalText(report.from, 40)} to ${terminalText(report.to ?? '', 40)} (${ignored})`
      : `no requests from static-ota devices (${ignored})`,
  ];
  const overlong = report.overlongLines ?? 0;
  if (overlong > 0)
    lines.push(
      `${overlong} log ${overlong === 1 ? 'line' : 'lines'} longer than ${MAX_LOG_LINE_BYTES / 1024} KiB skipped unread (no device sends one)`,
    );
  if (report.versions.length === 0) return `${lines.join('\n')}\n`;
  const header = [
    'board',
    'channel',
    'version',
    'clients',
    'current',
    'polls',
    'polling',
    'images',
    'fetching',
    'failed',
  ];
  const rows = report.versions.map((entry) => [
    terminalText(entry.board, MAX_BOARD_LENGTH),
    terminalText(entry.channel, MAX_CHANNEL_LENGTH),
    terminalText(entry.version, MAX_VERSION_LENGTH),
    ...[
      entry.clients,
      entry.current,
      entry.polls,
      entry.pollingClients,
      entry.imageFetches,
      entry.fetchingClients,
      entry.failures,
    ].map(String),
  ]);
  const widths = header.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column].length)));
  for (const row of [header, ...rows])
    lines.push(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
  lines.push(
    'clients: distinct device ids, or address+board, that ran the version; current: still on it at their last request; polling/fetching: distinct clients',
  );
  return `${lines.join('\n')}\n`;
}

export { fleetQueries, parseEngine } from './sql.js';

/** The fleet command's options as commander hands them over. */
export interface FleetCommandOptions {
  log?: string[];
  since?: string;
  json?: boolean;
  html?: string;
  mirror?: string;
  bucket?: string;
  sql?: string;
}

export function parseBucket(text: string): BucketSize {
  if (text === 'hour' || text === 'day') return text;
  throw new InputError(`--bucket ${JSON.stringify(text)}: hour or day`);
}

export interface FleetOptions {
  log: string[];
  /** Only requests this many seconds recent. */
  sinceSeconds?: number;
  json?: boolean;
  /** Also write the report as a self-contained page to this file. */
  html?: string;
  /** A mirror (directory or URL) whose index.json names the releases offered now, marked on the page. */
  mirror?: string;
  bucket?: BucketSize;
}

/** `static-ota fleet`, once the CLI has parsed its options. */
export async function runFleet(options: FleetOptions, out: (text: string) => void): Promise<void> {
  const since = options.sinceSeconds === undefined ? undefined : Date.now() - options.sinceSeconds * 1000;
  // The mirror first: a wrong --mirror should not cost a read of every log.
  const rollouts = options.mirror === undefined ? [] : await mirrorRollouts(options.mirror);
  const report = await fleetReport(options.log, { since, bucket: options.bucket });
  if (options.html !== undefined) {
    await writeFile(options.html, renderFleetPage(report, rollouts));
  }
  out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatFleetReport(report));
}
