// The common nginx/Apache `combined` line, read from the bytes of the log's
// read buffer: positions and numbers only, no string. It accepts exactly the
// lines parseCombinedFast (lines.ts) accepts, less some it leaves to it (an
// escape, a tab, a %-encoded path, a line starting with a blank or `#`), and
// reads the same fields from them; a line it leaves is decoded and parsed as text.
import { MANIFEST_FILE } from '../../protocol/manifest.js';
import { parseLogTime } from './lines.js';

export const PathKind = { Other: 0, Manifest: 1, Image: 2 } as const;
export type PathKind = (typeof PathKind)[keyof typeof PathKind];

/** What one line said, by position in its buffer; reused from line to line. */
export interface CombinedFields {
  clientFrom: number;
  clientTo: number;
  agentFrom: number;
  agentTo: number;
  time: number;
  status: number;
  path: PathKind;
}

const SPACE = 0x20;
const QUOTE = 0x22;
const TAB = 0x09;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const PERCENT = 0x25;
const QUESTION = 0x3f;
const MANIFEST_SUFFIX = Buffer.from(`/${MANIFEST_FILE}`, 'latin1');
const IMAGE_SUFFIX = Buffer.from('.bin', 'latin1');
const HTTP = Buffer.from(' HTTP/', 'latin1');

const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;

function indexOfByte(bytes: Uint8Array, byte: number, from: number, to: number): number {
  for (let at = from; at < to; at++) if (bytes[at] === byte) return at;
  return -1;
}

/** Where `first` then `second` are, from `from`, or -1. */
function indexOfPair(bytes: Uint8Array, first: number, second: number, from: number, to: number): number {
  for (let at = from; at + 1 < to; at++) if (bytes[at] === first && bytes[at + 1] === second) return at;
  return -1;
}

function endsWith(bytes: Uint8Array, from: number, to: number, suffix: Uint8Array): boolean {
  if (to - from < suffix.length) return false;
  for (let at = 0; at < suffix.length; at++) if (bytes[to - suffix.length + at] !== suffix[at]) return false;
  return true;
}

/** The day and zone (`10/Oct/2026:` ... ` -0700`) of the last time read, and its midnight in ms. */
const cachedDay = new Uint8Array(26);
let cachedDayStart = NaN;

/** parseLogTime on `bytes[from..from+26)`: the day parsed as text once, the clock by hand on every line. */
function timeAt(bytes: Uint8Array, from: number): number {
  const clockDigits =
    isDigit(bytes[from + 12]) && isDigit(bytes[from + 13]) && isDigit(bytes[from + 15]) && isDigit(bytes[from + 16]);
  const zoneDigits =
    isDigit(bytes[from + 22]) && isDigit(bytes[from + 23]) && isDigit(bytes[from + 24]) && isDigit(bytes[from + 25]);
  if (!clockDigits || !zoneDigits || !isDigit(bytes[from + 18]) || !isDigit(bytes[from + 19])) return NaN;
  const seconds =
    ((bytes[from + 12] - 48) * 10 + bytes[from + 13] - 48) * 3600 +
    ((bytes[from + 15] - 48) * 10 + bytes[from + 16] - 48) * 60 +
    (bytes[from + 18] - 48) * 10 +
    bytes[from + 19] -
    48;
  let same = !Number.isNaN(cachedDayStart);
  for (let at = 0; same && at < 26; at = at === 10 ? 20 : at + 1) same = bytes[from + at] === cachedDay[at];
  if (same) return cachedDayStart + seconds * 1000;
  const time = parseLogTime(Buffer.from(bytes.buffer, bytes.byteOffset + from, 26).toString('latin1'));
  if (Number.isNaN(time)) return NaN;
  cachedDay.set(bytes.subarray(from, from + 26));
  cachedDayStart = time - seconds * 1000;
  return time;
}

/** fastRequest (lines.ts) on `bytes[from..to)`: the path's kind, or -1 when the text parser must decide. */
function requestPath(bytes: Uint8Array, from: number, to: number): number {
  const methodEnd = indexOfByte(bytes, SPACE, from, to);
  if (methodEnd <= from) return -1;
  for (let at = from; at < methodEnd; at++) if (bytes[at] < 65 || bytes[at] > 90) return -1;
  let pathEnd = indexOfByte(bytes, SPACE, methodEnd + 1, to);
  if (pathEnd < 0) pathEnd = to;
  else {
    for (let at = 0; at < HTTP.length; at++) if (bytes[pathEnd + at] !== HTTP[at]) return -1;
    if (pathEnd + HTTP.length >= to) return -1;
    for (let at = pathEnd + HTTP.length; at < to; at++) if (!isDigit(bytes[at]) && bytes[at] !== 0x2e) return -1;
  }
  const query = indexOfByte(bytes, QUESTION, methodEnd + 1, pathEnd);
  const path = query < 0 ? pathEnd : query;
  if (path === methodEnd + 1 || indexOfByte(bytes, PERCENT, methodEnd + 1, path) >= 0) return -1;
  if (endsWith(bytes, methodEnd + 1, path, MANIFEST_SUFFIX)) return PathKind.Manifest;
  return endsWith(bytes, methodEnd + 1, path, IMAGE_SUFFIX) ? PathKind.Image : PathKind.Other;
}

/**
 * Whether a line holds a backslash or a tab, asked of the lines of a chunk in turn: each byte is found with one
 * memchr over the chunk, not by a scan of every line.
 */
export class EscapeFinder {
  private bytes: Buffer | undefined;
  private checkedFrom = 0;
  private nextBackslash = 0;
  private nextTab = 0;

  /** Whether `bytes[from..to)` holds a backslash or a tab. */
  within(bytes: Buffer, from: number, to: number): boolean {
    if (bytes !== this.bytes || from < this.checkedFrom) {
      this.bytes = bytes;
      this.nextBackslash = this.nextTab = -1;
    }
    this.checkedFrom = from;
    if (this.nextBackslash < from) this.nextBackslash = found(bytes.indexOf(BACKSLASH, from));
    if (this.nextTab < from) this.nextTab = found(bytes.indexOf(TAB, from));
    return this.nextBackslash < to || this.nextTab < to;
  }
}

const found = (index: number): number => (index < 0 ? Infinity : index);

/**
 * parseCombinedFast on `bytes[from..to)` (no line break), into `fields`; false for a line left to the text parser:
 *   client - user [time] "request" status bytes "referer" "user agent"
 */
export function readCombined(
  bytes: Buffer,
  from: number,
  to: number,
  fields: CombinedFields,
  escapes: EscapeFinder,
): boolean {
  if (to <= from || bytes[from] <= SPACE || bytes[from] === HASH || escapes.within(bytes, from, to)) return false;
  const clientEnd = indexOfByte(bytes, SPACE, from, to);
  const timeStart = indexOfPair(bytes, SPACE, 0x5b /* [ */, clientEnd, to) + 2;
  if (clientEnd <= from || timeStart < 2) return false;
  const timeEnd = timeStart + 26;
  if (timeEnd + 2 >= to || bytes[timeEnd] !== 0x5d /* ] */ || bytes[timeEnd + 2] !== QUOTE) return false;
  const requestEnd = indexOfPair(bytes, QUOTE, SPACE, timeEnd + 3, to);
  const status = requestEnd + 2;
  if (requestEnd < 0 || status + 3 > to || (status + 3 < to && bytes[status + 3] !== SPACE)) return false;
  if (!isDigit(bytes[status]) || !isDigit(bytes[status + 1]) || !isDigit(bytes[status + 2])) return false;
  const time = timeAt(bytes, timeStart);
  const refererStart = indexOfPair(bytes, SPACE, QUOTE, requestEnd + 6, to) + 2;
  if (Number.isNaN(time) || refererStart < 2) return false;
  let refererEnd = refererStart;
  for (; refererEnd + 2 < to; refererEnd++)
    if (bytes[refererEnd] === QUOTE && bytes[refererEnd + 1] === SPACE && bytes[refererEnd + 2] === QUOTE) break;
  const agentEnd = refererEnd + 2 < to ? indexOfByte(bytes, QUOTE, refererEnd + 3, to) : -1;
  const path = requestPath(bytes, timeEnd + 3, requestEnd);
  if (agentEnd < 0 || path < 0) return false;
  fields.clientFrom = from;
  fields.clientTo = clientEnd;
  fields.agentFrom = refererEnd + 3;
  fields.agentTo = agentEnd;
  fields.time = time;
  fields.status = (bytes[status] - 48) * 100 + (bytes[status + 1] - 48) * 10 + bytes[status + 2] - 48;
  fields.path = path as PathKind;
  return true;
}
