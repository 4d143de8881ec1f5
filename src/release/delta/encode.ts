// Makes a patch from a base image to a new one: bsdiff's chunks, serialised as
// detools' sequential patch and compressed with heatshrink (see format.ts).
import { bsdiffChunks } from './bsdiff.js';
import {
  DEFAULT_LOOKAHEAD_BITS,
  DEFAULT_WINDOW_BITS,
  MAX_SIZE,
  DeltaFormatError,
  PATCH_HEADER_SEQUENTIAL_HEATSHRINK,
  heatshrinkHeaderByte,
  packSize,
} from './format.js';
import { heatshrinkCompress } from './heatshrink.js';

export interface PatchOptions {
  windowBits?: number;
  lookaheadBits?: number;
}

class ByteBuilder {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }

  push(values: ArrayLike<number>): void {
    this.reserve(values.length);
    this.bytes.set(values, this.length);
    this.length += values.length;
  }

  reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  // Appends target - base byte by byte (mod 256).
  pushDifference(target: Uint8Array, targetStart: number, base: Uint8Array, baseStart: number, count: number): void {
    this.reserve(count);
    for (let i = 0; i < count; i++) this.bytes[this.length + i] = target[targetStart + i] - base[baseStart + i];
    this.length += count;
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

// The uncompressed body: no data-format section, then every chunk.
function sequentialBody(base: Uint8Array, target: Uint8Array): Uint8Array {
  const body = new ByteBuilder(target.length + 1024);
  body.push(packSize(0));
  for (const chunk of bsdiffChunks(base, target)) {
    body.push(packSize(chunk.diffLength));
    body.pushDifference(target, chunk.diffStart, base, chunk.basePosition, chunk.diffLength);
    const extraStart = chunk.diffStart + chunk.diffLength;
    body.push(packSize(chunk.extraLength));
    body.push(target.subarray(extraStart, extraStart + chunk.extraLength));
    body.push(packSize(chunk.adjustment));
  }
  return body.result();
}

export function createPatch(base: Uint8Array, target: Uint8Array, options: PatchOptions = {}): Uint8Array {
  const windowBits = options.windowBits ?? DEFAULT_WINDOW_BITS;
  const lookaheadBits = options.lookaheadBits ?? DEFAULT_LOOKAHEAD_BITS;
  const heatshrinkHeader = heatshrinkHeaderByte(windowBits, lookaheadBits);
  if (base.length > MAX_SIZE || target.length > MAX_SIZE) {
    throw new DeltaFormatError(`images over ${MAX_SIZE} bytes do not fit a patch`);
  }
  const header = [PATCH_HEADER_SEQUENTIAL_HEATSHRINK, ...packSize(target.length)];
  // detools writes nothing after the size of an empty result.
  if (target.length === 0) return Uint8Array.from(header);
  const compressed = heatshrinkCompress(sequentialBody(base, target), windowBits, lookaheadBits);
  const patch = new Uint8Array(header.length + 1 + compressed.length);
  patch.set(header);
  patch[header.length] = heatshrinkHeader;
  patch.set(compressed, header.length + 1);
  return patch;
}
