// gzip and inflate passes over a file through two fixed buffers, so memory stays flat whatever the image size.
// Node's zlib streams allocate a new output buffer per chunk, and read streams a new input buffer per read: garbage
// that V8 collects only once about 64 MiB of it has piled up (external memory), so each pass over a 64 MiB image
// grew the process by 30-75 MiB (npm run bench, "default path").
import type { Transform } from 'node:stream';
import { createReadStream } from 'node:fs';
import { READ_CHUNK_BYTES, readChunks } from '../common/read-chunks.js';

/** zlib's flush values (zlib.h), the same as node:zlib's constants. */
const Z_NO_FLUSH = 0;
const Z_FINISH = 4;

/** The engine's native handle, as node:zlib's own streams drive it (lib/zlib.js, every Node since 10). */
interface ZlibInternals {
  _handle?: {
    writeSync(
      flush: number,
      input: Buffer,
      inOffset: number,
      inLength: number,
      out: Buffer,
      outOffset: number,
      outLength: number,
    ): void;
  } | null;
  /** What the last write left: [output bytes free, input bytes not consumed]. */
  _writeState?: Uint32Array;
}

/**
 * Runs `engine` (createGzip, createGunzip, createInflateRaw) over the file's bytes from `start` and yields its output
 * as views of one reused buffer: each view is valid only until the next one is asked for. Returns the input bytes the
 * engine consumed: for a raw inflate, which stops at the end of its deflate stream, where that stream ends.
 */
export async function* zlibPass(engine: Transform, path: string, start = 0): AsyncGenerator<Buffer, number> {
  const { _handle: handle, _writeState: state } = engine as unknown as ZlibInternals;
  // ArrayBuffer.isView, not instanceof: the state array comes from Node's own realm (a test runner's may differ).
  if (typeof handle?.writeSync !== 'function' || !ArrayBuffer.isView(state))
    return yield* streamPass(engine, path, start);
  // An error is reported through engine.errored, right after the write that met it.
  engine.on('error', () => undefined);
  const output = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let consumed = 0;
  try {
    for await (const [input, flush] of withFinish(readChunks(path, start))) {
      for (let offset = 0, left = input.length; ;) {
        handle.writeSync(flush, input, offset, left, output, 0, output.length);
        if (engine.errored) throw engine.errored;
        const [outputFree, inputLeft] = state;
        consumed += left - inputLeft;
        offset += left - inputLeft;
        left = inputLeft;
        if (outputFree < output.length) yield output.subarray(0, output.length - outputFree);
        // A full output buffer: the engine has more to give for this input.
        if (outputFree > 0 && inputLeft > 0) return consumed; // the stream ended before its input did
        if (outputFree > 0) break;
      }
    }
    return consumed;
  } finally {
    engine.destroy();
  }
}

/** Each chunk with Z_NO_FLUSH, then an empty one with Z_FINISH, as a zlib stream's end() does. */
async function* withFinish(chunks: AsyncGenerator<Buffer>): AsyncGenerator<[Buffer, number]> {
  for await (const chunk of chunks) yield [chunk, Z_NO_FLUSH];
  yield [Buffer.alloc(0), Z_FINISH];
}

/** The same pass through the public stream API, should a Node version no longer have the handle. */
async function* streamPass(engine: Transform, path: string, start: number): AsyncGenerator<Buffer, number> {
  const source = createReadStream(path, { start });
  source.pipe(engine);
  // Destroying the engine alone would leave the file open.
  engine.once('close', () => source.destroy());
  try {
    for await (const chunk of engine) yield chunk as Buffer;
  } finally {
    engine.destroy();
  }
  return (engine as unknown as { bytesWritten: number }).bytesWritten;
}
