// The counting behind `static-ota fleet`, in memory that grows with the
// devices, not the lines: each client is interned to a number once, and what
// is kept per client lives in typed arrays (about 80 bytes a client), so a
// million devices fit in a few hundred MiB whatever the log's length.
import { InputError } from '../../common/input-error.js';
import { isManifestPath } from '../../protocol/manifest.js';
import { parseUserAgent, type DeviceAgent } from '../../protocol/user-agent.js';

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

/** Grows a typed array geometrically to hold `index`, filling new slots with `fill`. */
function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, index: number, fill: number): T {
  if (index < array.length) return array;
  const next = new (array.constructor as new (length: number) => T)(Math.max(index + 1, array.length * 2, 1024));
  next.set(array);
  next.fill(fill, array.length);
  return next;
}

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
 * the last two (bucket, item) pairs of a client, side by side in one record of eight doubles (one cache line: the
 * log's clients come in random order, and memory latency is what costs). Exact when each client's requests come
 * in time order (files are read oldest first), a device that updates and falls back in one bucket included.
 */
const RECENT_STRIDE = 8;
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
    this.dense = grown(this.dense, client, 0);
    this.dense[client] |= flags;
  }

  count(flag: number): number {
    let total = 0;
    for (const value of this.sparse?.values() ?? this.dense) if (value & flag) total++;
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
  /** Clients without a device id: address → client number. */
  addresses: Map<string, number>;
  /** Per hour: polls, image fetches, failures, image failures. */
  counters: Map<number, number[]>;
}

/** User-Agents without a device id repeat (one per board, version and channel): parsed once each, up to this many kept. */
const AGENT_CACHE_LIMIT = 50_000;
const DEVICE_ID = /^[A-Za-z0-9._-]{1,32}$/;

/** A Map key that holds no slice of the chunk it was cut from (V8 keeps the whole parent string alive otherwise). */
const ownCopy = (text: string): string => (text.length < 13 ? text : Buffer.from(text, 'latin1').toString('latin1'));

export class FleetTally {
  deviceRequests = 0;
  from = Infinity;
  to = -Infinity;
  private clientCount = 0;
  /** User-Agent (without its device id) → its version's tally number, or -1 for another client's. */
  private readonly agents = new Map<string, number>();
  /** The same for User-Agents with a device id, by their text before `; <id>)`. */
  private readonly idAgents = new Map<string, number>();
  private readonly idClients = new Map<string, number>();
  private readonly tallies: Tally[] = [];
  private readonly tallyIds = new Map<string, number>();
  private readonly groups: Group[] = [];
  private readonly groupIds = new Map<string, number>();
  private lastTime = new Float64Array(0);
  private lastTally = new Int32Array(0);
  private recent = new Float64Array(0);
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
      group = this.groups.push({ ...names, addresses: new Map(), counters: new Map() }) - 1;
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

  /** The tally of a User-Agent with no device id, or -1 when it is not a device's. */
  private agentTally(userAgent: string): number {
    const known = this.agents.get(userAgent);
    if (known !== undefined) return known;
    const agent = parseUserAgent(userAgent);
    const tally = agent && !agent.deviceId ? this.tallyOf(agent) : -1;
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
    const agent = parseUserAgent(`${head})`);
    const tally = agent && !agent.deviceId ? this.tallyOf(agent) : -1;
    if (this.idAgents.size >= AGENT_CACHE_LIMIT) this.idAgents.clear();
    this.idAgents.set(ownCopy(head), tally);
    return tally;
  }

  private newClient(): number {
    const id = this.clientCount++;
    if (id >= this.lastTime.length) {
      this.lastTime = grown(this.lastTime, id, -Infinity);
      this.lastTally = grown(this.lastTally, id, -1);
      this.recent = grown(this.recent, this.lastTime.length * RECENT_STRIDE - 1, -1);
    }
    return id;
  }

  /**
   * One request if it is a device's (`address` as logged, `time` in ms); false for another client's.
   * A device id is cut off the User-Agent before the cache, which then holds one entry per version.
   */
  add(userAgent: string, address: string, time: number, path: string, status: number): boolean {
    let client: number | undefined;
    let tallyIndex = this.agents.get(userAgent);
    const idStart = tallyIndex === undefined ? userAgent.lastIndexOf('; ') + 2 : -1;
    const withId = idStart < 0 ? -1 : this.tallyWithId(userAgent, idStart);
    if (withId >= 0) {
      tallyIndex = withId;
      const deviceId = userAgent.slice(idStart, -1);
      client = this.idClients.get(deviceId);
      if (client === undefined) this.idClients.set(ownCopy(deviceId), (client = this.newClient()));
    } else {
      tallyIndex ??= this.agentTally(userAgent);
      if (tallyIndex < 0) return false;
      // A client without a device id is an address running a board and channel: NAT may hide several devices behind one.
      const { addresses } = this.groups[this.tallies[tallyIndex].group];
      client = addresses.get(address);
      if (client === undefined) addresses.set(ownCopy(address), (client = this.newClient()));
    }
    this.count(tallyIndex, client, time, path, status);
    return true;
  }

  private count(tallyIndex: number, client: number, time: number, path: string, status: number): void {
    this.deviceRequests++;
    if (time < this.from) this.from = time;
    if (time > this.to) this.to = time;
    const tally = this.tallies[tallyIndex];
    let flags = CLIENT;
    const image = path.endsWith('.bin');
    const counters = this.countersOf(Math.floor(time / HOUR_MS), tally.group);
    if (isManifestPath(path)) {
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
    tally.flags.set(client, flags, this.clientCount);
    if (this.lastTime[client] <= time) {
      this.lastTime[client] = time;
      this.lastTally[client] = tallyIndex;
    }
    const hour = Math.floor(time / HOUR_MS);
    const day = Math.floor(time / DAY_MS);
    if (this.isNew(client, Ring.VersionHour, hour, tallyIndex)) this.hourly.increment(tallyIndex, hour);
    if (this.isNew(client, Ring.VersionDay, day, tallyIndex)) this.daily.increment(tallyIndex, day);
    if (this.isNew(client, Ring.GroupHour, hour, tally.group)) this.groupHourly.increment(tally.group, hour);
    if (this.isNew(client, Ring.GroupDay, day, tally.group)) this.groupDaily.increment(tally.group, day);
  }

  /** Whether (bucket, item) is not among the client's last two in this ring; remembers it. */
  private isNew(client: number, ring: Ring, bucket: number, item: number): boolean {
    const key = packed(bucket, item);
    const slot = client * RECENT_STRIDE + ring;
    const recent = this.recent;
    if (recent[slot] === key || recent[slot + 1] === key) return false;
    recent[slot + 1] = recent[slot];
    recent[slot] = key;
    return true;
  }

  private countersOf(hour: number, group: number): number[] {
    const { counters } = this.groups[group];
    let hourCounters = counters.get(hour);
    if (!hourCounters) counters.set(hour, (hourCounters = [0, 0, 0, 0]));
    return hourCounters;
  }

  /** The table: one row per board, channel and version, unsorted. */
  versions(): VersionStatus[] {
    const current = new Float64Array(this.tallies.length);
    for (const tally of this.lastTally.subarray(0, this.clientCount)) current[tally]++;
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
