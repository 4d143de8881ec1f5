// The detools "sequential" patch layout with heatshrink compression, the
// format both src/release/delta/encode.ts writes and firmware/src/core/delta_patch.cpp
// reads (docs/delta.md describes it byte by byte):
//
//   byte 0      (patch type 0 << 4) | compression 4 = 0x04
//   size        the result's length (a detools size, below; never negative)
//   heatshrink  one byte ((windowBits - 4) << 4) | (lookaheadBits - 3),
//               then the compressed stream of:
//                 size 0 (no data-format section)
//                 repeated until the result is complete:
//                   size D, D bytes added to the base bytes at the base cursor
//                   size E, E bytes copied as they are
//                   size A (signed), moved over the base cursor

export const PATCH_HEADER_SEQUENTIAL_HEATSHRINK = 0x04;

// Our choice of heatshrink parameters (detools' default is 8/7): a 2 KiB
// window keeps the decoder under the device's 4 KB and a 1 KiB lookahead
// codes the long runs of zero differences that unchanged code leaves in
// 22 bits per KiB. The decoder accepts windows up to MAX_WINDOW_BITS.
export const DEFAULT_WINDOW_BITS = 11;
export const DEFAULT_LOOKAHEAD_BITS = 10;
export const MIN_WINDOW_BITS = 4;
export const MAX_WINDOW_BITS = 11;
export const MIN_LOOKAHEAD_BITS = 3;

// detools' C reader takes at most four size bytes: 6 + 3 * 7 = 27 bits.
export const MAX_SIZE = 2 ** 27 - 1;

export class DeltaFormatError extends Error {}

export function heatshrinkHeaderByte(windowBits: number, lookaheadBits: number): number {
  checkHeatshrinkParameters(windowBits, lookaheadBits);
  return ((windowBits - 4) << 4) | (lookaheadBits - 3);
}

export function checkHeatshrinkParameters(windowBits: number, lookaheadBits: number): void {
  const windowOk = Number.isInteger(windowBits) && windowBits >= MIN_WINDOW_BITS && windowBits <= MAX_WINDOW_BITS;
  const lookaheadOk =
    Number.isInteger(lookaheadBits) && lookaheadBits >= MIN_LOOKAHEAD_BITS && lookaheadBits < windowBits;
  if (!windowOk || !lookaheadOk) {
    throw new DeltaFormatError(
      `heatshrink window ${windowBits} / lookahead ${lookaheadBits} bits: need 4..11 and 3..window-1`,
    );
  }
}

// A detools size: the first byte holds bit 7 "more", bit 6 "negative" and the
// low 6 bits; each further byte holds "more" and 7 more bits.
export function packSize(value: number): number[] {
  if (!Number.isInteger(value) || Math.abs(value) > MAX_SIZE) {
    throw new DeltaFormatError(`size ${value} does not fit a patch (at most ${MAX_SIZE})`);
  }
  let magnitude = Math.abs(value);
  const bytes = [(value < 0 ? 0x40 : 0) | (magnitude & 0x3f)];
  magnitude >>>= 6;
  while (magnitude > 0) {
    bytes[bytes.length - 1] |= 0x80;
    bytes.push(magnitude & 0x7f);
    magnitude >>>= 7;
  }
  return bytes;
}
