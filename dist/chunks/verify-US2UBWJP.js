import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  BARE_USER_AGENT
} from "./chunk-ZOX5ZDGT.js";
import {
  MAX_WINDOW_BITS,
  MIN_LOOKAHEAD_BITS,
  MIN_WINDOW_BITS,
  PATCH_HEADER_SEQUENTIAL_HEATSHRINK,
  normalizedBase,
  openPatchManifest,
  patchMismatch
} from "./chunk-ACKFS2Y7.js";
import {
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  ManifestError,
  imageFileName,
  judgeManifest,
  manifestPath,
  pendingManifestPath
} from "./chunk-U5GXGXOB.js";
import "./chunk-3CYM4YX4.js";
import "./chunk-PUMHU2BD.js";

// src/maintain/verify.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";

// src/protocol/device-http.ts
var DEVICE_USER_AGENT = BARE_USER_AGENT;
var DEVICE_ACCEPT_ENCODING = "identity;q=1,chunked;q=0.1,*;q=0";
var DEVICE_FOLLOWED_REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307]);
var DEVICE_MAX_REDIRECTS = 3;
function deviceRequestHeaders(url) {
  const host = url.port === "" || url.port === "80" || url.port === "443" ? url.hostname : `${url.hostname}:${url.port}`;
  return [
    "Host",
    host,
    "User-Agent",
    DEVICE_USER_AGENT,
    "Accept-Encoding",
    DEVICE_ACCEPT_ENCODING,
    "Connection",
    "close",
    "Content-Length",
    "0"
  ];
}
function deviceRedirectTarget(current, location) {
  if (location.startsWith("/")) return new URL(current.origin + location);
  if (location.startsWith(current.protocol)) return new URL(location);
  return void 0;
}

// src/release/delta/apply.ts
var DeltaApplyError = class extends Error {
  constructor(code) {
    super(`patch rejected: ${code}`);
    this.code = code;
  }
  code;
};
var HeatshrinkReader = class {
  constructor(input, start, windowBits, lookaheadBits) {
    this.input = input;
    this.windowBits = windowBits;
    this.lookaheadBits = lookaheadBits;
    this.window = new Uint8Array(1 << windowBits);
    this.bitPosition = start * 8;
  }
  input;
  windowBits;
  lookaheadBits;
  window;
  head = 0;
  bitPosition;
  // in bits, from the start of the patch
  copyLeft = 0;
  copyDistance = 0;
  bits(count) {
    if (this.bitPosition + count > this.input.length * 8) throw new DeltaApplyError("truncated");
    let value = 0;
    for (let i = 0; i < count; i++, this.bitPosition++) {
      value = value << 1 | this.input[this.bitPosition >> 3] >> 7 - (this.bitPosition & 7) & 1;
    }
    return value;
  }
  next() {
    if (this.copyLeft === 0) {
      if (this.bits(1) === 1) return this.push(this.bits(8));
      this.copyDistance = this.bits(this.windowBits) + 1;
      this.copyLeft = this.bits(this.lookaheadBits) + 1;
    }
    this.copyLeft--;
    return this.push(this.window[this.head - this.copyDistance & this.window.length - 1]);
  }
  push(byte) {
    this.window[this.head++ & this.window.length - 1] = byte;
    return byte;
  }
  // After the last byte: no repetition left over, no whole byte, zero padding bits.
  checkEnd() {
    const padding = 8 - (this.bitPosition & 7) & 7;
    const clean = this.copyLeft === 0 && this.bitPosition + padding === this.input.length * 8;
    if (!clean || this.bits(padding) !== 0) throw new DeltaApplyError("trailing_data");
  }
};
function readSize(source, allowNegative) {
  let byte = source.next();
  const negative = (byte & 64) !== 0;
  if (negative && !allowNegative) throw new DeltaApplyError("bad_size");
  let value = byte & 63;
  for (let shift = 6; byte & 128; shift += 7) {
    if (shift > 20) throw new DeltaApplyError("bad_size");
    byte = source.next();
    value += (byte & 127) * 2 ** shift;
  }
  return negative ? -value : value;
}
function readHeader(patch) {
  let position = 0;
  const source = {
    next: () => {
      if (position >= patch.length) throw new DeltaApplyError("truncated");
      return patch[position++];
    }
  };
  if (source.next() !== PATCH_HEADER_SEQUENTIAL_HEATSHRINK) throw new DeltaApplyError("bad_header");
  const resultSize = readSize(source, false);
  return { resultSize, bodyStart: position };
}
function applyPatch(base, patch, expectedResultSize) {
  const { resultSize, bodyStart } = readHeader(patch);
  if (expectedResultSize !== void 0 && resultSize !== expectedResultSize) throw new DeltaApplyError("result_size");
  if (resultSize === 0) {
    if (bodyStart !== patch.length) throw new DeltaApplyError("trailing_data");
    return new Uint8Array(0);
  }
  if (bodyStart >= patch.length) throw new DeltaApplyError("truncated");
  const windowBits = (patch[bodyStart] >> 4) + 4;
  const lookaheadBits = (patch[bodyStart] & 15) + 3;
  if (windowBits < MIN_WINDOW_BITS || windowBits > MAX_WINDOW_BITS || lookaheadBits < MIN_LOOKAHEAD_BITS || lookaheadBits >= windowBits) {
    throw new DeltaApplyError("bad_heatshrink");
  }
  const body = new HeatshrinkReader(patch, bodyStart + 1, windowBits, lookaheadBits);
  if (readSize(body, true) !== 0) throw new DeltaApplyError("bad_data_format");
  const result = new Uint8Array(resultSize);
  let written = 0;
  let basePosition = 0;
  while (written < resultSize) {
    const diffLength = readSize(body, false);
    if (diffLength > resultSize - written) throw new DeltaApplyError("past_result");
    if (diffLength > base.length - basePosition) throw new DeltaApplyError("past_base");
    for (let i = 0; i < diffLength; i++) result[written++] = body.next() + base[basePosition++] & 255;
    const extraLength = readSize(body, false);
    if (extraLength > resultSize - written) throw new DeltaApplyError("past_result");
    for (let i = 0; i < extraLength; i++) result[written++] = body.next();
    basePosition += readSize(body, true);
    if (basePosition < 0 || basePosition > base.length) throw new DeltaApplyError("past_base");
  }
  body.checkEnd();
  return result;
}

// src/maintain/verify.ts
var DEFAULT_TIMEOUT_MS = 3e4;
var PENDING_FILE = "pending.txt";
var VerifyError = class extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.code = code;
    this.name = "VerifyError";
  }
  code;
};
var URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
var namesManifest = (path) => path === MANIFEST_FILE || path.endsWith(`/${MANIFEST_FILE}`);
function parseMirror(mirror, name) {
  const scheme = URL_SCHEME.exec(mirror)?.[1].toLowerCase();
  if (scheme === void 0) return mirror;
  if (scheme !== "http" && scheme !== "https") {
    throw new Error(
      `${name} ${mirror}: ${scheme}:// is not supported. Devices fetch http:// (or https:// with a TLS client): give the URL they poll, or a local directory as a plain path.`
    );
  }
  const url = new URL(mirror);
  if (!namesManifest(url.pathname) && !url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}
function manifestLocation(mirror, options) {
  const file = options.pending ? PENDING_FILE : MANIFEST_FILE;
  const path = (options.pending ? pendingManifestPath : manifestPath)(options.board, options.channel);
  if (mirror instanceof URL) return new URL(namesManifest(mirror.pathname) ? file : path, mirror);
  return namesManifest(mirror) ? join(dirname(mirror), file) : join(mirror, ...path.split("/"));
}
var imageLocation = (manifest, file) => manifest instanceof URL ? new URL(file, manifest) : join(dirname(manifest), file);
function get(url, timeoutMs) {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    request(url, { setHost: false, agent: false, headers: deviceRequestHeaders(url), signal }, resolve).on(
      "error",
      (error) => reject(
        signal.aborted ? timedOut(url, timeoutMs) : new VerifyError("network", `GET ${url}: ${error.code ?? error.name}: ${error.message}`)
      )
    ).end();
  });
}
var timedOut = (url, timeoutMs) => new VerifyError("timeout", `GET ${url}: timed out after ${timeoutMs / 1e3} s`);
function redirectError(url, status, location) {
  if (url.protocol === "http:" && location.startsWith("https:")) {
    return new VerifyError(
      "redirect",
      `GET ${url}: ${status} redirect to ${location}. Plain-HTTP devices cannot follow a redirect to HTTPS (GitHub Pages does this on *.github.io): serve the mirror over plain HTTP, for example a custom domain with "Enforce HTTPS" off or an S3 website endpoint, or give devices the https:// URL if they can afford TLS.`
    );
  }
  const reason = DEVICE_FOLLOWED_REDIRECTS.has(status) ? "devices follow only a path (/...) or a URL of the same scheme" : `devices follow only ${[...DEVICE_FOLLOWED_REDIRECTS].join(", ")}`;
  return new VerifyError(
    "redirect",
    `GET ${url}: ${status} redirect to ${location || "(no Location)"}, which ${reason}: the device stops with http_status ${status}`
  );
}
async function* bodyOf(response, location, timeoutMs) {
  try {
    yield* response;
  } catch (error) {
    if (error.name === "AbortError") throw timedOut(location, timeoutMs);
    throw new VerifyError(
      "closed",
      `GET ${location}: the connection ended before the whole body arrived (${error.message}); devices report closed`,
      { cause: error }
    );
  }
}
async function fetchAsDevice(start, timeoutMs) {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await get(url, timeoutMs);
    const { statusCode: status = 0, headers } = response;
    if (status >= 300 && status < 400) {
      response.resume();
      const location2 = headers.location ?? "";
      const next = DEVICE_FOLLOWED_REDIRECTS.has(status) ? deviceRedirectTarget(url, location2) : void 0;
      if (next === void 0 || location2 === "") throw redirectError(url, status, location2);
      if (redirects === DEVICE_MAX_REDIRECTS)
        throw new VerifyError(
          "redirect",
          `GET ${start}: more than ${DEVICE_MAX_REDIRECTS} redirects, devices stop there`
        );
      url = next;
      continue;
    }
    const location = url.toString();
    const refuse = (message) => {
      response.destroy();
      throw new VerifyError("http_status", `GET ${location}: ${message}`);
    };
    if (status !== 200) refuse(`HTTP ${status}, expected 200`);
    const coding = headers["transfer-encoding"];
    if (coding && coding.toLowerCase() !== "identity") {
      refuse(`Transfer-Encoding ${coding}; devices read only plain bodies (serve files with a Content-Length)`);
    }
    const encoding = headers["content-encoding"];
    if (encoding && encoding.toLowerCase() !== "identity") {
      refuse(`Content-Encoding ${encoding} although devices ask for identity; they would read the encoded bytes`);
    }
    const declared = headers["content-length"];
    return {
      location,
      body: bodyOf(response, location, timeoutMs),
      length: declared === void 0 ? void 0 : Number(declared)
    };
  }
}
function open(location, timeoutMs) {
  if (location instanceof URL) return fetchAsDevice(location, timeoutMs);
  return stat(location).then(
    (info) => ({ location, body: createReadStream(location), length: info.size }),
    () => {
      throw new VerifyError("not_found", `${location} not found`);
    }
  );
}
async function readBounded(fetched, limit, what) {
  const chunks = [];
  let total = 0;
  for await (const chunk of fetched.body) {
    total += chunk.length;
    if (total > limit)
      throw new VerifyError("too_large", `${what} at ${fetched.location} is larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
function roughDuration(seconds) {
  const units = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"]
  ];
  const [size, name] = units.find(([unit]) => seconds >= unit) ?? [1, "second"];
  const count = Math.max(0, Math.round(seconds / size));
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}
function judged(bytes, location, policy, pending) {
  const verdict = judgeManifest(bytes, policy, { ignoreSignatureCount: pending });
  if (verdict.accepted) return verdict;
  const lenient = verdict.code === "too_few_signatures" ? judgeManifest(bytes, policy, { ignoreSignatureCount: true }) : verdict;
  if (!lenient.accepted) throw new VerifyError(verdict.code, `${location}: ${verdict.reason}`);
  const signers = lenient.manifest.verifiedKeys;
  const k = policy.requiredSignatures;
  throw new VerifyError(
    "too_few_signatures",
    `${location}: ${signers.length} of ${k} signatures from distinct trusted keys (${signers.join(", ")}); devices requiring ${k} refuse it (too_few_signatures)`
  );
}
async function checkImage(image, manifest) {
  if (image.length === void 0) {
    throw new VerifyError(
      "no_content_length",
      `${image.location}: no Content-Length; devices need a Content-Length equal to size=${manifest.size}`
    );
  }
  if (image.length !== manifest.size) {
    throw new VerifyError(
      "size_mismatch",
      `${image.location}: Content-Length ${image.length} but the manifest says size=${manifest.size}`
    );
  }
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of image.body) {
    size += chunk.length;
    if (size > manifest.size)
      throw new VerifyError("size_mismatch", `${image.location} is longer than size=${manifest.size}`);
    hash.update(chunk);
  }
  if (size !== manifest.size)
    throw new VerifyError(
      "size_mismatch",
      `${image.location} is ${size} bytes, the manifest says size=${manifest.size}`
    );
  const sha256 = hash.digest("hex");
  if (sha256 !== manifest.sha256) {
    throw new VerifyError(
      "hash_mismatch",
      `${image.location} has SHA-256 ${sha256}, the manifest says ${manifest.sha256}`
    );
  }
}
async function verifyMirror(options) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Math.floor(Date.now() / 1e3);
  const requiredSignatures = options.requiredSignatures ?? 1;
  const { trustedKeys, board, channel } = options;
  const policy = { trustedKeys, requiredSignatures, board, channel, now };
  const location = manifestLocation(options.mirror, options);
  const fetchedManifest = await open(location, timeoutMs);
  const bytes = await readBounded(fetchedManifest, MAX_MANIFEST_BYTES, options.pending ? PENDING_FILE : MANIFEST_FILE);
  const { manifest, missingSignatures } = judged(bytes, fetchedManifest.location, policy, options.pending === true);
  const image = await open(imageLocation(location, manifest.file), timeoutMs);
  await checkImage(image, manifest);
  const warnings = [];
  const left = manifest.expires === void 0 ? void 0 : manifest.expires - now;
  if (left !== void 0 && options.warnBeforeSeconds !== void 0 && left <= options.warnBeforeSeconds) {
    const at = new Date(manifest.expires * 1e3).toISOString();
    warnings.push(
      `the manifest expires in ${roughDuration(left)} (at ${at}); devices with a clock then refuse it: publish it again with --force --expires-in`
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
    patches
  };
}
async function patchManifestLocations(mirror, location, manifest) {
  const prefix = `${manifest.file}.from-`;
  if (!(location instanceof URL)) {
    const names = await readdir(dirname(location)).catch(() => []);
    return names.filter((name) => name.startsWith(prefix) && name.endsWith(".txt")).map((name) => imageLocation(location, name));
  }
  const path = manifestPath(manifest.board, manifest.channel);
  const named = namesManifest(mirror.pathname);
  if (named && !location.href.endsWith(`/${path}`)) return [];
  const root = named ? new URL(location.href.slice(0, -path.length)) : mirror;
  const index = await open(new URL("index.json", root), DEFAULT_TIMEOUT_MS).then((fetched) => readBounded(fetched, 16 * 1024 * 1024, "index.json")).catch(() => void 0);
  let releases;
  try {
    releases = index && JSON.parse(index.toString("utf8")).releases;
  } catch {
    return [];
  }
  const entry = Array.isArray(releases) ? releases.find((release) => release.manifest === path) : void 0;
  const listed = Array.isArray(entry?.patches) ? entry.patches : [];
  return listed.map((patch) => patch.manifest).filter(
    (name) => typeof name === "string" && dirname(name) === dirname(path) && name.startsWith(`${dirname(path)}/${prefix}`)
  ).map((name) => new URL(name, root));
}
async function rawImageSha256(location, manifest, timeoutMs) {
  if (manifest.encoding !== "gzip") return manifest.sha256;
  const served = await readBounded(
    await open(imageLocation(location, manifest.file), timeoutMs),
    manifest.size,
    "image"
  );
  return createHash("sha256").update(gunzipSync(served)).digest("hex");
}
async function checkPatch(patchLocation, location, manifest, policy, timeoutMs, warnings) {
  const fetched = await open(patchLocation, timeoutMs);
  const where = fetched.location;
  let patch;
  try {
    patch = openPatchManifest(
      await readBounded(fetched, MAX_MANIFEST_BYTES, "patch manifest"),
      policy.trustedKeys,
      policy.requiredSignatures
    );
  } catch (error) {
    if (error instanceof ManifestError) throw new VerifyError(error.code, `${where}: ${error.message}`);
    throw error;
  }
  const resultSize = manifest.encoding === "gzip" ? manifest.inflatedSize ?? 0 : manifest.size;
  const release = { ...manifest, resultSize, resultSha256: await rawImageSha256(location, manifest, timeoutMs) };
  const mismatch = patchMismatch(patch, release, patch.baseVersion);
  if (mismatch !== void 0) throw new VerifyError("patch_mismatch", `${where}: ${mismatch}`);
  if (patch.expires !== void 0 && policy.now !== void 0 && policy.now > patch.expires)
    throw new VerifyError("expired", `${where}: expired (expires=${patch.expires})`);
  const patchBytes = await readBounded(await open(imageLocation(location, patch.file), timeoutMs), patch.size, "patch");
  if (patchBytes.length !== patch.size || createHash("sha256").update(patchBytes).digest("hex") !== patch.sha256)
    throw new VerifyError(
      "hash_mismatch",
      `${where}: ${patch.file} is not the signed patch (size=${patch.size}, sha256=${patch.sha256})`
    );
  const summary = { from: patch.baseVersion, manifest: where, size: patch.size, applied: false };
  const base = await open(imageLocation(location, imageFileName(patch.baseVersion)), timeoutMs).catch(() => void 0);
  if (base === void 0) {
    warnings.push(
      `${where}: the base image of ${patch.baseVersion} is no longer on the mirror, so the patch was not applied`
    );
    return summary;
  }
  const served = await readBounded(base, 64 * 1024 * 1024, "base image");
  const baseBytes = normalizedBase(served[0] === 31 && served[1] === 139 ? gunzipSync(served) : served);
  if (baseBytes.length !== patch.baseSize || createHash("sha256").update(baseBytes).digest("hex") !== patch.baseSha256)
    throw new VerifyError("patch_base_mismatch", `${where}: the image of ${patch.baseVersion} is not the patch's base`);
  let built;
  try {
    built = applyPatch(baseBytes, patchBytes, patch.resultSize);
  } catch (error) {
    if (error instanceof DeltaApplyError) throw new VerifyError("patch_invalid", `${where}: ${error.message}`);
    throw error;
  }
  if (createHash("sha256").update(built).digest("hex") !== patch.resultSha256)
    throw new VerifyError("hash_mismatch", `${where}: the patch builds other bytes than the signed image`);
  return { ...summary, applied: true };
}
export {
  DEFAULT_TIMEOUT_MS,
  VerifyError,
  parseMirror,
  verifyMirror
};
