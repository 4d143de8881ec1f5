// Checks on a firmware image before it is signed: size, ESP magic, and that it
// still trusts a key able to sign the next release (the lockout guard).
import { open, stat } from 'node:fs/promises';
import { InputError } from '../common/input-error.js';
import { READ_CHUNK_BYTES, readChunks } from '../common/read-chunks.js';
import { zlibPass } from './zlib-pass.js';

/** ESP8266/ESP32 application images start with 0xE9; the ESP8266 boot loader also unpacks gzip. */
const ESP_IMAGE_MAGIC = 0xe9;
const GZIP_MAGIC = [0x1f, 0x8b];

/** What checkImage found: a gzip image also has the size of what eboot inflates. */
export interface ImageInfo {
  gzip: boolean;
  size: number;
  inflatedSize?: number;
}

/**
 * The image is an ESP image within maxBytes (max-image-size, whose default
 * lives in action.yml), or gzip whose inflated bytes
 * are: what the ESP8266 boot loader installs must start with 0xE9, fit the
 * limit, and match the trailer's size, from which eboot takes how many bytes
 * to copy over the running image. eboot checks nothing else: an image it
 * cannot inflate would be half-copied over the running one.
 */
/** `limitName`: the max-image-size setting as the user wrote it. */
export async function checkImage(path: string, maxBytes: number, limitName = 'max-image-size'): Promise<ImageInfo> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new InputError(`firmware image ${path} does not exist or is not a file`);
  if (info.size === 0) throw new InputError(`firmware image ${path} is empty`);
  if (info.size > maxBytes) {
    throw new InputError(`firmware image ${path} is ${info.size} bytes, over the limit of ${maxBytes} (${limitName})`);
  }
  const head = Buffer.alloc(2);
  const trailer = Buffer.alloc(4);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, 2, 0);
    if (info.size >= 4) await file.read(trailer, 0, 4, info.size - 4);
  } finally {
    await file.close();
  }
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (head[0] !== ESP_IMAGE_MAGIC && !gzip) {
    throw new InputError(
      `firmware image ${path} starts with 0x${head[0].toString(16).padStart(2, '0')}, not an ESP image (0xe9) or gzip (0x1f 0x8b): is it firmware.bin?`,
    );
  }
  if (!gzip) return { gzip, size: info.size };
  const inflatedSize = await checkInflated(path, maxBytes, limitName);
  if (trailer.readUInt32LE(0) !== inflatedSize % 2 ** 32) {
    throw new InputError(
      `gzip image ${path} inflates to ${inflatedSize} bytes but its last 4 bytes say ${trailer.readUInt32LE(0)}: ` +
        'the ESP8266 boot loader copies as many bytes as they say (one gzip member, nothing after it)',
    );
  }
  const memberEnd = await firstMemberEnd(path);
  if (memberEnd !== info.size) {
    throw new InputError(
      `gzip image ${path} has bytes after its first gzip member (at byte ${memberEnd} of ${info.size}): ` +
        "the ESP8266 boot loader (eboot's uzlib) inflates the first member only; compress the image as one member",
    );
  }
  return { gzip, size: info.size, inflatedSize };
}

/** gzip header flags (RFC 1952): the optional parts that follow the first 10 bytes. */
const GZIP_FLAG = { headerCrc: 0x02, extra: 0x04, name: 0x08, comment: 0x10 } as const;
const GZIP_FIXED_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;
/** A header's name and comment are short; a longer one is not what a compressor writes. */
const MAX_GZIP_HEADER_BYTES = 64 * 1024;

/** The length of the gzip header (RFC 1952) that head starts with, or undefined when it does not end in head. */
function gzipHeaderLength(head: Buffer): number | undefined {
  const flags = head[3];
  let at = GZIP_FIXED_HEADER_BYTES;
  if (flags & GZIP_FLAG.extra) {
    if (at + 2 > head.length) return undefined;
    at += 2 + head.readUInt16LE(at);
  }
  for (const flag of [GZIP_FLAG.name, GZIP_FLAG.comment]) {
    if (!(flags & flag)) continue;
    const end = head.indexOf(0, at);
    if (end < 0) return undefined;
    at = end + 1;
  }
  if (flags & GZIP_FLAG.headerCrc) at += 2;
  return at <= head.length ? at : undefined;
}

/**
 * Where the image's first gzip member ends: its header, its deflate stream
 * (inflated raw, which stops at the stream's end) and its 8-byte trailer.
 * Node's gunzip goes on into further members; eboot does not.
 */
async function firstMemberEnd(path: string): Promise<number> {
  const { createInflateRaw } = await import('node:zlib');
  const head = Buffer.alloc(MAX_GZIP_HEADER_BYTES);
  const file = await open(path, 'r');
  let headBytes: number;
  try {
    ({ bytesRead: headBytes } = await file.read(head, 0, head.length, 0));
  } finally {
    await file.close();
  }
  const headerLength = gzipHeaderLength(head.subarray(0, headBytes));
  if (headerLength === undefined) throw new InputError(`gzip image ${path} has a gzip header eboot cannot read`);
  const pass = zlibPass(createInflateRaw(), path, headerLength);
  let step = await pass.next();
  while (!step.done) step = await pass.next();
  return headerLength + step.value + GZIP_TRAILER_BYTES;
}

/** Inflates the image as a stream: its first byte must be 0xE9 and its length within maxBytes. */
async function checkInflated(path: string, maxBytes: number, limitName: string): Promise<number> {
  let inflatedSize = 0;
  try {
    for await (const chunk of gunzipChunks(path)) {
      if (inflatedSize === 0 && chunk[0] !== ESP_IMAGE_MAGIC) {
        throw new InputError(
          `gzip image ${path} does not hold an ESP image: it inflates to bytes starting with 0x${chunk[0].toString(16).padStart(2, '0')}, not 0xe9`,
        );
      }
      inflatedSize += chunk.length;
      if (inflatedSize > maxBytes) {
        throw new InputError(
          `gzip image ${path} inflates to more than ${maxBytes} bytes, over the limit (${limitName})`,
        );
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`gzip image ${path} does not inflate: ${(error as Error).message}`);
  }
  if (inflatedSize === 0) throw new InputError(`gzip image ${path} inflates to nothing`);
  return inflatedSize;
}

/** Writes the inflated bytes of a gzip image (checked by checkImage) to target. */
export async function gunzipImage(source: string, target: string): Promise<void> {
  await writeChunks(target, gunzipChunks(source));
}

/** Writes each chunk before asking for the next: the chunks may be views of one reused buffer. */
async function writeChunks(target: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const file = await open(target, 'w');
  try {
    for await (const chunk of chunks) await file.write(chunk);
  } finally {
    await file.close();
  }
}

/**
 * Writes the gzip form of an ESP image to target: zlib at its highest level
 * with the largest window eboot's inflater takes (32 KB), no file name or
 * time in the header, so the same image and zlib give the same bytes
 * (docs/protocol.md, "gzip images", for the choice of compressor).
 */
export async function gzipImage(source: string, target: string): Promise<void> {
  const { constants, createGzip } = await import('node:zlib');
  await writeChunks(target, zlibPass(createGzip({ level: constants.Z_BEST_COMPRESSION, windowBits: 15 }), source));
}

/** Streams the gzip-unpacked bytes as views of one reused buffer of READ_CHUNK_BYTES (src/release/zlib-pass.ts). */
async function* gunzipChunks(path: string): AsyncGenerator<Buffer> {
  // Loaded only for gzip images: zlib costs every other publish a few milliseconds.
  const { createGunzip } = await import('node:zlib');
  yield* zlibPass(createGunzip(), path);
}

/**
 * Streams the (unpacked) image and reports which of the given public keys it
 * contains as raw bytes. A key split across two chunks is found because each
 * chunk is searched together with the tail of the previous one, in one window
 * buffer reused for the whole image.
 */
export async function findEmbeddedKeys(path: string, gzip: boolean, keys: readonly Uint8Array[]): Promise<Set<number>> {
  const found = new Set<number>();
  const needles = keys.map((key) => Buffer.from(key));
  const overlap = Math.max(0, ...needles.map((key) => key.length - 1));
  const window = Buffer.allocUnsafe(overlap + READ_CHUNK_BYTES);
  let tail = 0;
  for await (const chunk of gzip ? gunzipChunks(path) : readChunks(path)) {
    const end = tail + chunk.copy(window, tail);
    const view = window.subarray(0, end);
    needles.forEach((key, index) => {
      if (!found.has(index) && view.includes(key)) found.add(index);
    });
    if (found.size === keys.length) break;
    tail = Math.min(overlap, end);
    window.copyWithin(0, end - tail, end);
  }
  return found;
}
