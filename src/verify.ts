// Checks a mirror the way a device would: latest.txt, its signature, then the
// image, each fetched with the request a device sends (src/device-http.ts).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import {
  DEVICE_FOLLOWED_REDIRECTS,
  DEVICE_MAX_REDIRECTS,
  deviceRedirectTarget,
  deviceRequestHeaders,
} from './device-http.js';
import {
  manifestPath,
  MAX_MANIFEST_BYTES,
  openManifest,
  pendingManifestPath,
  type OpenedManifest,
} from './manifest.js';

const TIMEOUT_MS = 30_000;

export interface VerifyOptions {
  /** The mirror root: a directory, or an http:// or https:// URL (parseMirror). */
  mirror: string | URL;
  board: string;
  channel: string;
  trustedKeys: readonly Uint8Array[];
  /** Signatures from distinct trusted keys devices require (k of n); default 1. */
  requiredSignatures?: number;
  /** Checks the staged manifest (pending.txt) instead of latest.txt: fewer than requiredSignatures is reported, not refused. */
  pending?: boolean;
}

export interface VerifyReport {
  manifestLocation: string;
  imageLocation: string;
  manifest: OpenedManifest;
  /** A staged manifest (pending) with fewer signatures than required. */
  awaitingCosign: boolean;
}

interface Fetched {
  location: string;
  body: AsyncIterable<Uint8Array>;
  /** Declared length (HTTP Content-Length), when known. */
  length?: number;
}

/** `scheme://...`: a URL, which must be one devices fetch, never read as a folder name. */
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** A mirror root as given: a URL devices fetch, or else a directory; `name` is the option, for messages. */
export function parseMirror(mirror: string, name: string): string | URL {
  const scheme = URL_SCHEME.exec(mirror)?.[1].toLowerCase();
  if (scheme === undefined) return mirror;
  if (scheme !== 'http' && scheme !== 'https') {
    throw new Error(
      `${name} ${mirror}: ${scheme}:// is not supported. Devices fetch http:// (or https:// with a TLS client): ` +
        'give the URL they poll, or a local directory as a plain path.',
    );
  }
  return new URL(mirror.endsWith('/') ? mirror : `${mirror}/`);
}

/** One GET with the device's request head; resolves once the response head arrived. */
function get(url: URL): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    request(
      url,
      { setHost: false, agent: false, headers: deviceRequestHeaders(url), signal: AbortSignal.timeout(TIMEOUT_MS) },
      resolve,
    )
      .on('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(`GET ${url}: ${error.code ?? error.name}: ${error.message}`)),
      )
      .end();
  });
}

function redirectError(url: URL, status: number, location: string): Error {
  if (url.protocol === 'http:' && location.startsWith('https:')) {
    return new Error(
      `GET ${url}: ${status} redirect to ${location}. Plain-HTTP devices cannot follow a redirect to HTTPS ` +
        '(GitHub Pages does this on *.github.io): serve the mirror over plain HTTP, for example a custom domain with ' +
        '"Enforce HTTPS" off or an S3 website endpoint, or give devices the https:// URL if they can afford TLS.',
    );
  }
  const reason = DEVICE_FOLLOWED_REDIRECTS.has(status)
    ? 'devices follow only a path (/...) or a URL of the same scheme'
    : `devices follow only ${[...DEVICE_FOLLOWED_REDIRECTS].join(', ')}`;
  return new Error(
    `GET ${url}: ${status} redirect to ${location || '(no Location)'}, which ${reason}: the device stops with http_status ${status}`,
  );
}

/** The response body; a connection that ends before Content-Length bytes is a network error, as on a device. */
async function* bodyOf(response: IncomingMessage, location: string): AsyncIterable<Uint8Array> {
  try {
    yield* response;
  } catch (error) {
    throw new Error(
      `GET ${location}: the connection ended before the whole body arrived (${(error as Error).message}); devices report closed`,
      { cause: error },
    );
  }
}

async function fetchAsDevice(start: URL): Promise<Fetched> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await get(url);
    const { statusCode: status = 0, headers } = response;
    if (status >= 300 && status < 400) {
      response.resume();
      const location = headers.location ?? '';
      const next = DEVICE_FOLLOWED_REDIRECTS.has(status) ? deviceRedirectTarget(url, location) : undefined;
      if (next === undefined || location === '') throw redirectError(url, status, location);
      if (redirects === DEVICE_MAX_REDIRECTS)
        throw new Error(`GET ${start}: more than ${DEVICE_MAX_REDIRECTS} redirects, devices stop there`);
      url = next;
      continue;
    }
    const location = url.toString();
    const refuse = (message: string): never => {
      response.destroy();
      throw new Error(`GET ${location}: ${message}`);
    };
    if (status !== 200) refuse(`HTTP ${status}, expected 200`);
    const coding = headers['transfer-encoding'];
    if (coding && coding.toLowerCase() !== 'identity') {
      refuse(`Transfer-Encoding ${coding}; devices read only plain bodies (serve files with a Content-Length)`);
    }
    const encoding = headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') {
      refuse(`Content-Encoding ${encoding} although devices ask for identity; they would read the encoded bytes`);
    }
    const declared = headers['content-length'];
    return {
      location,
      body: bodyOf(response, location),
      length: declared === undefined ? undefined : Number(declared),
    };
  }
}

function open(mirror: string | URL, path: string): Promise<Fetched> {
  if (mirror instanceof URL) return fetchAsDevice(new URL(path, mirror));
  const location = join(mirror, ...path.split('/'));
  return stat(location).then(
    (info) => ({ location, body: createReadStream(location), length: info.size }),
    () => {
      throw new Error(`${location} not found`);
    },
  );
}

/** Reads at most `limit` bytes; more is an error, as on a device. */
async function readBounded(fetched: Fetched, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of fetched.body) {
    total += chunk.length;
    if (total > limit) throw new Error(`${what} at ${fetched.location} is larger than ${limit} bytes`);
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
    manifest = openManifest(bytes, options.trustedKeys);
  } catch (error) {
    throw new Error(`${fetchedManifest.location}: ${(error as Error).message}`, { cause: error });
  }
  const required = options.requiredSignatures ?? 1;
  const signatures = manifest.verifiedKeys.length;
  if (!options.pending && signatures < required) {
    throw new Error(
      `${fetchedManifest.location}: ${signatures} of ${required} signatures from distinct trusted keys (${manifest.verifiedKeys.join(', ')}); ` +
        `devices requiring ${required} refuse it (too_few_signatures)`,
    );
  }
  if (manifest.board !== options.board) {
    throw new Error(`${fetchedManifest.location} is for board ${manifest.board}, not ${options.board}`);
  }
  if (manifest.channel !== options.channel) {
    throw new Error(`${fetchedManifest.location} is for channel ${manifest.channel}, not ${options.channel}`);
  }
  const imagePath = `${path.slice(0, path.lastIndexOf('/') + 1)}${manifest.file}`;
  const image = await open(options.mirror, imagePath);
  if (image.length === undefined) {
    throw new Error(
      `${image.location}: no Content-Length; devices need a Content-Length equal to size=${manifest.size}`,
    );
  }
  if (image.length !== manifest.size) {
    throw new Error(`${image.location}: Content-Length ${image.length} but the manifest says size=${manifest.size}`);
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of image.body) {
    size += chunk.length;
    if (size > manifest.size) throw new Error(`${image.location} is longer than size=${manifest.size}`);
    hash.update(chunk);
  }
  if (size !== manifest.size)
    throw new Error(`${image.location} is ${size} bytes, the manifest says size=${manifest.size}`);
  const sha256 = hash.digest('hex');
  if (sha256 !== manifest.sha256) {
    throw new Error(`${image.location} has SHA-256 ${sha256}, the manifest says ${manifest.sha256}`);
  }
  return {
    manifestLocation: fetchedManifest.location,
    imageLocation: image.location,
    manifest,
    awaitingCosign: signatures < required,
  };
}
