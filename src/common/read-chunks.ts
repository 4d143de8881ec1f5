// Files read in chunks through one reused buffer, so memory stays flat whatever their size.
import { open } from 'node:fs/promises';

/** Bytes read at a time: memory stays flat whatever the image size. */
export const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Yields the file's bytes in order from `start`, as views of one buffer that is
 * reused: each view is valid only until the next one is asked for.
 */
export async function* readChunks(path: string, start = 0): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const file = await open(path, 'r');
  try {
    for (let position = start; ;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      position += bytesRead;
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
