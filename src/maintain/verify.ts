// Checks a mirror the way a device would: latest.txt, its signature, then the
// image, each fetched with the request a device sends (src/protocol/device-http.ts).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DEVICE_FOLLOWED_REDIRECTS,
  DEVICE_MAX_REDIRECTS,
  deviceRedirectTarget,
  deviceRequestHeaders,
} from '../protocol/device-http.js';
import {
  imageFileName,
  judgeManifest,
  manifestPath,
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  pendingManifestPath,
  type DevicePolicy,
  type OpenedManifest,
  type RefusalCode,
  ManifestError,
} from '../protocol/manifest.js';
import { normalizedBase, openPatchManifest, patchMismatch } from '../protocol/patch.js';
import { applyPatch, DeltaApplyError } from '../release/delta/apply.js';

/** How long one request may take, head and body, unless VerifyOptions.timeoutMs says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;
const PENDING_FILE = 'pending.txt';

/** Why verify failed, for scripts (--json): a device's refusal code, or what went wrong on the way. */
export type VerifyFailureCode =
  | RefusalCode
  | 'timeout'
  | 'network'
  | 'closed'
  | 'redirect'
  | 'http_status'
  | 'not_found'
  | 'no_content_length'
  | 'size_mismatch'
  | 'hash_mismatch'
  /** A delta patch's signed manifest does not fit the release, or it does not build the signed image. */
  | 'patch_mismatch'
  | 'patch_base_mismatch'
  | 'patch_invalid';

export class VerifyError extends Error {
  constructor(
    readonly code: VerifyFailureCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'VerifyError';
  }
}

export interface VerifyOptions {
  /** The mirror root, or the manifest devices poll (…/latest.txt): a directory or file, or an http(s):// URL (parseMirror). */
  mirror: string | URL;
  board: string;
  channel: string;
  trustedKeys: readonly Uint8Array[];
  /** Signatures from distinct trusted keys devices require (k of n); default 1. */
  requiredSignatures?: number;
  /** Checks the staged manifest (pending.txt) instead of latest.txt: fewer than requiredSignatures is reported, not refused. */
  pending?: boolean;
  /** Unix seconds, for expires= (default: now): verify judges as a device with a clock. */
  now?: number;
  /** Per request (default DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Warn when the manifest expires within this many seconds. */
  warnBeforeSeconds?: number;
}

export interface VerifyReport {
  manifestLocation: string;
  imageLocation: string;
  manifest: OpenedManifest;
  requiredSignatures: number;
  /** A staged manifest (pending) with fewer signatures than required. */
  awaitingCosign: boolean;
  /** Not failures yet: an expiry within warnBeforeSeconds, a patch whose base image is gone. */
  warnings: string[];
  /** The delta patches found beside the image, each applied to its base and checked against the signed image. */
  patches: Array<{ from: string; manifest: string; size: number; applied: boolean }>;
}

interface Fetched {
  location: string;
  body: AsyncIterable<Uint8Array>;
  /** Declared length (HTTP Content-Length), when known. */
  length?: number;
}

/** `scheme://...`: a URL, which must be one devices fetch, never read as a folder name. */
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** A path that names a manifest devices poll rather than a mirror root. */
const namesManifest = (path: string): boolean => path === MANIFEST_FILE || path.endsWith(`/${MANIFEST_FILE}`);

/**
 * A mirror root as given: a URL devices fetch, or else a directory; either may
 * name the manifest itself (the URL a device polls). `name` is the option, for messages.
 */
export function parseMirror(mirror: string, name: string): string | URL {
  const scheme = URL_SCHEME.exec(mirror)?.[1].toLowerCase();
  if (scheme === undefined) return mirror;
  if (scheme !== 'http' && scheme !== 'https') {
    throw new Error(
      `${name} ${mirror}: ${scheme}:// is not supported. Devices fetch http:// (or https:// with a TLS client): ` +
        'give the URL they poll, or a local directory as a plain path.',
    );
  }
  const url = new URL(mirror);
  if (!namesManifest(url.pathname) && !url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** The manifest verify fetches: the board's under a root, or the one --mirror names (its pending.txt with --pending). */
function manifestLocation(mirror: string | URL, options: VerifyOptions): string | URL {
  const file = options.pending ? PENDING_FILE : MANIFEST_FILE;
  const path = (options.pending ? pendingManifestPath : manifestPath)(options.board, options.channel);
  if (mirror instanceof URL) return new URL(namesManifest(mirror.pathname) ? file : path, mirror);
  return namesManifest(mirror) ? join(dirname(mirror), file) : join(mirror, ...path.split('/'));
}

/** The image beside its manifest, as devices find it: relative to the manifest's URL (before any redirect). */
const imageLocation = (manifest: string | URL, file: string): string | URL =>
  manifest instanceof URL ? new URL(file, manifest) : join(dirname(manifest), file);

/** One GET with the device's request head; resolves once the response head arrived. */
function get(url: URL, timeoutMs: number): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    request(url, { setHost: false, agent: false, headers: deviceRequestHeaders(url), signal }, resolve)
      .on('error', (error: NodeJS.ErrnoException) =>
        reject(
          signal.aborted
            ? timedOut(url, timeoutMs)
            : new VerifyError('network', `GET ${url}: ${error.code ?? error.name}: ${error.message}`),
        ),
      )
      .end();
  });
}

const timedOut = (url: URL | string, timeoutMs: number): VerifyError =>
  new VerifyError('timeout', `GET ${url}: timed out after ${timeoutMs / 1000} s`);

function redirectError(url: URL, status: number, location: string): VerifyError {
  if (url.protocol === 'http:' && location.startsWith('https:')) {
    return new VerifyError(
      'redirect',
      `GET ${url}: ${status} redirect to ${location}. Plain-HTTP devices cannot follow a redirect to HTTPS ` +
        '(GitHub Pages does this on *.github.io): serve the mirror over plain HTTP, for example a custom domain with ' +
        '"Enforce HTTPS" off or an S3 website endpoint, or give devices the https:// URL if they can afford TLS.',
    );
  }
  const reason = DEVICE_FOLLOWED_REDIRECTS.has(status)
    ? 'devices follow only a path (/...) or a URL of the same scheme'
    : `devices follow only ${[...DEVICE_FOLLOWED_REDIRECTS].join(', ')}`;
  return new VerifyError(
    'redirect',
    `GET ${url}: ${status} redirect to ${location || '(no Location)'}, which ${reason}: the device stops with http_status ${status}`,
  );
}

/** The response body; a connection that ends before Content-Length bytes is a network error, as on a device. */
async function* bodyOf(response: IncomingMessage, location: string, timeoutMs: number): AsyncIterable<Uint8Array> {
  try {
    yield* response;
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw timedOut(location, timeoutMs);
    throw new VerifyError(
      'closed',
      `GET ${location}: the connection ended before the whole body arrived (${(error as Error).message}); devices report closed`,
      { cause: error },
    );
  }
}

async function fetchAsDevice(start: URL, timeoutMs: number): Promise<Fetched> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await get(url, timeoutMs);
    const { statusCode: status = 0, headers } = response;
    if (status >= 300 && status < 400) {
      response.resume();
      const location = headers.location ?? '';
      const next = DEVICE_FOLLOWED_REDIRECTS.has(status) ? deviceRedirectTarget(url, location) : undefined;
      if (next === undefined || location === '') throw redirectError(url, status, location);
      if (redirects === DEVICE_MAX_REDIRECTS)
        throw new VerifyError(
          'redirect',
          `GET ${start}: more than ${DEVICE_MAX_REDIRECTS} redirects, devices stop there`,
        );
      url = next;
      continue;
    }
    const location = url.toString();
    const refuse = (message: string): never => {
      response.destroy();
      throw new VerifyError('http_status', `GET ${location}: ${message}`);
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
      body: bodyOf(response, location, timeoutMs),
      length: declared === undefined ? undefined : Number(declared),
    };
  }
}

function open(location: string | URL, timeoutMs: number): Promise<Fetched> {
  if (location instanceof URL) return fetchAsDevice(location, timeoutMs);
  return stat(location).then(
    (info) => ({ location, body: createReadStream(location), length: info.size }),
    () => {
      throw new VerifyError('not_found', `${location} not found`);
    },
  );
}

/** Reads at most `limit` bytes; more is an error, as on a device. */
async function readBounded(fetched: Fetched, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of fetched.body) {
    total += chunk.length;
    if (total > limit)
      throw new VerifyError('too_large', `${what} at ${fetched.location} is larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** `3 days`, `5 hours`: how far away an expiry is, for people. */
function roughDuration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  const [size, name] = units.find(([unit]) => seconds >= unit) ?? [1, 'second'];
  const count = Math.max(0, Math.round(seconds / size));
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}

/**
 * The manifest as devices under the policy judge it (pending: all but the
 * signature count). A count below k is told as "n of k signatures", with the
 * keys that signed, when it is the only fault.
 */
function judged(bytes: Buffer, location: string, policy: DevicePolicy, pending: boolean) {
  const verdict = judgeManifest(bytes, policy, { ignoreSignatureCount: pending });
  if (verdict.accepted) return verdict;
  const lenient =
    verdict.code === 'too_few_signatures' ? judgeManifest(bytes, policy, { ignoreSignatureCount: true }) : verdict;
  if (!lenient.accepted) throw new VerifyError(verdict.code, `${location}: ${verdict.reason}`);
  const signers = lenient.manifest.verifiedKeys;
  const k = policy.requiredSignatures;
  throw new VerifyError(
    'too_few_signatures',
    `${location}: ${signers.length} of ${k} signatures from distinct trusted keys (${signers.join(', ')}); ` +
      `devices requiring ${k} refuse it (too_few_signatures)`,
  );
}

/** Reads the image as a device does: Content-Length equal to size=, then exactly that many bytes and their SHA-256. */
async function checkImage(image: Fetched, manifest: OpenedManifest): Promise<void> {
  if (image.length === undefined) {
    throw new VerifyError(
      'no_content_length',
      `${image.location}: no Content-Length; devices need a Content-Length equal to size=${manifest.size}`,
    );
  }
  if (image.length !== manifest.size) {
    throw new VerifyError(
      'size_mismatch',
      `${image.location}: Content-Length ${image.length} but the manifest says size=${manifest.size}`,
    );
  }
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of image.body) {
    size += chunk.length;
    if (size > manifest.size)
      throw new VerifyError('size_mismatch', `${image.location} is longer than size=${manifest.size}`);
    hash.update(chunk);
  }
  if (size !== manifest.size)
    throw new VerifyError(
      'size_mismatch',
      `${image.location} is ${size} bytes, the manifest says size=${manifest.size}`,
    );
  const sha256 = hash.digest('hex');
  if (sha256 !== manifest.sha256) {
    throw new VerifyError(
      'hash_mismatch',
      `${image.location} has SHA-256 ${sha256}, the manifest says ${manifest.sha256}`,
    );
  }
}

export async function verifyMirror(options: VerifyOptions): Promise<VerifyReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const requiredSignatures = options.requiredSignatures ?? 1;
  const { trustedKeys, board, channel } = options;
  const policy: DevicePolicy = { trustedKeys, requiredSignatures, board, channel, now };
  const location = manifestLocation(options.mirror, options);
  const fetchedManifest = await open(location, timeoutMs);
  const bytes = await readBounded(fetchedManifest, MAX_MANIFEST_BYTES, options.pending ? PENDING_FILE : MANIFEST_FILE);
  const { manifest, missingSignatures } = judged(bytes, fetchedManifest.location, policy, options.pending === true);
  const image = await open(imageLocation(location, manifest.file), timeoutMs);
  await checkImage(image, manifest);
  const warnings: string[] = [];
  const left = manifest.expires === undefined ? undefined : manifest.expires - now;
  if (left !== undefined && options.warnBeforeSeconds !== undefined && left <= options.warnBeforeSeconds) {
    const at = new Date((manifest.expires as number) * 1000).toISOString();
    warnings.push(
      `the manifest expires in ${roughDuration(left)} (at ${at}); devices with a clock then refuse it: publish it again with --force --expires-in`,
    );
  }
  const patches = [];
  for (const patchManifest of await patchManifestLocations(options.mirror, location, manifest)) {
    patches.push(await checkPatch(patchManifest, location, manifest, policy, timeoutMs, warnings));
  }
  return {
    manifestLocation: fetchedManifest.location,
    imageLocation: image.location,
    manifest,
    requiredSignatures,
    awaitingCosign: missingSignatures > 0,
    warnings,
    patches,
  };
}

/** The files beside the image named `<image file>.from-<version>.txt`: listed in a directory, from the release page's index.json over http(s). */
async function patchManifestLocations(
  mirror: string | URL,
  location: string | URL,
  manifest: OpenedManifest,
): Promise<Array<string | URL>> {
  const prefix = `${manifest.file}.from-`;
  if (!(location instanceof URL)) {
    const names = await readdir(dirname(location)).catch(() => []);
    return names
      .filter((name) => name.startsWith(prefix) && name.endsWith('.txt'))
      .map((name) => imageLocation(location, name));
  }
  // A static host lists nothing: the release page's index.json at the mirror root names the patches.
  const path = manifestPath(manifest.board, manifest.channel);
  // --mirror naming latest.txt: the root is above its release folder, when the URL has that layout.
  const named = namesManifest((mirror as URL).pathname);
  if (named && !location.href.endsWith(`/${path}`)) return [];
  const root = named ? new URL(location.href.slice(0, -path.length)) : (mirror as URL);
  const index = await open(new URL('index.json', root), DEFAULT_TIMEOUT_MS)
    .then((fetched) => readBounded(fetched, 16 * 1024 * 1024, 'index.json'))
    .catch(() => undefined);
  let releases: unknown;
  try {
    releases = index && (JSON.parse(index.toString('utf8')) as { releases?: unknown }).releases;
  } catch {
    return [];
  }
  const entry = Array.isArray(releases)
    ? (releases as Array<{ manifest?: unknown; patches?: unknown }>).find((release) => release.manifest === path)
    : undefined;
  const listed = Array.isArray(entry?.patches) ? (entry.patches as Array<{ manifest?: unknown }>) : [];
  return listed
    .map((patch) => patch.manifest)
    .filter(
      (name): name is string =>
        typeof name === 'string' && dirname(name) === dirname(path) && name.startsWith(`${dirname(path)}/${prefix}`),
    )
    .map((name) => new URL(name, root));
}

/** The raw image a patch must build: the served one, or for a gzip release its inflated bytes' hash. */
async function rawImageSha256(location: string | URL, manifest: OpenedManifest, timeoutMs: number): Promise<string> {
  if (manifest.encoding !== 'gzip') return manifest.sha256;
  const served = await readBounded(
    await open(imageLocation(location, manifest.file), timeoutMs),
    manifest.size,
    'image',
  );
  return createHash('sha256').update(gunzipSync(served)).digest('hex');
}

/**
 * One patch as a device running its base takes it: the signed patch manifest
 * fits the release, the patch is the signed bytes, and applied to the base
 * image (still on the mirror, normalised) it builds the signed image.
 */
async function checkPatch(
  patchLocation: string | URL,
  location: string | URL,
  manifest: OpenedManifest,
  policy: DevicePolicy,
  timeoutMs: number,
  warnings: string[],
) {
  const fetched = await open(patchLocation, timeoutMs);
  const where = fetched.location;
  let patch;
  try {
    patch = openPatchManifest(
      await readBounded(fetched, MAX_MANIFEST_BYTES, 'patch manifest'),
      policy.trustedKeys,
      policy.requiredSignatures,
    );
  } catch (error) {
    if (error instanceof ManifestError) throw new VerifyError(error.code, `${where}: ${error.message}`);
    throw error;
  }
  const resultSize = manifest.encoding === 'gzip' ? (manifest.inflatedSize ?? 0) : manifest.size;
  const release = { ...manifest, resultSize, resultSha256: await rawImageSha256(location, manifest, timeoutMs) };
  const mismatch = patchMismatch(patch, release, patch.baseVersion);
  if (mismatch !== undefined) throw new VerifyError('patch_mismatch', `${where}: ${mismatch}`);
  if (patch.expires !== undefined && policy.now !== undefined && policy.now > patch.expires)
    throw new VerifyError('expired', `${where}: expired (expires=${patch.expires})`);
  const patchBytes = await readBounded(await open(imageLocation(location, patch.file), timeoutMs), patch.size, 'patch');
  if (patchBytes.length !== patch.size || createHash('sha256').update(patchBytes).digest('hex') !== patch.sha256)
    throw new VerifyError(
      'hash_mismatch',
      `${where}: ${patch.file} is not the signed patch (size=${patch.size}, sha256=${patch.sha256})`,
    );
  const summary = { from: patch.baseVersion, manifest: where, size: patch.size, applied: false };
  const base = await open(imageLocation(location, imageFileName(patch.baseVersion)), timeoutMs).catch(() => undefined);
  if (base === undefined) {
    warnings.push(
      `${where}: the base image of ${patch.baseVersion} is no longer on the mirror, so the patch was not applied`,
    );
    return summary;
  }
  const served = await readBounded(base, 64 * 1024 * 1024, 'base image');
  const baseBytes = normalizedBase(served[0] === 0x1f && served[1] === 0x8b ? gunzipSync(served) : served);
  if (baseBytes.length !== patch.baseSize || createHash('sha256').update(baseBytes).digest('hex') !== patch.baseSha256)
    throw new VerifyError('patch_base_mismatch', `${where}: the image of ${patch.baseVersion} is not the patch's base`);
  let built: Uint8Array;
  try {
    built = applyPatch(baseBytes, patchBytes, patch.resultSize);
  } catch (error) {
    if (error instanceof DeltaApplyError) throw new VerifyError('patch_invalid', `${where}: ${error.message}`);
    throw error;
  }
  if (createHash('sha256').update(built).digest('hex') !== patch.resultSha256)
    throw new VerifyError('hash_mismatch', `${where}: the patch builds other bytes than the signed image`);
  return { ...summary, applied: true };
}
