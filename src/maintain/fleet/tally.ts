// The counting behind `static-ota fleet`, in memory that grows with the
// devices, not the lines: each client is interned to a number once (byte-keys.ts),
// and what is kept per client lives in typed arrays (about 150 bytes a client
// with its key), so a million devices fit in 400 MiB whatever the log's length.
import { InputError } from '../../common/input-error.js';
import { isManifestPath } from '../../protocol/manifest.js';
import { parseUserAgent, type DeviceAgent } from '../../protocol/user-agent.js';
import { ByteKeys, grown } from './byte-keys.js';
import { PathKind, type CombinedFields } from './combined-bytes.js';
import { lineText } from './lines.js';

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

/** One board and channel over time: every array has one entry per bucket of FleetSeries.buckets. */
export interface GroupSeries {
  board: string;
  channel: string;
  /** Distinct clients seen in the bucket (one that updated in it counts once here, under both versions below). */
  devices: number[];
  /** Distinct clients seen running each version in the bucket, newest version first. */
  versions: Array<{ version: string; devices: number[] }>;
  polls: number[];
  imageFetches: number[];
  /** Requests answered 400 or above, and of those the image requests. */
  failures: number[];
  imageFailures: number[];
}

export interface FleetSeries {
  bucket: 'hour' | 'day';
  /** Start of each bucket (ISO 8601, UTC), oldest first, without gaps. */
  buckets: string[];
  groups: GroupSeries[];
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
  /** Only when there were device requests. */
  series?: FleetSeries;
}

export type BucketSize = FleetSeries['bucket'];
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Up to three days of logs are drawn by the hour, longer windows by the day. */
export const HOURLY_SPAN_LIMIT_MS = 3 * DAY_MS;
/** A series ends at the last request and reaches back at most this many buckets (over two years by the day). */
export const MAX_SERIES_BUCKETS = 800;

/** Packed (bucket, item) keys stay exact doubles: items below 2^24, buckets below 2^28 (hours to the year 32,000). */
const ITEM_LIMIT = 2 ** 24;
const packed = (bucket: number, item: number): number => bucket * ITEM_LIMIT + item;

/** Per item (a version or a board and channel), per bucket number: how many distinct clients. */
class BucketCounts {
  private readonly counts: Array<Map<number, number>> = [];

  increment(item: number, bucket: number): void {
    const counts = this.counts[item] ?? (this.counts[item] = new Map());
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }

  count(bucket: number, item: number): number {
    return this.counts[item]?.get(bucket) ?? 0;
  }
}

/**
 * Four series count distinct clients per bucket: versions and boards, by the hour and by the day. Each remembers
 * the last two (bucket, item) pairs of a client, side by side in the client's record with its last request (the
 * log's clients come in random order, and memory latency is what costs). Exact when each client's requests come
 * in time order (files are read oldest first), unless it runs three versions in turn within one bucket; a
 * request read after two other pairs of the same series can count its client twice (docs/fleet.md).
 */
const RECENT_STRIDE = 8;
/** Each client's record: its rings, then the time of its last request and the tally it ran then (see `last`). */
const STATE_STRIDE = RECENT_STRIDE + 2;
const LAST_TIME = RECENT_STRIDE;
const LAST_TALLY = RECENT_STRIDE + 1;
const Ring = { VersionHour: 0, VersionDay: 2, GroupHour: 4, GroupDay: 6 } as const;
type Ring = (typeof Ring)[keyof typeof Ring];

const CLIENT = 1;
const POLLING = 2;
const FETCHING = 4;

/** Flags per client for one version: a Map while few clients ran it (a version seen once costs little), then one byte a client. */
class ClientFlags {
  private sparse: Map<number, number> | undefined = new Map();
  private dense = new Uint8Array(0);

  set(client: number, flags: number, clientCount: number): void {
    if (this.sparse) {
      this.sparse.set(client, (this.sparse.get(client) ?? 0) | flags);
      // A Map entry costs some 30 bytes, a dense slot one byte for every client there is.
      if (this.sparse.size * 32 < clientCount) return;
      this.dense = new Uint8Array(Math.max(clientCount, 1024));
      for (const [index, value] of this.sparse) this.dense[index] = value;
      this.sparse = undefined;
      return;
    }
    if (client >= this.dense.length) this.dense = grown(this.dense, client, 0);
    this.dense[client] |= flags;
  }

  count(flag: number): number {
    let total = 0;
    if (this.sparse) for (const value of this.sparse.values()) total += value & flag ? 1 : 0;
    else for (let client = 0; client < this.dense.length; client++) total += this.dense[client] & flag ? 1 : 0;
    return total;
  }
}

interface Tally {
  status: VersionStatus;
  group: number;
  flags: ClientFlags;
}

interface Group {
  board: string;
  channel: string;
  /** Per hour: polls, image fetches, failures, image failures. */
  counters: Map<number, number[]>;
  /** The last hour counted, and its counters: the next request is most likely in it. */
  lastHour: number;
  lastCounters: number[];
}

/** User-Agents without a device id repeat (one per board, version and channel): parsed once each, up to this many kept. */
const AGENT_CACHE_LIMIT = 50_000;
const DEVICE_ID = /^[A-Za-z0-9._-]{1,32}$/;

/** A Map key that holds no slice of the chunk it was cut from (V8 keeps the whole parent string alive otherwise). */
const ownCopy = (text: string): string => (text.length < 13 ? text : Buffer.from(text, 'latin1').toString('latin1'));

/** Key spaces of FleetTally.clients: device ids in one, addresses in one per board and channel. */
const ID_SPACE = 0;
const addressSpace = (group: number): number => group + 1;
const AgentSpace = { Head: 0, Whole: 1 } as const;
type AgentSpace = (typeof AgentSpace)[keyof typeof AgentSpace];
/** A device's User-Agent is under 250 bytes; a longer one is another client's, parsed without a cache entry. */
const CACHED_AGENT_BYTES = 512;
/** A User-Agent not in the cache. */
const UNKNOWN = -2;

const isDeviceIdByte = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) ||
  (byte >= 0x41 && byte <= 0x5a) ||
  (byte >= 0x61 && byte <= 0x7a) ||
  byte === 0x2e ||
  byte === 0x5f ||
  byte === 0x2d;

/**
 * Where a device id starts in the User-Agent `bytes[from..to)` ending `; <id>)`, or -1: tallyWithId's test. The id
 * holds neither `;` nor a space, so the `; ` before it is the last one in the User-Agent.
 */
function deviceIdStart(bytes: Uint8Array, from: number, to: number): number {
  if (to - from < 4 || bytes[to - 1] !== 0x29 /* ) */) return -1;
  let start = to - 1;
  while (start > from && to - 1 - start < 33 && isDeviceIdByte(bytes[start - 1])) start--;
  const length = to - 1 - start;
  if (length < 1 || length > 32 || start - from < 2) return -1;
  return bytes[start - 2] === 0x3b /* ; */ && bytes[start - 1] === 0x20 ? start : -1;
}

export class FleetTally {
  deviceRequests = 0;
  from = Infinity;
  to = -Infinity;
  /** Device ids, and per board and channel the addresses of clients without one: each a client number. */
  private readonly clients = new ByteKeys();
  /** User-Agent (without its device id) → its version's tally number, or -1 for another client's. */
  private readonly agents = new Map<string, number>();
  /** The same for User-Agents with a device id, by their text before `; <id>)`. */
  private readonly idAgents = new Map<string, number>();
  /** The tallies of the User-Agents of combined lines, by their bytes (AgentSpace: with or without the id). */
  private readonly agentKeys = new ByteKeys();
  private agentKeyTallies = new Int32Array(0);
  private readonly tallies: Tally[] = [];
  private readonly tallyIds = new Map<string, number>();
  private readonly groups: Group[] = [];
  private readonly groupIds = new Map<string, number>();
  /** Per client, STATE_STRIDE numbers side by side: a client's request touches one place in memory. */
  private state = new Float64Array(0);
  private readonly hourly = new BucketCounts();
  private readonly daily = new BucketCounts();
  private readonly groupHourly = new BucketCounts();
  private readonly groupDaily = new BucketCounts();

  private tallyOf(agent: DeviceAgent): number {
    const key = `${agent.board}\n${agent.channel}\n${agent.version}`;
    const known = this.tallyIds.get(key);
    if (known !== undefined) return known;
    if (this.tallies.length >= ITEM_LIMIT)
      throw new InputError(`more than ${ITEM_LIMIT} distinct versions in the logs`);
    const groupKey = `${agent.board}\n${agent.channel}`;
    let group = this.groupIds.get(groupKey);
    if (group === undefined) {
      const names = { board: ownCopy(agent.board), channel: ownCopy(agent.channel) };
      group = this.groups.push({ ...names, counters: new Map(), lastHour: NaN, lastCounters: [] }) - 1;
      this.groupIds.set(ownCopy(groupKey), group);
    }
    const { board, channel } = this.groups[group];
    const status = { board, channel, version: ownCopy(agent.version), clients: 0, current: 0, polls: 0 };
    this.tallies.push({
      status: { ...status, pollingClients: 0, imageFetches: 0, fetchingClients: 0, failures: 0 },
      group,
      flags: new ClientFlags(),
    });
    this.tallyIds.set(ownCopy(key), this.tallies.length - 1);
    return this.tallies.length - 1;
  }

  /** The tally of a whole User-Agent, or -1 when it is not a device's without an id. */
  private wholeAgentTally(userAgent: string): number {
    const agent = parseUserAgent(userAgent);
    return agent && !agent.deviceId ? this.tallyOf(agent) : -1;
  }

  /** The same for the text of a User-Agent before `; <id>)`. */
  private headAgentTally(head: string): number {
    return this.wholeAgentTally(`${head})`);
  }

  /** The tally of a User-Agent with no device id, or -1 when it is not a device's. */
  private agentTally(userAgent: string): number {
    const known = this.agents.get(userAgent);
    if (known !== undefined) return known;
    const tally = this.wholeAgentTally(userAgent);
    if (this.agents.size >= AGENT_CACHE_LIMIT) this.agents.clear();
    this.agents.set(ownCopy(userAgent), tally);
    return tally;
  }

  /** `static-ota/1.0.0 (board; 1.4.2; stable; kitchen-1)` → its tally through the cached form without the id; -1 if not one. */
  private tallyWithId(userAgent: string, idStart: number): number {
    if (idStart < 2 || !userAgent.endsWith(')') || !DEVICE_ID.test(userAgent.slice(idStart, -1))) return -1;
    const head = userAgent.slice(0, idStart - 2);
    const known = this.idAgents.get(head);
    if (known !== undefined) return known;
    const tally = this.headAgentTally(head);
    if (this.idAgents.size >= AGENT_CACHE_LIMIT) this.idAgents.clear();
    this.idAgents.set(ownCopy(head), tally);
    return tally;
  }

  /** The tally of the User-Agent `bytes[from..to)` when it is in the cache (one without a device id), else UNKNOWN. */
  private knownWholeAgent(bytes: Buffer, from: number, to: number): number {
    const entry = this.agentKeys.find(bytes, from, to, AgentSpace.Whole);
    return entry < 0 ? UNKNOWN : this.agentKeyTallies[entry];
  }

  /** The tally of `bytes[from..to)` in `space` (a whole User-Agent, or its text before an id), cached. */
  private cachedAgentTally(bytes: Buffer, from: number, to: number, space: AgentSpace): number {
    const tallyOfText = space === AgentSpace.Head ? this.headAgentTally : this.wholeAgentTally;
    if (to - from > CACHED_AGENT_BYTES) return tallyOfText.call(this, lineText(bytes, from, to));
    const keys = this.agentKeys;
    if (keys.size >= AGENT_CACHE_LIMIT) keys.clear();
    const known = keys.size;
    const entry = keys.intern(bytes, from, to, space);
    if (keys.size === known) return this.agentKeyTallies[entry];
    if (entry >= this.agentKeyTallies.length) this.agentKeyTallies = grown(this.agentKeyTallies, entry, UNKNOWN);
    return (this.agentKeyTallies[entry] = tallyOfText.call(this, lineText(bytes, from, to)));
  }

  /** The client numbered for `bytes[from..to)` in `space`, a new one the first time. */
  private clientOf(bytes: Uint8Array, from: number, to: number, space: number): number {
    const known = this.clients.size;
    const client = this.clients.intern(bytes, from, to, space);
    if (this.clients.size === known) return client;
    if ((client + 1) * STATE_STRIDE > this.state.length)
      this.state = grown(this.state, (client + 1) * STATE_STRIDE - 1, -1);
    this.state[client * STATE_STRIDE + LAST_TIME] = -Infinity;
    return client;
  }

  private clientOfText(text: string, space: number): number {
    const bytes = Buffer.from(text, 'latin1');
    return this.clientOf(bytes, 0, bytes.length, space);
  }

  /**
   * One request if it is a device's (`address` as logged, `time` in ms); false for another client's.
   * A device id is cut off the User-Agent before the cache, which then holds one entry per version.
   */
  add(userAgent: string, address: string, time: number, path: string, status: number): boolean {
    let client: number;
    let tallyIndex = this.agents.get(userAgent);
    const idStart = tallyIndex === undefined ? userAgent.lastIndexOf('; ') + 2 : -1;
    const withId = idStart < 0 ? -1 : this.tallyWithId(userAgent, idStart);
    if (withId >= 0) {
      tallyIndex = withId;
      client = this.clientOfText(userAgent.slice(idStart, -1), ID_SPACE);
    } else {
      tallyIndex ??= this.agentTally(userAgent);
      if (tallyIndex < 0) return false;
      client = this.clientOfText(address, addressSpace(this.tallies[tallyIndex].group));
    }
    const kind = isManifestPath(path) ? PathKind.Manifest : path.endsWith('.bin') ? PathKind.Image : PathKind.Other;
    this.count(tallyIndex, client, time, kind, status);
    return true;
  }

  /**
   * add() for a line readCombined read from `bytes`, without a string for a known User-Agent or client. A User-Agent
   * without a device id is found whole in the cache; one with an id (never cached whole: one entry per device) by
   * its text before the id.
   */
  addCombined(bytes: Buffer, fields: CombinedFields): boolean {
    const { agentFrom, agentTo } = fields;
    let tallyIndex = this.knownWholeAgent(bytes, agentFrom, agentTo);
    if (tallyIndex === UNKNOWN) {
      const idStart = deviceIdStart(bytes, agentFrom, agentTo);
      tallyIndex = idStart < 0 ? -1 : this.cachedAgentTally(bytes, agentFrom, idStart - 2, AgentSpace.Head);
      if (tallyIndex >= 0) {
        const client = this.clientOf(bytes, idStart, agentTo - 1, ID_SPACE);
        this.count(tallyIndex, client, fields.time, fields.path, fields.status);
        return true;
      }
      tallyIndex = this.cachedAgentTally(bytes, agentFrom, agentTo, AgentSpace.Whole);
    }
    if (tallyIndex < 0) return false;
    const client = this.clientOf(
      bytes,
      fields.clientFrom,
      fields.clientTo,
      addressSpace(this.tallies[tallyIndex].group),
    );
    this.count(tallyIndex, client, fields.time, fields.path, fields.status);
    return true;
  }

  private count(tallyIndex: number, client: number, time: number, path: PathKind, status: number): void {
    this.deviceRequests++;
    if (time < this.from) this.from = time;
    if (time > this.to) this.to = time;
    const tally = this.tallies[tallyIndex];
    let flags = CLIENT;
    const image = path === PathKind.Image;
    const hour = Math.floor(time / HOUR_MS);
    const counters = this.countersOf(hour, tally.group);
    if (path === PathKind.Manifest) {
      tally.status.polls++;
      counters[0]++;
      flags |= POLLING;
    } else if (image && (status === 200 || status === 206)) {
      tally.status.imageFetches++;
      counters[1]++;
      flags |= FETCHING;
    }
    if (status >= 400) {
      tally.status.failures++;
      counters[2]++;
      if (image) counters[3]++;
    }
    tally.flags.set(client, flags, this.clients.size);
    const record = client * STATE_STRIDE;
    if (this.state[record + LAST_TIME] <= time) {
      this.state[record + LAST_TIME] = time;
      this.state[record + LAST_TALLY] = tallyIndex;
    }
    const day = Math.floor(time / DAY_MS);
    if (this.isNew(client, Ring.VersionHour, hour, tallyIndex)) this.hourly.increment(tallyIndex, hour);
    if (this.isNew(client, Ring.VersionDay, day, tallyIndex)) this.daily.increment(tallyIndex, day);
    if (this.isNew(client, Ring.GroupHour, hour, tally.group)) this.groupHourly.increment(tally.group, hour);
    if (this.isNew(client, Ring.GroupDay, day, tally.group)) this.groupDaily.increment(tally.group, day);
  }

  /** Whether (bucket, item) is not among the client's last two in this ring; remembers it. */
  private isNew(client: number, ring: Ring, bucket: number, item: number): boolean {
    const key = packed(bucket, item);
    const slot = client * STATE_STRIDE + ring;
    const recent = this.state;
    if (recent[slot] === key || recent[slot + 1] === key) return false;
    recent[slot + 1] = recent[slot];
    recent[slot] = key;
    return true;
  }

  private countersOf(hour: number, groupIndex: number): number[] {
    const group = this.groups[groupIndex];
    if (group.lastHour === hour) return group.lastCounters;
    let hourCounters = group.counters.get(hour);
    if (!hourCounters) group.counters.set(hour, (hourCounters = [0, 0, 0, 0]));
    group.lastHour = hour;
    group.lastCounters = hourCounters;
    return hourCounters;
  }

  /** The table: one row per board, channel and version, unsorted. */
  versions(): VersionStatus[] {
    const current = new Float64Array(this.tallies.length);
    for (let client = 0; client < this.clients.size; client++)
      current[this.state[client * STATE_STRIDE + LAST_TALLY]]++;
    return this.tallies.map(({ status, flags }, index) => ({
      ...status,
      clients: flags.count(CLIENT),
      current: current[index],
      pollingClients: flags.count(POLLING),
      fetchingClients: flags.count(FETCHING),
    }));
  }

  /** The series by `bucket` (default: hours for up to three days, else days); versions ordered by `order`. */
  series(order: (a: string, b: string) => number, bucket?: BucketSize): FleetSeries | undefined {
    if (this.deviceRequests === 0) return undefined;
    const size = bucket ?? (this.to - this.from <= HOURLY_SPAN_LIMIT_MS ? 'hour' : 'day');
    const bucketMs = size === 'hour' ? HOUR_MS : DAY_MS;
    const [perVersion, perGroup] = size === 'hour' ? [this.hourly, this.groupHourly] : [this.daily, this.groupDaily];
    const last = Math.floor(this.to / bucketMs);
    const first = Math.max(Math.floor(this.from / bucketMs), last - MAX_SERIES_BUCKETS + 1);
    const buckets = Array.from({ length: last - first + 1 }, (_, index) => first + index);
    const hoursPerBucket = bucketMs / HOUR_MS;
    const counter = (group: number, index: number) => (bucketIndex: number) => {
      let total = 0;
      for (let hour = 0; hour < hoursPerBucket; hour++)
        total += this.groups[group].counters.get(bucketIndex * hoursPerBucket + hour)?.[index] ?? 0;
      return total;
    };
    const groups = this.groups.map(({ board, channel }, group) => ({
      board,
      channel,
      devices: buckets.map((bucketIndex) => perGroup.count(bucketIndex, group)),
      versions: this.tallies
        .map((tally, index) => ({ tally, index }))
        .filter(({ tally }) => tally.group === group)
        .sort((a, b) => order(b.tally.status.version, a.tally.status.version))
        .map(({ tally, index }) => ({
          version: tally.status.version,
          devices: buckets.map((bucketIndex) => perVersion.count(bucketIndex, index)),
        })),
      polls: buckets.map(counter(group, 0)),
      imageFetches: buckets.map(counter(group, 1)),
      failures: buckets.map(counter(group, 2)),
      imageFailures: buckets.map(counter(group, 3)),
    }));
    groups.sort((a, b) => a.board.localeCompare(b.board) || a.channel.localeCompare(b.channel));
    return { bucket: size, buckets: buckets.map((index) => new Date(index * bucketMs).toISOString()), groups };
  }
}
