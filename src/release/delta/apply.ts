// Applies a patch (format.ts) to its base, with the device decoder's rules
// (firmware/src/core/delta_patch.cpp): every size checked against the base and
// the result, nothing read past either, no byte after the result is complete.
import { MAX_WINDOW_BITS, MIN_LOOKAHEAD_BITS, MIN_WINDOW_BITS, PATCH_HEADER_SEQUENTIAL_HEATSHRINK } from './format.js';

// The device decoder's error tokens (deltaErrorCode in delta_patch.cpp).
export type DeltaErrorCode =
  | 'bad_header'
  | 'bad_heatshrink'
  | 'bad_size'
  | 'result_size'
  | 'bad_data_format'
  | 'past_base'
  | 'past_result'
  | 'truncated'
  | 'trailing_data';

export class DeltaApplyError extends Error {
  constructor(readonly code: DeltaErrorCode) {
    super(`patch rejected: ${code}`);
  }
}

// Pulls decompressed bytes from a heatshrink bit stream.
class HeatshrinkReader {
  private readonly window: Uint8Array;
  private head = 0;
  private bitPosition: number; // in bits, from the start of the patch
  private copyLeft = 0;
  private copyDistance = 0;

  constructor(
    private readonly input: Uint8Array,
    start: number,
    private readonly windowBits: number,
    private readonly lookaheadBits: number,
  ) {
    this.window = new Uint8Array(1 << windowBits);
    this.bitPosition = start * 8;
  }

  private bits(count: number): number {
    if (this.bitPosition + count > this.input.length * 8) throw new DeltaApplyError('truncated');
    let value = 0;
    for (let i = 0; i < count; i++, this.bitPosition++) {
      value = (value << 1) | ((this.input[this.bitPosition >> 3] >> (7 - (this.bitPosition & 7))) & 1);
    }
    return value;
  }

  next(): number {
    if (this.copyLeft === 0) {
      if (this.bits(1) === 1) return this.push(this.bits(8));
      this.copyDistance = this.bits(this.windowBits) + 1;
      this.copyLeft = this.bits(this.lookaheadBits) + 1;
    }
    this.copyLeft--;
    return this.push(this.window[(this.head - this.copyDistance) & (this.window.length - 1)]);
  }

  private push(byte: number): number {
    this.window[this.head++ & (this.window.length - 1)] = byte;
    return byte;
  }

  // After the last byte: no repetition left over, no whole byte, zero padding bits.
  checkEnd(): void {
    const padding = (8 - (this.bitPosition & 7)) & 7;
    const clean = this.copyLeft === 0 && this.bitPosition + padding === this.input.length * 8;
    if (!clean || this.bits(padding) !== 0) throw new DeltaApplyError('trailing_data');
  }
}

interface SizeSource {
  next(): number;
}

// A detools size, at most four bytes (the device's limit and detools' own).
function readSize(source: SizeSource, allowNegative: boolean): number {
  let byte = source.next();
  const negative = (byte & 0x40) !== 0;
  if (negative && !allowNegative) throw new DeltaApplyError('bad_size');
  let value = byte & 0x3f;
  for (let shift = 6; byte & 0x80; shift += 7) {
    if (shift > 20) throw new DeltaApplyError('bad_size');
    byte = source.next();
    value += (byte & 0x7f) * 2 ** shift;
  }
  return negative ? -value : value;
}

function readHeader(patch: Uint8Array): { resultSize: number; bodyStart: number } {
  let position = 0;
  const source = {
    next: (): number => {
      if (position >= patch.length) throw new DeltaApplyError('truncated');
      return patch[position++];
    },
  };
  if (source.next() !== PATCH_HEADER_SEQUENTIAL_HEATSHRINK) throw new DeltaApplyError('bad_header');
  const resultSize = readSize(source, false);
  return { resultSize, bodyStart: position };
}

export function applyPatch(base: Uint8Array, patch: Uint8Array, expectedResultSize?: number): Uint8Array {
  const { resultSize, bodyStart } = readHeader(patch);
  if (expectedResultSize !== undefined && resultSize !== expectedResultSize) throw new DeltaApplyError('result_size');
  if (resultSize === 0) {
    if (bodyStart !== patch.length) throw new DeltaApplyError('trailing_data');
    return new Uint8Array(0);
  }
  if (bodyStart >= patch.length) throw new DeltaApplyError('truncated');
  const windowBits = (patch[bodyStart] >> 4) + 4;
  const lookaheadBits = (patch[bodyStart] & 0x0f) + 3;
  if (
    windowBits < MIN_WINDOW_BITS ||
    windowBits > MAX_WINDOW_BITS ||
    lookaheadBits < MIN_LOOKAHEAD_BITS ||
    lookaheadBits >= windowBits
  ) {
    throw new DeltaApplyError('bad_heatshrink');
  }
  const body = new HeatshrinkReader(patch, bodyStart + 1, windowBits, lookaheadBits);
  if (readSize(body, true) !== 0) throw new DeltaApplyError('bad_data_format');
  const result = new Uint8Array(resultSize);
  let written = 0;
  let basePosition = 0;
  while (written < resultSize) {
    const diffLength = readSize(body, false);
    if (diffLength > resultSize - written) throw new DeltaApplyError('past_result');
    if (diffLength > base.length - basePosition) throw new DeltaApplyError('past_base');
    for (let i = 0; i < diffLength; i++) result[written++] = (body.next() + base[basePosition++]) & 0xff;
    const extraLength = readSize(body, false);
    if (extraLength > resultSize - written) throw new DeltaApplyError('past_result');
    for (let i = 0; i < extraLength; i++) result[written++] = body.next();
    basePosition += readSize(body, true);
    if (basePosition < 0 || basePosition > base.length) throw new DeltaApplyError('past_base');
  }
  body.checkEnd();
  return result;
}
