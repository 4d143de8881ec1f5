// heatshrink (LZSS over a bit stream, MSB first): a 1 bit then 8 bits is a
// literal byte; a 0 bit then windowBits bits (distance - 1) and lookaheadBits
// bits (length - 1) repeats earlier output. The decoder needs only its window.
// This encoder parses optimally for that fixed cost (every back-reference
// costs the same), where heatshrink's own encoder takes the first long match.
import { checkHeatshrinkParameters } from './format.js';

const LITERAL_BITS = 9;

class BitWriter {
  private bytes: Uint8Array;
  private length = 0;
  private pending = 0;
  private pendingBits = 0;

  constructor(expectedBytes: number) {
    this.bytes = new Uint8Array(Math.max(16, expectedBytes));
  }

  write(value: number, bits: number): void {
    for (let bit = bits - 1; bit >= 0; bit--) {
      this.pending = (this.pending << 1) | ((value >>> bit) & 1);
      if (++this.pendingBits === 8) this.pushByte();
    }
  }

  // The last byte is padded with zero bits, which a decoder reads as an unfinished back-reference.
  finish(): Uint8Array {
    if (this.pendingBits > 0) {
      this.pending <<= 8 - this.pendingBits;
      this.pushByte();
    }
    return this.bytes.slice(0, this.length);
  }

  private pushByte(): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = this.pending & 0xff;
    this.pending = 0;
    this.pendingBits = 0;
  }
}

const MAX_RUN = 0xffff;

// At each position, how many bytes from there on equal it (at most MAX_RUN).
function byteRuns(input: Uint8Array): Uint16Array {
  const runs = new Uint16Array(input.length);
  for (let i = input.length - 1; i >= 0; i--) {
    runs[i] = i + 1 < input.length && input[i + 1] === input[i] ? Math.min(MAX_RUN, runs[i + 1] + 1) : 1;
  }
  return runs;
}

// Length of the common prefix of input[a..] and input[b..] (a < b), at most
// `limit`. Runs of one byte are stepped over whole: where two runs of the same
// byte differ in length, the shorter one's end is the first difference. Each
// candidate in a diff body's zero runs costs a step, not a byte loop.
function matchLength(input: Uint8Array, runs: Uint16Array, a: number, b: number, limit: number): number {
  let length = 0;
  while (length < limit && input[a + length] === input[b + length]) {
    const runA = runs[a + length];
    const runB = runs[b + length];
    length += Math.min(runA, runB);
    if (runA !== runB) break;
  }
  return Math.min(length, limit);
}

// For every position, the longest earlier match within the window (length,
// distance; of equal lengths the one inherited from the position before, else
// the nearest). A match at i - 1 also gives one a byte shorter at i, which
// keeps i + length non-decreasing: the parse below relies on that.
//
// The chain of a position holds every earlier one starting with the same two
// bytes. A candidate c preceded by the same byte as i (input[c - 1] ===
// input[i - 1]) had c - 1 in the chain of i - 1, whose match was at most
// lengths[i - 1]: so c matches at most lengths[i - 1] - 1 bytes at i, which the
// inherited match already has, and cannot win. Each chain entry keeps a jump
// (`unlike`) over the entries that follow it with its own preceding byte,
// which in the zero runs of a diff body is nearly all of them. The bound needs
// the match at i - 1 to be uncut by the lookahead: else every candidate is tried.
// Chain links are read only within the window, so they live in a ring.
function findMatches(
  input: Uint8Array,
  window: number,
  maxLength: number,
): { lengths: Uint16Array; distances: Uint16Array } {
  const n = input.length;
  const lengths = new Uint16Array(n); // lengths and distances fit: lookahead and window are at most 2^11
  const distances = new Uint16Array(n);
  const head = new Int32Array(1 << 16).fill(-1);
  const ring = 2 * window - 1; // mask of a ring of 2 * window links
  const previous = new Int32Array(ring + 1);
  const unlike = new Int32Array(ring + 1); // the next chain entry preceded by another byte (or none, or position 0)
  const runs = byteRuns(input);
  for (let i = 0; i + 1 < n; i++) {
    const limit = Math.min(maxLength, n - i);
    let bestLength = i > 0 ? Math.max(0, lengths[i - 1] - 1) : 0;
    let bestDistance = i > 0 ? distances[i - 1] : 0;
    // Extending the inherited match first keeps long runs linear.
    if (bestLength > 0) {
      while (bestLength < limit && input[i - bestDistance + bestLength] === input[i + bestLength]) bestLength++;
    }
    const key = (input[i] << 8) | input[i + 1];
    const skipByte = i > 0 && lengths[i - 1] < maxLength ? input[i - 1] : -1;
    for (let candidate = head[key]; candidate >= 0 && i - candidate <= window && bestLength < limit;) {
      if (candidate > 0 && input[candidate - 1] === skipByte) {
        candidate = unlike[candidate & ring];
        continue;
      }
      if (input[candidate + bestLength] === input[i + bestLength]) {
        const length = matchLength(input, runs, candidate, i, limit);
        if (length > bestLength) {
          bestLength = length;
          bestDistance = i - candidate;
        }
      }
      candidate = previous[candidate & ring];
    }
    const next = head[key];
    previous[i & ring] = next;
    // Past the window next's ring slot may hold a newer entry's jump: jump to next itself, which ends a walk.
    const same = next > 0 && i - next <= window && input[next - 1] === input[i - 1];
    unlike[i & ring] = same ? unlike[next & ring] : next;
    head[key] = i;
    lengths[i] = bestLength;
    distances[i] = bestDistance;
  }
  return { lengths, distances };
}

// Cheapest parse from the end: cost[i] = min(literal + cost[i + 1],
// reference + min cost[i + 2 .. i + lengths[i]]), the inner minimum kept in a
// monotonic queue since both ends of that range only move left.
function parse(lengths: Uint16Array, referenceBits: number): Uint16Array {
  const n = lengths.length;
  const cost = new Int32Array(n + 1);
  const choice = new Uint16Array(n); // 0: literal, else the back-reference's length
  const queue = new Int32Array(n + 1); // positions, cost falling from front to back
  let front = n + 1;
  let back = n + 1; // queue holds queue[front..back)
  for (let i = n - 1; i >= 0; i--) {
    const entering = i + 2;
    if (entering <= n) {
      while (front < back && cost[queue[front]] >= cost[entering]) front++;
      queue[--front] = entering;
    }
    while (front < back && queue[back - 1] > i + lengths[i]) back--;
    cost[i] = cost[i + 1] + LITERAL_BITS;
    choice[i] = 0;
    if (front < back && lengths[i] >= 2) {
      const target = queue[back - 1];
      if (cost[target] + referenceBits < cost[i]) {
        cost[i] = cost[target] + referenceBits;
        choice[i] = target - i;
      }
    }
  }
  return choice;
}

export function heatshrinkCompress(input: Uint8Array, windowBits: number, lookaheadBits: number): Uint8Array {
  checkHeatshrinkParameters(windowBits, lookaheadBits);
  const { lengths, distances } = findMatches(input, 1 << windowBits, 1 << lookaheadBits);
  const choice = parse(lengths, 1 + windowBits + lookaheadBits);
  const writer = new BitWriter(input.length >> 2);
  for (let i = 0; i < input.length;) {
    if (choice[i] === 0) {
      writer.write(0x100 | input[i], LITERAL_BITS);
      i++;
    } else {
      writer.write(0, 1);
      writer.write(distances[i] - 1, windowBits);
      writer.write(choice[i] - 1, lookaheadBits);
      i += choice[i];
    }
  }
  return writer.finish();
}
