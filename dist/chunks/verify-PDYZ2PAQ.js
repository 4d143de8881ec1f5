import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  BARE_USER_AGENT
} from "./chunk-Y63CCBIO.js";
import {
  MAX_MANIFEST_BYTES,
  manifestPath,
  openManifest,
  pendingManifestPath
} from "./chunk-PPDK5VWW.js";
import "./chunk-YNZHJX3V.js";
import "./chunk-PUMHU2BD.js";

// src/verify.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";

// src/device-http.ts
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

// src/verify.ts
var TIMEOUT_MS = 3e4;
var URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
function parseMirror(mirror, name) {
  const scheme = URL_SCHEME.exec(mirror)?.[1].toLowerCase();
  if (scheme === void 0) return mirror;
  if (scheme !== "http" && scheme !== "https") {
    throw new Error(
      `${name} ${mirror}: ${scheme}:// is not supported. Devices fetch http:// (or https:// with a TLS client): give the URL they poll, or a local directory as a plain path.`
    );
  }
  return new URL(mirror.endsWith("/") ? mirror : `${mirror}/`);
}
function get(url) {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    request(
      url,
      { setHost: false, agent: false, headers: deviceRequestHeaders(url), signal: AbortSignal.timeout(TIMEOUT_MS) },
      resolve
    ).on(
      "error",
      (error) => reject(new Error(`GET ${url}: ${error.code ?? error.name}: ${error.message}`))
    ).end();
  });
}
function redirectError(url, status, location) {
  if (url.protocol === "http:" && location.startsWith("https:")) {
    return new Error(
      `GET ${url}: ${status} redirect to ${location}. Plain-HTTP devices cannot follow a redirect to HTTPS (GitHub Pages does this on *.github.io): serve the mirror over plain HTTP, for example a custom domain with "Enforce HTTPS" off or an S3 website endpoint, or give devices the https:// URL if they can afford TLS.`
    );
  }
  const reason = DEVICE_FOLLOWED_REDIRECTS.has(status) ? "devices follow only a path (/...) or a URL of the same scheme" : `devices follow only ${[...DEVICE_FOLLOWED_REDIRECTS].join(", ")}`;
  return new Error(
    `GET ${url}: ${status} redirect to ${location || "(no Location)"}, which ${reason}: the device stops with http_status ${status}`
  );
}
async function* bodyOf(response, location) {
  try {
    yield* response;
  } catch (error) {
    throw new Error(
      `GET ${location}: the connection ended before the whole body arrived (${error.message}); devices report closed`,
      { cause: error }
    );
  }
}
async function fetchAsDevice(start) {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await get(url);
    const { statusCode: status = 0, headers } = response;
    if (status >= 300 && status < 400) {
      response.resume();
      const location2 = headers.location ?? "";
      const next = DEVICE_FOLLOWED_REDIRECTS.has(status) ? deviceRedirectTarget(url, location2) : void 0;
      if (next === void 0 || location2 === "") throw redirectError(url, status, location2);
      if (redirects === DEVICE_MAX_REDIRECTS)
        throw new Error(`GET ${start}: more than ${DEVICE_MAX_REDIRECTS} redirects, devices stop there`);
      url = next;
      continue;
    }
    const location = url.toString();
    const refuse = (message) => {
      response.destroy();
      throw new Error(`GET ${location}: ${message}`);
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
      body: bodyOf(response, location),
      length: declared === void 0 ? void 0 : Number(declared)
    };
  }
}
function open(mirror, path) {
  if (mirror instanceof URL) return fetchAsDevice(new URL(path, mirror));
  const location = join(mirror, ...path.split("/"));
  return stat(location).then(
    (info) => ({ location, body: createReadStream(location), length: info.size }),
    () => {
      throw new Error(`${location} not found`);
    }
  );
}
async function readBounded(fetched, limit, what) {
  const chunks = [];
  let total = 0;
  for await (const chunk of fetched.body) {
    total += chunk.length;
    if (total > limit) throw new Error(`${what} at ${fetched.location} is larger than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
async function verifyMirror(options) {
  const path = (options.pending ? pendingManifestPath : manifestPath)(options.board, options.channel);
  const fetchedManifest = await open(options.mirror, path);
  const bytes = await readBounded(fetchedManifest, MAX_MANIFEST_BYTES, "latest.txt");
  let manifest;
  try {
    manifest = openManifest(bytes, options.trustedKeys);
  } catch (error) {
    throw new Error(`${fetchedManifest.location}: ${error.message}`, { cause: error });
  }
  const required = options.requiredSignatures ?? 1;
  const signatures = manifest.verifiedKeys.length;
  if (!options.pending && signatures < required) {
    throw new Error(
      `${fetchedManifest.location}: ${signatures} of ${required} signatures from distinct trusted keys (${manifest.verifiedKeys.join(", ")}); devices requiring ${required} refuse it (too_few_signatures)`
    );
  }
  if (manifest.board !== options.board) {
    throw new Error(`${fetchedManifest.location} is for board ${manifest.board}, not ${options.board}`);
  }
  if (manifest.channel !== options.channel) {
    throw new Error(`${fetchedManifest.location} is for channel ${manifest.channel}, not ${options.channel}`);
  }
  const imagePath = `${path.slice(0, path.lastIndexOf("/") + 1)}${manifest.file}`;
  const image = await open(options.mirror, imagePath);
  if (image.length === void 0) {
    throw new Error(
      `${image.location}: no Content-Length; devices need a Content-Length equal to size=${manifest.size}`
    );
  }
  if (image.length !== manifest.size) {
    throw new Error(`${image.location}: Content-Length ${image.length} but the manifest says size=${manifest.size}`);
  }
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of image.body) {
    size += chunk.length;
    if (size > manifest.size) throw new Error(`${image.location} is longer than size=${manifest.size}`);
    hash.update(chunk);
  }
  if (size !== manifest.size)
    throw new Error(`${image.location} is ${size} bytes, the manifest says size=${manifest.size}`);
  const sha256 = hash.digest("hex");
  if (sha256 !== manifest.sha256) {
    throw new Error(`${image.location} has SHA-256 ${sha256}, the manifest says ${manifest.sha256}`);
  }
  return {
    manifestLocation: fetchedManifest.location,
    imageLocation: image.location,
    manifest,
    awaitingCosign: signatures < required
  };
}
export {
  parseMirror,
  verifyMirror
};
