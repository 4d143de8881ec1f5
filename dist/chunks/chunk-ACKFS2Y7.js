import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ManifestError,
  SHA256_HEX,
  decimal,
  isValidVersion,
  openCommonFields
} from "./chunk-U5GXGXOB.js";

// src/protocol/patch.ts
var PATCH_FORMAT = "static-ota-patch/1";
var REQUIRED = [
  "format",
  "board",
  "channel",
  "file",
  "size",
  "sha256",
  "base-version",
  "base-size",
  "base-sha256",
  "result-size",
  "result-sha256"
];
function normalizedBase(image) {
  const copy = Uint8Array.from(image);
  copy.fill(0, 2, Math.min(4, copy.length));
  return copy;
}
var patchManifestFileName = (imageFile, baseVersion) => `${imageFile}.from-${baseVersion.replace(/\+/g, "_")}.txt`;
var patchFileName = (imageFile, baseVersion) => `${imageFile}.from-${baseVersion.replace(/\+/g, "_")}.patch`;
function versionsOfPatchFile(name) {
  const match = /^firmware-(.+)\.bin\.from-(.+)\.(txt|patch)$/.exec(name);
  return match ? { result: match[1].replace(/_/g, "+"), base: match[2].replace(/_/g, "+") } : void 0;
}
function serializePatchBody(fields) {
  const lines = [
    ["format", PATCH_FORMAT],
    ["board", fields.board],
    ["channel", fields.channel],
    ["file", fields.file],
    ["size", String(fields.size)],
    ["sha256", fields.sha256],
    ["base-version", fields.baseVersion],
    ["base-size", String(fields.baseSize)],
    ["base-sha256", fields.baseSha256],
    ["result-size", String(fields.resultSize)],
    ["result-sha256", fields.resultSha256]
  ];
  if (fields.expires !== void 0) lines.push(["expires", String(fields.expires)]);
  return `${fields.version}
${lines.map(([key, value]) => `${key}=${value}
`).join("")}`;
}
function positive(value, code, name) {
  const number = decimal(value, code, name);
  if (number === 0) throw new ManifestError(code, `${name} is 0`);
  return number;
}
function sha256Field(value, code, name) {
  if (!SHA256_HEX.test(value)) throw new ManifestError(code, `${name} is not 64 lowercase hex characters`);
  return value;
}
function openPatchManifest(bytes, trustedKeys, requiredSignatures = 1) {
  const { fields, ...common } = openCommonFields(bytes, trustedKeys, requiredSignatures, PATCH_FORMAT, REQUIRED);
  const get = (key) => fields.get(key);
  const baseVersion = get("base-version");
  if (!isValidVersion(baseVersion))
    throw new ManifestError(
      "bad_base_version",
      `base-version is not a semantic version: ${JSON.stringify(baseVersion)}`
    );
  const baseSize = positive(get("base-size"), "bad_base_size", "base-size");
  const baseSha256 = sha256Field(get("base-sha256"), "bad_base_sha256", "base-sha256");
  const resultSize = positive(get("result-size"), "bad_result_size", "result-size");
  const resultSha256 = sha256Field(get("result-sha256"), "bad_result_sha256", "result-sha256");
  return { ...common, baseVersion, baseSize, baseSha256, resultSize, resultSha256 };
}
function patchMismatch(patch, release, baseVersion) {
  if (patch.version !== release.version) return `the patch builds ${patch.version}, not ${release.version}`;
  if (patch.board !== release.board) return `the patch is for board ${patch.board}, not ${release.board}`;
  if (patch.channel !== release.channel) return `the patch is for channel ${patch.channel}, not ${release.channel}`;
  if (patch.baseVersion !== baseVersion) return `the patch starts from ${patch.baseVersion}, not ${baseVersion}`;
  if (patch.resultSize !== release.resultSize || patch.resultSha256 !== release.resultSha256)
    return "the patch does not build the signed image";
  return void 0;
}

// src/release/delta/format.ts
var PATCH_HEADER_SEQUENTIAL_HEATSHRINK = 4;
var DEFAULT_WINDOW_BITS = 11;
var DEFAULT_LOOKAHEAD_BITS = 10;
var MIN_WINDOW_BITS = 4;
var MAX_WINDOW_BITS = 11;
var MIN_LOOKAHEAD_BITS = 3;
var MAX_SIZE = 2 ** 27 - 1;
var DeltaFormatError = class extends Error {
};
function heatshrinkHeaderByte(windowBits, lookaheadBits) {
  checkHeatshrinkParameters(windowBits, lookaheadBits);
  return windowBits - 4 << 4 | lookaheadBits - 3;
}
function checkHeatshrinkParameters(windowBits, lookaheadBits) {
  const windowOk = Number.isInteger(windowBits) && windowBits >= MIN_WINDOW_BITS && windowBits <= MAX_WINDOW_BITS;
  const lookaheadOk = Number.isInteger(lookaheadBits) && lookaheadBits >= MIN_LOOKAHEAD_BITS && lookaheadBits < windowBits;
  if (!windowOk || !lookaheadOk) {
    throw new DeltaFormatError(
      `heatshrink window ${windowBits} / lookahead ${lookaheadBits} bits: need 4..11 and 3..window-1`
    );
  }
}
function packSize(value) {
  if (!Number.isInteger(value) || Math.abs(value) > MAX_SIZE) {
    throw new DeltaFormatError(`size ${value} does not fit a patch (at most ${MAX_SIZE})`);
  }
  let magnitude = Math.abs(value);
  const bytes = [(value < 0 ? 64 : 0) | magnitude & 63];
  magnitude >>>= 6;
  while (magnitude > 0) {
    bytes[bytes.length - 1] |= 128;
    bytes.push(magnitude & 127);
    magnitude >>>= 7;
  }
  return bytes;
}

export {
  normalizedBase,
  patchManifestFileName,
  patchFileName,
  versionsOfPatchFile,
  serializePatchBody,
  openPatchManifest,
  patchMismatch,
  PATCH_HEADER_SEQUENTIAL_HEATSHRINK,
  DEFAULT_WINDOW_BITS,
  DEFAULT_LOOKAHEAD_BITS,
  MIN_WINDOW_BITS,
  MAX_WINDOW_BITS,
  MIN_LOOKAHEAD_BITS,
  MAX_SIZE,
  DeltaFormatError,
  heatshrinkHeaderByte,
  checkHeatshrinkParameters,
  packSize
};
