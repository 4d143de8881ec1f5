// Fleet status from a mirror's access logs (`static-ota fleet`): the device
// library's User-Agent (src/user-agent.ts) names board, running version and
// channel, so nginx/Apache combined logs and S3 server access logs tell which
// versions the fleet runs.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError } from './inputs.js';
import { isManifestPath } from './manifest.js';
import { parseUserAgent } from './user-agent.js';
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

/** Lines of a log file, gunzipped when it is a gzip rotation (by its magic bytes, not its name). */
async function* logLines(file: string): AsyncGenerator<string> {
  const handle = await open(file, 'r').catch((error: Error) => {
    throw new InputError(`cannot read log ${file}: ${error.message}`);
  });
  const head = Buffer.alloc(2);
  await handle.read(head, 0, 2, 0);
  await handle.close();
  // zlib and readline are taken here, not imported: every other CLI command (this module loads with the CLI) would
  // load them for nothing.
  const raw = createReadStream(file);
  const stream: Readable =
    head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(process.getBuiltinModule('node:zlib').createGunzip()) : raw;
  raw.on('error', (error) => stream.destroy(error));
  yield* process.getBuiltinModule('node:readline').createInterface({ input: stream, crlfDelay: Infinity });
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
  versions: VersionStatus[];
}

interface Tally {
  status: VersionStatus;
  clients: Set<string>;
  pollingClients: Set<string>;
  fetchingClients: Set<string>;
}

export async function fleetReport(files: string[], since?: Date): Promise<FleetReport> {
  const tallies = new Map<string, Tally>();
  const lastSeen = new Map<string, { time: number; key: string }>();
  let deviceRequests = 0;
  let otherLines = 0;
  let from: number | undefined;
  let to: number | undefined;
  for (const file of files) {
    for await (const line of logLines(file)) {
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
      let tally = tallies.get(key);
      if (!tally) {
        const status = {
          board: agent.board,
          channel: agent.channel,
          version: agent.version,
          clients: 0,
          current: 0,
          polls: 0,
          pollingClients: 0,
          imageFetches: 0,
          fetchingClients: 0,
          failures: 0,
        };
        tally = { status, clients: new Set(), pollingClients: new Set(), fetchingClients: new Set() };
        tallies.set(key, tally);
      }
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

export function formatFleetReport(report: FleetReport): string {
  const lines = [
    report.from
      ? `${report.deviceRequests} requests from static-ota devices, ${report.from} to ${report.to} (${report.otherLines} other log lines ignored)`
      : `no requests from static-ota devices (${report.otherLines} other log lines ignored)`,
  ];
  if (report.versions.length === 0) return `${lines[0]}\n`;
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
    entry.board,
    entry.channel,
    entry.version,
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
