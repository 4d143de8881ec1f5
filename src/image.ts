// Checks on a firmware image before it is signed: size, ESP magic, and that it
// still trusts a key able to sign the next release (the lockout guard).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InputError } from './inputs.js';

/** ESP8266/ESP32 application images start with 0xE9; the ESP8266 boot loader also unpacks gzip. */
const ESP_IMAGE_MAGIC = 0xe9;
const GZIP_MAGIC = [0x1f, 0x8b];

/** `maxBytes` is max-image-size, whose default lives in action.yml. */
export async function checkImage(path: string, maxBytes: number): Promise<{ gzip: boolean }> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new InputError(`firmware image ${path} does not exist or is not a file`);
  if (info.size === 0) throw new InputError(`firmware image ${path} is empty`);
  if (info.size > maxBytes) {
    throw new InputError(`firmware image ${path} is ${info.size} bytes, over the limit of ${maxBytes} (max-image-size)`);
  }
  const head = Buffer.alloc(2);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, 2, 0);
  } finally {
    await file.close();
  }
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (head[0] !== ESP_IMAGE_MAGIC && !gzip) {
    throw new InputError(
      `firmware image ${path} starts with 0x${head[0].toString(16).padStart(2, '0')}, not an ESP image (0xe9) or gzip (0x1f 0x8b): is it firmware.bin?`,
    );
  }
  return { gzip };
}

/** Bytes read at a time: memory stays flat whatever the image size. */
export const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Yields the file's bytes in order, as views of one buffer that is reused:
 * each view is valid only until the next one is asked for.
 */
export async function* readChunks(path: string): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** Streams the gzip-unpacked bytes, in chunks of at most READ_CHUNK_BYTES (left to the garbage collector). */
async function* gunzipChunks(path: string): AsyncGenerator<Buffer> {
  // Loaded only for gzip images: zlib costs every other publish a few milliseconds.
  const { createGunzip } = await import('node:zlib');
  const source = createReadStream(path);
  const stream: Readable = source.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES }));
  // Destroying the gunzip stream alone would leave the file open.
  stream.once('close', () => source.destroy());
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
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
