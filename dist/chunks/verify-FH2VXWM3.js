import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  BARE_USER_AGENT
} from "./chunk-ZOX5ZDGT.js";
import {
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  judgeManifest,
  manifestPath,
  pendingManifestPath
} from "./chunk-VL7MZMTK.js";
import "./chunk-NODAIPTN.js";
import "./chunk-PUMHU2BD.js";

// src/maintain/verify.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { dirname, join } from "node:path";

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
  return {
    manifestLocation: fetchedManifest.location,
    imageLocation: image.location,
    manifest,
    requiredSignatures,
    awaitingCosign: missingSignatures > 0,
    warnings
  };
}
export {
  DEFAULT_TIMEOUT_MS,
  VerifyError,
  parseMirror,
  verifyMirror
};
