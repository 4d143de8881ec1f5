// bsdiff's choice of chunks (Colin Percival's algorithm, as detools' bsdiff.c
// runs it): find long matches of the target in the base through the base's
// suffix array, and between them emit "diff" bytes (target minus base, mostly
// zeros where code merely moved) and "extra" bytes (new content).
import { suffixArray } from './suffix-array.js';

export interface Chunk {
  diffStart: number; // target offset where the diff bytes begin
  diffLength: number;
  basePosition: number; // base offset the diff bytes are added to
  extraLength: number; // target bytes copied as they are, after the diff bytes
  adjustment: number; // base cursor move after the diff bytes
}

// Length of the common prefix of base[basePos..] and target[targetPos..].
function matchLength(base: Uint8Array, basePos: number, target: Uint8Array, targetPos: number): number {
  const limit = Math.min(base.length - basePos, target.length - targetPos);
  let i = 0;
  while (i < limit && base[basePos + i] === target[targetPos + i]) i++;
  return i;
}

// Negative, zero or positive as base[basePos..] sorts before, with or after
// target[targetPos..], comparing no more bytes than the shorter one has.
function compareSuffix(base: Uint8Array, basePos: number, target: Uint8Array, targetPos: number): number {
  const limit = Math.min(base.length - basePos, target.length - targetPos);
  for (let i = 0; i < limit; i++) {
    const difference = base[basePos + i] - target[targetPos + i];
    if (difference !== 0) return difference;
  }
  return 0;
}

class MatchFinder {
  private readonly sorted: Int32Array;
  position = 0;

  constructor(
    private readonly base: Uint8Array,
    private readonly target: Uint8Array,
  ) {
    this.sorted = suffixArray(base);
  }

  // The longest match of target[targetPos..] in the base (its start in `position`).
  longest(targetPos: number): number {
    const { sorted, base, target } = this;
    let begin = 0;
    let end = base.length;
    while (end - begin >= 2) {
      const middle = begin + ((end - begin) >> 1);
      if (compareSuffix(base, sorted[middle], target, targetPos) < 0) begin = middle;
      else end = middle;
    }
    const atBegin = matchLength(base, sorted[begin], target, targetPos);
    const atEnd = matchLength(base, sorted[end], target, targetPos);
    this.position = atBegin > atEnd ? sorted[begin] : sorted[end];
    return Math.max(atBegin, atEnd);
  }
}

export function bsdiffChunks(base: Uint8Array, target: Uint8Array): Chunk[] {
  const finder = new MatchFinder(base, target);
  const chunks: Chunk[] = [];
  const last = { scan: 0, position: 0, offset: 0 };
  let scan = 0;
  let length = 0;
  while (scan < target.length) {
    let oldScore = 0;
    scan += length;
    for (let scoredTo = scan; scan < target.length; scan++) {
      length = finder.longest(scan);
      for (; scoredTo < scan + length; scoredTo++) {
        if (scoredTo + last.offset < base.length && base[scoredTo + last.offset] === target[scoredTo]) oldScore++;
      }
      if ((length === oldScore && length !== 0) || length > oldScore + 8) break;
      if (scan + last.offset < base.length && base[scan + last.offset] === target[scan]) oldScore--;
    }
    if (length !== oldScore || scan === target.length) {
      chunks.push(closeChunk(base, target, scan, finder.position, last));
    }
  }
  return chunks;
}

// Extends the previous match forwards and the next one backwards, splits any
// overlap where the byte agreement changes hands, and records the chunk.
function closeChunk(
  base: Uint8Array,
  target: Uint8Array,
  scan: number,
  position: number,
  last: { scan: number; position: number; offset: number },
): Chunk {
  let forward = 0;
  for (let i = 0, score = 0, best = 0; last.scan + i < scan && last.position + i < base.length;) {
    if (base[last.position + i] === target[last.scan + i]) score++;
    i++;
    if (score * 2 - i > best * 2 - forward) {
      best = score;
      forward = i;
    }
  }
  let backward = 0;
  if (scan < target.length) {
    for (let i = 1, score = 0, best = 0; scan >= last.scan + i && position >= i; i++) {
      if (base[position - i] === target[scan - i]) score++;
      if (score * 2 - i > best * 2 - backward) {
        best = score;
        backward = i;
      }
    }
  }
  const overlap = last.scan + forward - (scan - backward);
  if (overlap > 0) {
    let split = 0;
    for (let i = 0, score = 0, best = 0; i < overlap; i++) {
      if (target[last.scan + forward - overlap + i] === base[last.position + forward - overlap + i]) score++;
      if (target[scan - backward + i] === base[position - backward + i]) score--;
      if (score > best) {
        best = score;
        split = i + 1;
      }
    }
    forward += split - overlap;
    backward -= split;
  }
  const chunk: Chunk = {
    diffStart: last.scan,
    diffLength: forward,
    basePosition: last.position,
    extraLength: scan - backward - (last.scan + forward),
    adjustment: position - backward - (last.position + forward),
  };
  last.scan = scan - backward;
  last.position = position - backward;
  last.offset = position - scan;
  return chunk;
}
