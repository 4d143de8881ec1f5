// Checks a mirror the way a device would: latest.txt, its signature, then the image.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { keyIdOf } from './crypto.js';
import { manifestPath, MAX_MANIFEST_BYTES, openManifest, pendingManifestPath, type OpenedManifest } from './manifest.js';

/** Devices follow at most this many redirects; the verifier does the same. */
export const MAX_REDIRECTS = 3;
const TIMEOUT_MS = 30_000;

export class VerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyError';
  }
}

export interface VerifyOptions {
  /** A directory, or an http:// or https:// URL of the mirror root. */
  mirror: string;
  board: string;
  channel: string;
  trustedKeys: readonly Uint8Array[];
  /** Signatures from distinct trusted keys devices require (k of n); default 1. */
  requiredSignatures?: number;
  /** Checks the staged manifest (pending.txt, awaiting cosignatures) instead of latest.txt; one signature suffices. */
  pending?: boolean;
}

export interface VerifyReport {
  manifestLocation: string;
  imageLocation: string;
  manifest: OpenedManifest;
}

interface Fetched {
  location: string;
  body: AsyncIterable<Uint8Array>;
  /** Declared length (HTTP Content-Length), when known. */
  length?: number;
}

const isUrl = (mirror: string): boolean => /^https?:\/\//i.test(mirror);

async function fetchFollowingRedirects(url: string): Promise<Fetched> {
  let location = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(location, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) }).catch((error) => {
      throw new VerifyError(`GET ${location} failed: ${(error as Error).cause ?? (error as Error).message}`);
    });
    if (response.status >= 300 && response.status < 400) {
      const next = response.headers.get('location');
      await response.body?.cancel();
      if (!next) throw new VerifyError(`GET ${location}: ${response.status} redirect without a Location`);
      const target = new URL(next, location).toString();
      if (location.startsWith('http://') && target.startsWith('https://')) {
        throw new VerifyError(
          `GET ${location}: ${response.status} redirect to ${target}. Plain-HTTP devices cannot follow a redirect to HTTPS ` +
            '(GitHub Pages does this on *.github.io): serve the mirror over plain HTTP, for example a custom domain with ' +
            '"Enforce HTTPS" off or an S3 website endpoint, or give devices the https:// URL if they can afford TLS.',
        );
      }
      location = target;
      continue;
    }
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      throw new VerifyError(`GET ${location}: HTTP ${response.status}, expected 200`);
    }
    const coding = response.headers.get('transfer-encoding');
    if (coding) {
      await response.body.cancel();
      throw new VerifyError(`GET ${location}: Transfer-Encoding ${coding}; devices read only plain bodies (serve files with a Content-Length)`);
    }
    const declared = response.headers.get('content-length');
    return {
      location,
      body: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
      length: declared === null ? undefined : Number(declared),
    };
  }
  throw new VerifyError(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
}

function open(mirror: string, path: string): Promise<Fetched> {
  if (isUrl(mirror)) return fetchFollowingRedirects(new URL(path, mirror.endsWith('/') ? mirror : `${mirror}/`).toString());
  const location = join(mirror, ...path.split('/'));
  return stat(location).then(
    (info) => ({ location, body: createReadStream(location), length: info.size }),
    () => {
      throw new VerifyError(`${location} not found`);
    },
  );
}

/** Reads at most `limit` bytes; more is an error, as on a device. */
async function readBounded(fetched: Fetched, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of fetched.body) {
    total += chunk.length;
    if (total > limit) throw new VerifyError(`${what} at ${fetched.location} is larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export async function verifyMirror(options: VerifyOptions): Promise<VerifyReport> {
  const path = (options.pending ? pendingManifestPath : manifestPath)(options.board, options.channel);
  const fetchedManifest = await open(options.mirror, path);
  const bytes = await readBounded(fetchedManifest, MAX_MANIFEST_BYTES, 'latest.txt');
  let manifest: OpenedManifest;
  try {
    manifest = openManifest(bytes, options.trustedKeys, options.pending ? 1 : options.requiredSignatures);
  } catch (error) {
    const trusted = options.trustedKeys.map(keyIdOf).join(', ');
    throw new VerifyError(`${fetchedManifest.location}: ${(error as Error).message} (trusted keyids: ${trusted})`);
  }
  if (manifest.board !== options.board) {
    throw new VerifyError(`${fetchedManifest.location} is for board ${manifest.board}, not ${options.board}`);
  }
  if (manifest.channel !== options.channel) {
    throw new VerifyError(`${fetchedManifest.location} is for channel ${manifest.channel}, not ${options.channel}`);
  }
  const imagePath = `${path.slice(0, path.lastIndexOf('/') + 1)}${manifest.file}`;
  const image = await open(options.mirror, imagePath);
  if (image.length === undefined) {
    throw new VerifyError(`${image.location}: no Content-Length; devices need a Content-Length equal to size=${manifest.size}`);
  }
  if (image.length !== manifest.size) {
    throw new VerifyError(`${image.location}: Content-Length ${image.length} but the manifest says size=${manifest.size}`);
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of image.body) {
    size += chunk.length;
    if (size > manifest.size) throw new VerifyError(`${image.location} is longer than size=${manifest.size}`);
    hash.update(chunk);
  }
  if (size !== manifest.size) throw new VerifyError(`${image.location} is ${size} bytes, the manifest says size=${manifest.size}`);
  const sha256 = hash.digest('hex');
  if (sha256 !== manifest.sha256) {
    throw new VerifyError(`${image.location} has SHA-256 ${sha256}, the manifest says ${manifest.sha256}`);
  }
  return { manifestLocation: fetchedManifest.location, imageLocation: image.location, manifest };
}
