// Access-log lines for `static-ota fleet`: reading files (plain or gzip) in
// bounded memory, and parsing one line of any of the formats a mirror writes:
// nginx/Apache `combined`, S3 server access logs, CloudFront standard logs (W3C).
// A log is anyone's input and can hold a billion lines: the common line takes a
// path of indexOf calls, no regular expression and no per-field allocation.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError } from '../../common/input-error.js';

/** One request of a log line, whatever the format. */
export interface LoggedRequest {
  client: string;
  /** Milliseconds since the epoch. */
  time: number;
  method: string;
  path: string;
  status: number;
  userAgent: string;
}

/**
 * Longest log line read. A device's line is a few hundred bytes (its URL and
 * User-Agent are bounded); a longer line is skipped unread and counted, never
 * held whole: a log is attacker input, and one line can be gigabytes.
 */
export const MAX_LOG_LINE_BYTES = 64 * 1024;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;
const twoDigits = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);
const isDigits = (text: string, from: number, to: number): boolean => {
  for (let at = from; at < to; at++) if (digit(text, at) < 0 || digit(text, at) > 9) return false;
  return true;
};

/** The midnight (UTC, ms) of the last `10/Oct/2026` seen with its zone `-0700`: consecutive lines share it. */
let cachedDate = '';
let cachedZone = '';
let cachedDayStart = 0;

/** `10/Oct/2026:13:55:36 -0700` (both combined and S3) at `text[from..from+26)`, or NaN. */
export function parseLogTime(text: string, from = 0, to = text.length): number {
  if (to - from !== 26 || !isDigits(text, from + 12, from + 14) || !isDigits(text, from + 15, from + 17)) return NaN;
  if (!isDigits(text, from + 18, from + 20) || !isDigits(text, from + 22, from + 26)) return NaN;
  if (!text.startsWith(cachedDate, from) || !text.startsWith(cachedZone, from + 20) || cachedDate === '') {
    const month = MONTHS.indexOf(text.slice(from + 3, from + 6));
    const sign = text[from + 21] === '-' ? -1 : text[from + 21] === '+' ? 1 : NaN;
    const valid =
      month >= 0 &&
      text[from + 2] === '/' &&
      text[from + 6] === '/' &&
      isDigits(text, from, from + 2) &&
      isDigits(text, from + 7, from + 11);
    if (!valid || Number.isNaN(sign)) return NaN;
    const offsetMinutes = sign * (twoDigits(text, from + 22) * 60 + twoDigits(text, from + 24));
    cachedDayStart =
      Date.UTC(Number(text.slice(from + 7, from + 11)), month, twoDigits(text, from)) - offsetMinutes * 60_000;
    cachedDate = text.slice(from, from + 11);
    cachedZone = text.slice(from + 20, from + 26);
  }
  const seconds = twoDigits(text, from + 12) * 3600 + twoDigits(text, from + 15) * 60 + twoDigits(text, from + 18);
  return cachedDayStart + seconds * 1000;
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

const decodePath = (path: string): string => {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/** `GET /nodemcuv2/latest.txt HTTP/1.1` → method and path without the query. */
function requestLine(text: string): { method: string; path: string } | undefined {
  const match = /^([A-Z]+) (\S+)(?: HTTP\/[\d.]+)?$/.exec(text);
  if (!match) return undefined;
  const query = match[2].indexOf('?');
  return { method: match[1], path: decodePath(query < 0 ? match[2] : match[2].slice(0, query)) };
}

/** requestLine on `line[from..to)` without a regular expression or a copy of the request: the common line's path. */
function fastRequest(line: string, from: number, to: number): { method: string; path: string } | undefined {
  const methodEnd = line.indexOf(' ', from);
  if (methodEnd <= from || methodEnd >= to) return undefined;
  for (let at = from; at < methodEnd; at++) if (line.charCodeAt(at) < 65 || line.charCodeAt(at) > 90) return undefined;
  let pathEnd = line.indexOf(' ', methodEnd + 1);
  if (pathEnd < 0 || pathEnd >= to) pathEnd = to;
  else if (!line.startsWith(' HTTP/', pathEnd) || !/^[\d.]+$/.test(line.slice(pathEnd + 6, to))) return undefined;
  const query = line.indexOf('?', methodEnd + 1);
  const path = line.slice(methodEnd + 1, query > 0 && query < pathEnd ? query : pathEnd);
  return path.length === 0 ? undefined : { method: line.slice(from, methodEnd), path: decodePath(path) };
}

const statusAt = (text: string, at: number): number =>
  isDigits(text, at, at + 3) && (at + 3 === text.length || text[at + 3] === ' ')
    ? digit(text, at) * 100 + twoDigits(text, at + 1)
    : NaN;

/**
 * The common combined line (no backslash, so no escaped quote), by position:
 *   client - user [time] "request" status bytes "referer" "user agent"
 */
function parseCombinedFast(line: string): LoggedRequest | undefined {
  const clientEnd = line.indexOf(' ');
  const timeStart = line.indexOf(' [', clientEnd) + 2;
  if (clientEnd <= 0 || timeStart < 2) return undefined;
  const timeEnd = timeStart + 26;
  if (line.charCodeAt(timeEnd) !== 93 /* ] */ || line.charCodeAt(timeEnd + 2) !== 34 /* " */) return undefined;
  const requestEnd = line.indexOf('" ', timeEnd + 3);
  const status = statusAt(line, requestEnd + 2);
  const time = parseLogTime(line, timeStart, timeEnd);
  if (requestEnd < 0 || Number.isNaN(status) || Number.isNaN(time)) return undefined;
  const refererStart = line.indexOf(' "', requestEnd + 6) + 2;
  const refererEnd = refererStart < 2 ? -1 : line.indexOf('" "', refererStart);
  const agentEnd = refererEnd < 0 ? -1 : line.indexOf('"', refererEnd + 3);
  if (agentEnd < 0) return undefined;
  const request = fastRequest(line, timeEnd + 3, requestEnd);
  if (!request) return undefined;
  return {
    client: line.slice(0, clientEnd),
    time,
    method: request.method,
    path: request.path,
    status,
    userAgent: line.slice(refererEnd + 3, agentEnd),
  };
}

/**
 * nginx/Apache `combined` with escapes, and the S3 server access log
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html):
 *   owner bucket [time] client requester request-id operation key "request-uri" status error bytes size
 *   total turnaround "referer" "user agent" version-id ...
 */
function parseByFields(line: string): LoggedRequest | undefined {
  const fields = fieldsOf(line);
  const status = (index: number): number => (/^\d{3}$/.test(fields[index] ?? '') ? Number(fields[index]) : NaN);
  const combinedTime = parseLogTime(fields[3] ?? '');
  const combinedRequest =
    !Number.isNaN(combinedTime) && !Number.isNaN(status(5)) && fields.length >= 9
      ? requestLine(unescapeLogString(fields[4]))
      : undefined;
  if (combinedRequest) {
    const userAgent = unescapeLogString(fields[8]);
    return { client: fields[0], time: combinedTime, ...combinedRequest, status: status(5), userAgent };
  }
  const s3Time = parseLogTime(fields[2] ?? '');
  const s3Request =
    !Number.isNaN(s3Time) && !Number.isNaN(status(9)) && fields.length >= 17 ? requestLine(fields[8]) : undefined;
  if (!s3Request) return undefined;
  // The key is the object's path; the request-uri may start with the bucket (path-style requests).
  const key = fields[7];
  return {
    client: fields[3],
    time: s3Time,
    method: s3Request.method,
    path: key && key !== '-' ? `/${key}` : s3Request.path,
    status: status(9),
    userAgent: fields[16],
  };
}

/** A combined or S3 line, or undefined for anything else. */
export function parseLogLine(line: string): LoggedRequest | undefined {
  return (!line.includes('\\') && parseCombinedFast(line)) || parseByFields(line);
}

/**
 * CloudFront standard logs (docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html):
 * tab-separated, the column order named by a `#Fields:` line, values URL-encoded.
 */
export const CLOUDFRONT_FIELDS =
  'date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) ' +
  'cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken ' +
  'x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status ' +
  'fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len ' +
  'sc-range-start sc-range-end';

export interface CloudFrontColumns {
  date: number;
  time: number;
  client: number;
  method: number;
  path: number;
  status: number;
  userAgent: number;
}

/** Where each needed field is, from a `#Fields:` directive; undefined when one is missing. */
export function cloudFrontColumns(fieldsDirective: string): CloudFrontColumns | undefined {
  const names = fieldsDirective
    .replace(/^#Fields:\s*/, '')
    .trim()
    .split(/\s+/);
  const columns = {
    date: names.indexOf('date'),
    time: names.indexOf('time'),
    client: names.indexOf('c-ip'),
    method: names.indexOf('cs-method'),
    path: names.indexOf('cs-uri-stem'),
    status: names.indexOf('sc-status'),
    userAgent: names.indexOf('cs(User-Agent)'),
  };
  return Object.values(columns).every((index) => index >= 0) ? columns : undefined;
}

/** CloudFront encodes a space in the User-Agent as %20 and some characters twice (%2520). */
const urlDecode = (text: string): string => {
  let decoded = text;
  for (let round = 0; round < 2 && decoded.includes('%'); round++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
  }
  return decoded;
};

/** One tab-separated CloudFront line, or undefined. */
export function parseCloudFrontLine(line: string, columns: CloudFrontColumns): LoggedRequest | undefined {
  const values = line.split('\t');
  // A line cut short (a truncated file, junk with a tab) lacks some of them.
  if (values.length <= Math.max(columns.client, columns.method, columns.path, columns.userAgent)) return undefined;
  const date = values[columns.date] ?? '';
  const clock = values[columns.time] ?? '';
  const status = values[columns.status] ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}:\d{2}$/.test(clock) || !/^\d{3}$/.test(status))
    return undefined;
  const time = Date.parse(`${date}T${clock}Z`);
  if (Number.isNaN(time)) return undefined;
  return {
    client: values[columns.client],
    time,
    method: values[columns.method],
    path: decodePath(values[columns.path]),
    status: Number(status),
    userAgent: urlDecode(values[columns.userAgent]),
  };
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

export interface LineSink {
  /** One line, `bytes[from..to)` without its \n (nor a \r before it); the bytes are only good during the call. */
  line(bytes: Buffer, from: number, to: number): void;
  /** A line longer than MAX_LOG_LINE_BYTES, skipped unread. */
  overlong(): void;
  /** Checked after each chunk: true ends the read early (a look at a file's first lines). */
  stop?(): boolean;
}

/** A line as text, decoded as latin1: a device's line is ASCII, and any other byte must only not crash the reader. */
export const lineText = (bytes: Buffer, from: number, to: number): string => bytes.toString('latin1', from, to);

/**
 * Lines of bytes split at \n, handed over where they lie in the chunk read (no copy, no string): only a line cut by
 * a chunk's end is copied whole. At most MAX_LOG_LINE_BYTES of a line is ever held.
 */
export async function splitLines(chunks: AsyncIterable<Buffer>, sink: LineSink): Promise<void> {
  let carry: Buffer[] = [];
  let carried = 0;
  let skipping = false;
  const emit = (bytes: Buffer, from: number, newline: number): void => {
    if (newline - from > MAX_LOG_LINE_BYTES) sink.overlong();
    else sink.line(bytes, from, newline > from && bytes[newline - 1] === 13 ? newline - 1 : newline);
  };
  for await (const chunk of chunks) {
    let from = 0;
    let newline = chunk.indexOf(0x0a);
    if (newline >= 0 && (skipping || carried > 0)) {
      if (skipping || carried + newline > MAX_LOG_LINE_BYTES) sink.overlong();
      else {
        const whole = Buffer.concat([...carry, chunk.subarray(0, newline)]);
        emit(whole, 0, whole.length);
      }
      [carry, carried, skipping] = [[], 0, false];
      from = newline + 1;
      newline = chunk.indexOf(0x0a, from);
    }
    for (; newline >= 0; newline = chunk.indexOf(0x0a, from)) {
      emit(chunk, from, newline);
      from = newline + 1;
    }
    if (sink.stop?.()) return;
    if (skipping || from === chunk.length) continue;
    if (carried + chunk.length - from > MAX_LOG_LINE_BYTES) [carry, carried, skipping] = [[], 0, true];
    else {
      // A copy: the stream may reuse the chunk's memory.
      carry.push(Buffer.from(chunk.subarray(from)));
      carried += chunk.length - from;
    }
  }
  if (carried > 0 || skipping) {
    if (skipping) sink.overlong();
    else {
      const whole = Buffer.concat(carry);
      emit(whole, 0, whole.length);
    }
  }
}

/** Reads a log file, gunzipped when it is a gzip rotation, into `sink`. */
export async function readLogFile(file: string, sink: LineSink): Promise<void> {
  let gzip = false;
  try {
    gzip = await isGzipFile(file);
    const raw = createReadStream(file, { highWaterMark: 1024 * 1024 });
    // zlib is taken here, not imported: every other CLI command (this module loads with the CLI) would load it for nothing.
    const stream: Readable = gzip ? raw.pipe(process.getBuiltinModule('node:zlib').createGunzip()) : raw;
    raw.on('error', (error) => stream.destroy(error));
    await splitLines(stream, sink);
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
