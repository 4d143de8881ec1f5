// Checks on a firmware image before it is signed: size, ESP magic, and that it
// still trusts a key able to sign the next release (the lockout guard).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/** ESP8266/ESP32 application images start with 0xE9; the ESP8266 boot loader also unpacks gzip. */
const ESP_IMAGE_MAGIC = 0xe9;
const GZIP_MAGIC = [0x1f, 0x8b];
export const DEFAULT_MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

export async function checkImage(path: string, maxBytes = DEFAULT_MAX_IMAGE_BYTES): Promise<{ gzip: boolean }> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new ImageError(`firmware image ${path} does not exist or is not a file`);
  if (info.size === 0) throw new ImageError(`firmware image ${path} is empty`);
  if (info.size > maxBytes) {
    throw new ImageError(`firmware image ${path} is ${info.size} bytes, over the limit of ${maxBytes} (max-image-size)`);
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
    throw new ImageError(
      `firmware image ${path} starts with 0x${head[0].toString(16).padStart(2, '0')}, not an ESP image (0xe9) or gzip (0x1f 0x8b): is it firmware.bin?`,
    );
  }
  return { gzip };
}

/**
 * Streams the (unpacked) image and reports which of the given public keys it
 * contains as raw bytes. A key split across two chunks is found because each
 * chunk is searched together with the tail of the previous one.
 */
export async function findEmbeddedKeys(path: string, gzip: boolean, keys: readonly Uint8Array[]): Promise<Set<number>> {
  const found = new Set<number>();
  const overlap = Math.max(0, ...keys.map((key) => key.length - 1));
  let tail = Buffer.alloc(0);
  const source = createReadStream(path);
  const stream: Readable = gzip ? source.pipe(createGunzip()) : source;
  // Destroying the gunzip stream alone would leave the file open.
  stream.once('close', () => source.destroy());
  for await (const chunk of stream) {
    const window = Buffer.concat([tail, chunk as Buffer]);
    keys.forEach((key, index) => {
      if (!found.has(index) && window.includes(Buffer.from(key))) found.add(index);
    });
    if (found.size === keys.length) break;
    tail = window.subarray(Math.max(0, window.length - overlap));
  }
  return found;
}
