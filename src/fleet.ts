// Fleet status from a mirror's access logs (`static-ota fleet`): the device
// library's User-Agent (src/user-agent.ts) names board, running version and
// channel, so nginx/Apache combined logs and S3 server access logs tell which
// versions the fleet runs.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError } from './inputs.js';
import { isManifestPath } from './manifest.js';
import { terminalText } from './terminal-text.js';
import {
  MAX_BOARD_LENGTH,
  MAX_CHANNEL_LENGTH,
  MAX_VERSION_LENGTH,
  parseUserAgent,
  type DeviceAgent,
} from './user-agent.js';
import { compareVersions } from './version.js';

/** One request of a log line, whatever the format. */
export interface LoggedRequest {
  client: string;
  time: Date;
  method: string;
  path: string;
  status: number;
  userAgent: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `10/Oct/2026:13:55:36 -0700`, the time format of both log formats. */
function parseLogTime(text: string): Date | undefined {
  const match = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match ? MONTHS.indexOf(match[2]) : -1;
  if (!match || month < 0) return undefined;
  const offsetMinutes = (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9]));
  const utc = Date.UTC(Number(match[3]), month, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  return new Date(utc - offsetMinutes * 60_000);
}

/** nginx writes `"` and control bytes in strings as \xHH; Apache as \" and \\. */
const unescapeLogString = (text: string): string =>
  text.replace(/\\x([0-9a-fA-F]{2})|\\(["\\])/g, (_, hex: string | undefined, character: string | undefined) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : (character as string),
  );

/** Space-separated fields, where "quoted strings" and [bracketed times] are one field each. */
function fieldsOf(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|\[([^\]]*)\]|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]);
}

/** `GET /nodemcuv2/latest.txt HTTP/1.1` → method and path without the query. */
function requestLine(text: string): { method: string; path: string } | undefined {
  const match = /^([A-Z]+) (\S+)(?: HTTP\/[\d.]+)?$/.exec(unescapeLogString(text));
  if (!match) return undefined;
  const path = match[2].split('?')[0];
  try {
    return { method: match[1], path: decodeURIComponent(path) };
  } catch {
    return { method: match[1], path };
  }
}

/**
 * nginx/Apache `combined`:
 *   client - user [time] "request" status bytes "referer" "user agent"
 * S3 server access log (docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html):
 *   owner bucket [time] client requester request-id operation key "request-uri" status error bytes size
 *   total turnaround "referer" "user agent" version-id ...
 */
export function parseLogLine(line: string): LoggedRequest | undefined {
  const fields = fieldsOf(line);
  const status = (index: number): number | undefined =>
    /^\d{3}$/.test(fields[index] ?? '') ? Number(fields[index]) : undefined;
  const combinedTime = parseLogTime(fields[3] ?? '');
  const combinedRequest =
    combinedTime && status(5) !== undefined && fields.length >= 9 ? requestLine(fields[4]) : undefined;
  if (combinedTime && combinedRequest) {
    return {
      client: fields[0],
      time: combinedTime,
      ...combinedRequest,
      status: status(5) as number,
      userAgent: unescapeLogString(fields[8]),
    };
  }
  const s3Time = parseLogTime(fields[2] ?? '');
  const s3Request = s3Time && status(9) !== undefined && fields.length >= 17 ? requestLine(fields[8]) : undefined;
  if (s3Time && s3Request) {
    // The key is the object's path; the request-uri may start with the bucket (path-style requests).
    const key = fields[7];
    return {
      client: fields[3],
      time: s3Time,
      method: s3Request.method,
      path: key && key !== '-' ? `/${key}` : s3Request.path,
      status: status(9) as number,
      userAgent: fields[16],
    };
  }
  return undefined;
}

/**
 * Longest log line read. A device's line is a few hundred bytes (its URL and
 * User-Agent are bounded); a longer line is skipped unread and counted, never
 * held whole: a log is attacker input, and one line can be gigabytes.
 */
export const MAX_LOG_LINE_BYTES = 64 * 1024;

/** What logLines yields in place of a line longer than MAX_LOG_LINE_BYTES. */
const OVERLONG = Symbol('overlong log line');
type LogLine = string | typeof OVERLONG;

/** Splits bytes into lines at \n (a \r before it dropped), holding at most MAX_LOG_LINE_BYTES of a line. */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<LogLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const endLine = (): LogLine => {
    const line =
      pendingBytes > MAX_LOG_LINE_BYTES ? OVERLONG : Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
    pending = [];
    pendingBytes = 0;
    return line;
  };
  for await (const chunk of chunks) {
    for (let start = 0; start < chunk.length;) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline < 0 ? chunk.length : newline;
      pendingBytes += end - start;
      if (pendingBytes <= MAX_LOG_LINE_BYTES) pending.push(chunk.subarray(start, end));
      else pending = [];
      if (newline < 0) break;
      yield endLine();
      start = newline + 1;
    }
  }
  if (pendingBytes > 0) yield endLine();
}

/** By the magic bytes, not the name: logrotate's `.gz` and any other rotation scheme. */
async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Lines of a log file, gunzipped when it is a gzip rotation. */
async function* logLines(file: string): AsyncGenerator<LogLine> {
  let gzip = false;
  try {
    gzip = await isGzipFile(file);
    const raw = createReadStream(file);
    // zlib is taken here, not imported: every other CLI command (this module loads with the CLI) would load it for nothing.
    const stream: Readable = gzip ? raw.pipe(process.getBuiltinModule('node:zlib').createGunzip()) : raw;
    raw.on('error', (error) => stream.destroy(error));
    yield* splitLines(stream);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // zlib's own words ("unexpected end of file") do not say which file, nor that it is the file that is broken.
    if (gzip && code?.startsWith('Z_'))
      throw new InputError(
        `log ${file} is gzip data that is damaged or cut short (${message}); check it with gzip -t, or leave it out of --log`,
      );
    throw new InputError(`cannot read log ${file}: ${message}`);
  }
}

export interface VersionStatus {
  board: string;
  channel: string;
  version: string;
  /** Distinct clients (device id, or address and board) that ran the version at some time in the window. */
  clients: number;
  /** Of those, the clients whose last request in the window still ran it. */
  current: number;
  /** Requests for latest.txt, and their distinct clients. */
  polls: number;
  pollingClients: number;
  /** Image requests answered 200 or 206, and their distinct clients. */
  imageFetches: number;
  fetchingClients: number;
  /** Requests answered 400 or above. */
  failures: number;
}

export interface FleetReport {
  from?: string;
  to?: string;
  /** Requests from static-ota devices, and the other lines (other clients, other formats). */
  deviceRequests: number;
  otherLines: number;
  /** Lines longer than MAX_LOG_LINE_BYTES, skipped unread; only when there were some. */
  overlongLines?: number;
  versions: VersionStatus[];
}

interface Tally {
  status: VersionStatus;
  clients: Set<string>;
  pollingClients: Set<string>;
  fetchingClients: Set<string>;
}

const newTally = ({ board, channel, version }: DeviceAgent): Tally => ({
  status: {
    board,
    channel,
    version,
    clients: 0,
    current: 0,
    polls: 0,
    pollingClients: 0,
    imageFetches: 0,
    fetchingClients: 0,
    failures: 0,
  },
  clients: new Set(),
  pollingClients: new Set(),
  fetchingClients: new Set(),
});

export async function fleetReport(files: string[], since?: Date): Promise<FleetReport> {
  const tallies = new Map<string, Tally>();
  const lastSeen = new Map<string, { time: number; key: string }>();
  let deviceRequests = 0;
  let otherLines = 0;
  let overlongLines = 0;
  let from: number | undefined;
  let to: number | undefined;
  for (const file of files) {
    for await (const line of logLines(file)) {
      if (line === OVERLONG) {
        overlongLines++;
        continue;
      }
      if (!line.trim()) continue;
      const request = parseLogLine(line);
      const agent = request && parseUserAgent(request.userAgent);
      if (!request || !agent || (since && request.time < since)) {
        otherLines++;
        continue;
      }
      deviceRequests++;
      const time = request.time.getTime();
      from = Math.min(from ?? time, time);
      to = Math.max(to ?? time, time);
      const key = JSON.stringify([agent.board, agent.channel, agent.version]);
      const tally = tallies.get(key) ?? newTally(agent);
      tallies.set(key, tally);
      // A client is a device id where the sketch sends one, else an address running a board: NAT may hide several devices behind one.
      const client = agent.deviceId ? `id ${agent.deviceId}` : `${request.client} ${agent.board} ${agent.channel}`;
      tally.clients.add(client);
      if (isManifestPath(request.path)) {
        tally.status.polls++;
        tally.pollingClients.add(client);
      } else if (request.path.endsWith('.bin') && (request.status === 200 || request.status === 206)) {
        tally.status.imageFetches++;
        tally.fetchingClients.add(client);
      }
      if (request.status >= 400) tally.status.failures++;
      const seen = lastSeen.get(client);
      if (!seen || seen.time <= time) lastSeen.set(client, { time, key });
    }
  }
  for (const { key } of lastSeen.values()) (tallies.get(key) as Tally).status.current++;
  const versions = [...tallies.values()]
    .map(({ status, clients, pollingClients, fetchingClients }) => ({
      ...status,
      clients: clients.size,
      pollingClients: pollingClients.size,
      fetchingClients: fetchingClients.size,
    }))
    .sort(
      (a, b) =>
        a.board.localeCompare(b.board) ||
        a.channel.localeCompare(b.channel) ||
        compareVersionsLeniently(b.version, a.version),
    );
  return {
    ...(from === undefined ? {} : { from: new Date(from).toISOString() }),
    ...(to === undefined ? {} : { to: new Date(to as number).toISOString() }),
    deviceRequests,
    otherLines,
    ...(overlongLines === 0 ? {} : { overlongLines }),
    versions,
  };
}

/** Devices report what they run; a version that is not SemVer sorts by its text. */
function compareVersionsLeniently(a: string, b: string): number {
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

export interface FleetOptions {
  log: string[];
  /** Only requests this many seconds recent. */
  sinceSeconds?: number;
  json?: boolean;
}

/** `static-ota fleet`, once the CLI has parsed its options. */
export async function runFleet(options: FleetOptions, out: (text: string) => void): Promise<void> {
  const since = options.sinceSeconds === undefined ? undefined : new Date(Date.now() - options.sinceSeconds * 1000);
  const report = await fleetReport(options.log, since);
  out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatFleetReport(report));
}
