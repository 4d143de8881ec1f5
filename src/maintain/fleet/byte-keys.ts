// Interning of short byte strings (device ids, addresses, User-Agents) straight
// from a log's read buffer, for `static-ota fleet`: an open-addressing hash
// table on typed arrays, the keys' bytes side by side in one arena. A million
// keys cost some 40 MiB and no object each, and a lookup allocates nothing: a
// Map would need a string cut from the line on every request, and its garbage.

/** Grows a typed array geometrically to hold `index`, filling new slots with `fill`. */
export function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, index: number, fill: number): T {
  if (index < array.length) return array;
  const next = new (array.constructor as new (length: number) => T)(Math.max(index + 1, array.length * 2, 1024));
  next.set(array);
  next.fill(fill, array.length);
  return next;
}

/** MurmurHash3 (x86, 32 bit) over the bytes, seeded by the key's space: four bytes a step. */
function hashOf(bytes: Uint8Array, from: number, to: number, space: number): number {
  let hash = space;
  let at = from;
  for (; at + 4 <= to; at += 4) {
    let word = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
    word = Math.imul(word, 0xcc9e2d51);
    word = Math.imul((word << 15) | (word >>> 17), 0x1b873593);
    hash ^= word;
    hash = (hash << 13) | (hash >>> 19);
    hash = (Math.imul(hash, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  for (let shift = 0; at < to; at++, shift += 8) tail |= bytes[at] << shift;
  tail = Math.imul(tail, 0xcc9e2d51);
  hash ^= Math.imul((tail << 15) | (tail >>> 17), 0x1b873593) ^ (to - from);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/**
 * Per entry: its space, its length, then its bytes when they fit in INLINE_BYTES (most keys: an IPv4 address, a
 * device id), else where they start in the arena.
 */
const RECORD = 6;
const INLINE_BYTES = 16;

/** Four bytes of `bytes[at..to)` as a little-endian word, zeros past `to`. */
function wordAt(bytes: Uint8Array, at: number, to: number): number {
  if (at + 4 <= to) return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
  let word = 0;
  for (let shift = 0; at < to; at++, shift += 8) word |= bytes[at] << shift;
  return word;
}

/**
 * Byte strings, each in a space (a number: the same bytes in two spaces are two keys), numbered 0, 1, 2... in
 * the order first seen. A lookup touches one slot (hash and entry side by side), one record and the key's bytes:
 * three cache misses at most, where the keys outnumber the cache.
 */
export class ByteKeys {
  size = 0;
  /** Per slot, its key's hash and entry number + 1 (0: empty); a power of two slots, at most half of them used. */
  private slots = new Int32Array(2 * 1024);
  private records = new Int32Array(0);
  private arena = new Uint8Array(0);
  private arenaUsed = 0;

  /** The number of `bytes[from..to)` in `space`, numbered next (`size` grows) when new. */
  intern(bytes: Uint8Array, from: number, to: number, space: number): number {
    const hash = hashOf(bytes, from, to, space);
    const found = this.probe(hash, bytes, from, to, space);
    return found >= 0 ? found : this.insert(~found, hash, bytes, from, to - from, space);
  }

  /** The number of `bytes[from..to)` in `space`, or -1 when it is not there. */
  find(bytes: Uint8Array, from: number, to: number, space: number): number {
    return Math.max(this.probe(hashOf(bytes, from, to, space), bytes, from, to, space), -1);
  }

  /** The key's entry number, or ~slot: the empty slot where it would go. */
  private probe(hash: number, bytes: Uint8Array, from: number, to: number, space: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const length = to - from;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1] - 1;
      if (entry < 0) return ~slot;
      if (slots[2 * slot] !== hash) continue;
      const record = entry * RECORD;
      if (this.records[record + 1] !== length || this.records[record] !== space) continue;
      if (this.sameBytes(record, bytes, from, to)) return entry;
    }
  }

  private sameBytes(record: number, bytes: Uint8Array, from: number, to: number): boolean {
    const records = this.records;
    if (to - from <= INLINE_BYTES) {
      for (let at = from, word = record + 2; at < to; at += 4, word++)
        if (wordAt(bytes, at, to) !== records[word]) return false;
      return true;
    }
    const start = records[record + 2] >>> 0;
    let at = 0;
    while (at < to - from && this.arena[start + at] === bytes[from + at]) at++;
    return at === to - from;
  }

  /** Forgets every key (a bounded cache starting over). */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
    this.arenaUsed = 0;
  }

  private insert(slot: number, hash: number, bytes: Uint8Array, from: number, length: number, space: number): number {
    const entry = this.size++;
    const record = entry * RECORD;
    if (record + RECORD > this.records.length) this.records = grown(this.records, record + RECORD - 1, 0);
    this.records[record] = space;
    this.records[record + 1] = length;
    if (length <= INLINE_BYTES) {
      for (let word = 0; word < 4; word++)
        this.records[record + 2 + word] = wordAt(bytes, from + 4 * word, from + length);
    } else {
      if (this.arenaUsed + length > this.arena.length) this.arena = grown(this.arena, this.arenaUsed + length, 0);
      for (let at = 0; at < length; at++) this.arena[this.arenaUsed + at] = bytes[from + at];
      this.records[record + 2] = this.arenaUsed;
      this.arenaUsed += length;
    }
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = entry + 1;
    if (this.size * 4 > this.slots.length) this.rehash();
    return entry;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let old = 0; old < this.slots.length; old += 2) {
      if (this.slots[old + 1] === 0) continue;
      let slot = this.slots[old] & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = this.slots[old];
      slots[2 * slot + 1] = this.slots[old + 1];
    }
    this.slots = slots;
  }
}
