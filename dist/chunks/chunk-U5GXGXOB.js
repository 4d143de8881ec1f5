import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PUBLIC_KEY_PROBLEMS,
  keyIdOf,
  publicKeyProblem,
  verifyStrict
} from "./chunk-3CYM4YX4.js";

// src/protocol/manifest.ts
var MANIFEST_FORMAT = "static-ota/1";
var MAX_MANIFEST_BYTES = 1024;
var MAX_SIGNATURES = 4;
var MAX_REQUIRED_SIGNATURES = 4;
var MAX_IMAGE_SIZE = 4294967295;
var MAX_SEQ = 4294967295;
var ManifestError = class extends Error {
  constructor(code, message) {
    super(`${message} (${code})`);
    this.code = code;
    this.name = "ManifestError";
  }
  code;
};
var SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
var MAX_VERSION_LENGTH = 64;
var MAX_NUMERIC_DIGITS = 15;
var FIELD_KEY = /^[a-z0-9_-]+$/;
var BOARD = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;
var CHANNEL = /^[a-z0-9][a-z0-9-]{0,31}$/;
var FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
var DECIMAL = /^(0|[1-9]\d{0,9})$/;
var SHA256_HEX = /^[0-9a-f]{64}$/;
var SIG_LINE = /^sig=([0-9a-f]{8}):([0-9a-f]{128})$/;
var REQUIRED = ["format", "board", "channel", "file", "size", "sha256"];
var STABLE_CHANNEL = "stable";
var FULL_ROLLOUT = 100;
var IMAGE_ENCODINGS = ["gzip"];
var INFLATED_SIZE_FIELD = "inflated-size";
function releaseFolder(board, channel) {
  return channel === STABLE_CHANNEL ? board : `${board}/${channel}`;
}
var MANIFEST_FILE = "latest.txt";
var manifestPath = (board, channel) => `${releaseFolder(board, channel)}/${MANIFEST_FILE}`;
var isManifestPath = (path) => path.endsWith(`/${MANIFEST_FILE}`);
var pendingManifestPath = (board, channel) => `${releaseFolder(board, channel)}/pending.txt`;
var channelIndexPath = (board) => `${board}/channels.txt`;
var versionFileName = (name, version, extension) => `${name}-${version.replace(/\+/g, "_")}.${extension}`;
function versionOfFile(name) {
  return /^[A-Za-z0-9_]+-(.+)\.(bin|json)$/.exec(name)?.[1].replace(/_/g, "+");
}
var imageFileName = (version) => versionFileName("firmware", version, "bin");
var imagePath = (board, channel, file) => `${releaseFolder(board, channel)}/${file}`;
function versionOfImageFile(name) {
  return /^firmware-(.+)\.bin$/.exec(name)?.[1].replace(/_/g, "+");
}
function versionProblem(version) {
  const match = SEMVER.exec(version);
  if (!match) return "is not a semantic version such as 1.4.2 or v1.5.0-beta.2";
  if (version.length > MAX_VERSION_LENGTH) return `is longer than ${MAX_VERSION_LENGTH} characters`;
  const numericIds = [match[1], match[2], match[3], ...match[4]?.split(".") ?? []].filter((id) => /^\d+$/.test(id));
  const long = numericIds.find((id) => id.length > MAX_NUMERIC_DIGITS);
  return long === void 0 ? void 0 : `has a number of ${long.length} digits (${long}): devices compare numbers of at most ${MAX_NUMERIC_DIGITS} digits`;
}
var isValidVersion = (version) => versionProblem(version) === void 0;
var isValidBoard = (board) => BOARD.test(board);
var isValidChannel = (channel) => CHANNEL.test(channel);
var isValidFileName = (file) => FILE.test(file);
function serializeBody(fields) {
  const lines = [
    ["format", MANIFEST_FORMAT],
    ["board", fields.board],
    ["channel", fields.channel],
    ["file", fields.file],
    ["size", String(fields.size)],
    ["sha256", fields.sha256]
  ];
  if (fields.expires !== void 0) lines.push(["expires", String(fields.expires)]);
  if (fields.rollout !== void 0) lines.push(["rollout", String(fields.rollout)]);
  if (fields.seq !== void 0) lines.push(["seq", String(fields.seq)]);
  if (fields.encoding !== void 0) lines.push(["encoding", fields.encoding]);
  if (fields.inflatedSize !== void 0) lines.push([INFLATED_SIZE_FIELD, String(fields.inflatedSize)]);
  lines.push(...fields.extra ?? []);
  return `${fields.version}
${lines.map(([key, value]) => `${key}=${value}
`).join("")}`;
}
function formatSignatureLine({ keyId, signature }) {
  return `sig=${keyId}:${Buffer.from(signature).toString("hex")}
`;
}
function readVersionLine(bytes) {
  return frame(bytes, false).version;
}
function frame(bytes, requireSignature) {
  if (bytes.length === 0) throw new ManifestError("empty", "manifest is empty");
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new ManifestError("too_large", `manifest is ${bytes.length} bytes, the limit is ${MAX_MANIFEST_BYTES}`);
  }
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 13) throw new ManifestError("crlf", `carriage return at byte ${i}: manifests use LF line endings`);
    if (byte !== 10 && (byte < 32 || byte > 126)) {
      throw new ManifestError(
        "bad_char",
        `byte 0x${byte.toString(16).padStart(2, "0")} at offset ${i} is not printable ASCII`
      );
    }
  }
  if (bytes[bytes.length - 1] !== 10)
    throw new ManifestError("missing_newline", "manifest does not end with a newline");
  const text = Buffer.from(bytes).toString("latin1");
  const lines = text.slice(0, -1).split("\n");
  const version = lines[0];
  if (!isValidVersion(version))
    throw new ManifestError("bad_version", `line 1 is not a semantic version: ${JSON.stringify(version)}`);
  const firstSig = lines.findIndex((line) => line.startsWith("sig="));
  if (firstSig < 0) {
    if (requireSignature) throw new ManifestError("unsigned", "manifest has no sig= line");
    return { version, fieldLines: lines.slice(1), signatureLines: [], signedLength: bytes.length };
  }
  const signatureLines = lines.slice(firstSig);
  if (signatureLines.some((line) => !line.startsWith("sig="))) {
    throw new ManifestError("trailing_data", "only sig= lines may follow the first sig= line");
  }
  const signedLength = lines.slice(0, firstSig).reduce((length, line) => length + line.length + 1, 0);
  return { version, fieldLines: lines.slice(1, firstSig), signatureLines, signedLength };
}
function parseSignatureLines(lines) {
  const signatures = lines.map((line) => {
    const match = SIG_LINE.exec(line);
    if (!match)
      throw new ManifestError("bad_sig_line", `malformed signature line: ${JSON.stringify(line.slice(0, 40))}`);
    return { keyId: match[1], signature: Buffer.from(match[2], "hex") };
  });
  if (signatures.length > MAX_SIGNATURES) {
    throw new ManifestError(
      "too_many_signatures",
      `${signatures.length} signatures, at most ${MAX_SIGNATURES} are allowed`
    );
  }
  return signatures;
}
var TrustedKeyError = class extends Error {
  constructor(code, publicKey) {
    super(`trusted key ${Buffer.from(publicKey).toString("hex")} ${PUBLIC_KEY_PROBLEMS[code]} (${code})`);
    this.code = code;
    this.publicKey = publicKey;
    this.name = "TrustedKeyError";
  }
  code;
  publicKey;
};
function checkTrustedKey(publicKey) {
  const problem = publicKeyProblem(publicKey);
  if (problem) throw new TrustedKeyError(problem, publicKey);
}
function checkSignatures(bytes, framed, trustedKeys, requiredSignatures) {
  const message = bytes.subarray(0, framed.signedLength);
  const hexes = trustedKeys.map((key) => Buffer.from(key).toString("hex"));
  const trusted = trustedKeys.map((key, index) => ({ keyId: keyIdOf(key), key, index })).filter(({ index }) => hexes.indexOf(hexes[index]) === index);
  const verified = [];
  let sawTrustedKeyId = false;
  for (const { keyId, signature } of parseSignatureLines(framed.signatureLines)) {
    for (const candidate of trusted) {
      if (candidate.keyId !== keyId || verified.includes(candidate.index)) continue;
      sawTrustedKeyId = true;
      if (verifyStrict(signature, message, candidate.key)) verified.push(candidate.index);
    }
  }
  if (verified.length >= requiredSignatures) return verified;
  if (verified.length > 0) {
    const keyIds = verified.map((index) => keyIdOf(trustedKeys[index])).join(", ");
    throw new ManifestError(
      "too_few_signatures",
      `${verified.length} of the ${requiredSignatures} required signatures from distinct trusted keys verify (${keyIds})`
    );
  }
  if (!sawTrustedKeyId) {
    const keyIds = trusted.map((candidate) => candidate.keyId).join(", ");
    throw new ManifestError("untrusted_key", `no signature from a trusted key (trusted keyids: ${keyIds || "none"})`);
  }
  throw new ManifestError(
    "bad_signature",
    "signature does not verify: the manifest was changed or signed with another key"
  );
}
function parseFields(fieldLines, required) {
  const pairs = fieldLines.map((line) => {
    const equals = line.indexOf("=");
    const key = line.slice(0, equals);
    if (equals < 1 || equals === line.length - 1 || !FIELD_KEY.test(key)) {
      throw new ManifestError("bad_line", `not a key=value line: ${JSON.stringify(line.slice(0, 40))}`);
    }
    return [key, line.slice(equals + 1)];
  });
  const fields = /* @__PURE__ */ new Map();
  for (const [key, value] of pairs) {
    if (fields.has(key)) throw new ManifestError("duplicate_field", `field ${key} appears twice`);
    fields.set(key, value);
  }
  for (const key of required) {
    if (!fields.has(key)) throw new ManifestError("missing_field", `required field ${key} is missing`);
  }
  return fields;
}
function decimal(value, code, name) {
  const number = DECIMAL.test(value) ? Number(value) : NaN;
  if (!(number <= MAX_IMAGE_SIZE))
    throw new ManifestError(code, `${name} is not a decimal number up to ${MAX_IMAGE_SIZE}: ${JSON.stringify(value)}`);
  return number;
}
function parseInflatedSize(value, encoding) {
  if (value === void 0) return void 0;
  const inflatedSize = decimal(value, "bad_inflated_size", INFLATED_SIZE_FIELD);
  if (inflatedSize === 0) throw new ManifestError("bad_inflated_size", `${INFLATED_SIZE_FIELD} is 0`);
  if (encoding === void 0) {
    throw new ManifestError(
      "bad_inflated_size",
      `${INFLATED_SIZE_FIELD} without encoding=gzip: a raw image is not inflated`
    );
  }
  return inflatedSize;
}
function openCommonFields(bytes, trustedKeys, requiredSignatures, format, required) {
  trustedKeys.forEach(checkTrustedKey);
  const framed = frame(bytes, true);
  const verified = checkSignatures(bytes, framed, trustedKeys, requiredSignatures);
  const fields = parseFields(framed.fieldLines, required);
  const get = (key) => fields.get(key);
  if (get("format") !== format) {
    throw new ManifestError("bad_format", `format ${JSON.stringify(get("format"))} is not ${format}`);
  }
  if (!isValidBoard(get("board")))
    throw new ManifestError("bad_board", `invalid board ${JSON.stringify(get("board"))}`);
  if (!isValidChannel(get("channel")))
    throw new ManifestError("bad_channel", `invalid channel ${JSON.stringify(get("channel"))}`);
  if (!isValidFileName(get("file")))
    throw new ManifestError("bad_file", `invalid file name ${JSON.stringify(get("file"))}`);
  const size = decimal(get("size"), "bad_size", "size");
  if (size === 0) throw new ManifestError("bad_size", "size is 0");
  if (!SHA256_HEX.test(get("sha256")))
    throw new ManifestError("bad_sha256", "sha256 is not 64 lowercase hex characters");
  const expiresText = fields.get("expires");
  return {
    version: framed.version,
    format,
    board: get("board"),
    channel: get("channel"),
    file: get("file"),
    size,
    sha256: get("sha256"),
    ...expiresText === void 0 ? {} : { expires: decimal(expiresText, "bad_expires", "expires") },
    signedLength: framed.signedLength,
    verifiedBy: keyIdOf(trustedKeys[verified[0]]),
    verifiedKeyIndex: verified[0],
    verifiedKeys: verified.map((index) => keyIdOf(trustedKeys[index])),
    fields
  };
}
function openManifest(bytes, trustedKeys, requiredSignatures = 1) {
  const { fields, ...common } = openCommonFields(bytes, trustedKeys, requiredSignatures, MANIFEST_FORMAT, REQUIRED);
  const rollout = fields.has("rollout") ? decimal(fields.get("rollout"), "bad_rollout", "rollout") : FULL_ROLLOUT;
  if (rollout > FULL_ROLLOUT)
    throw new ManifestError("bad_rollout", `rollout is ${rollout}, a percentage from 0 to ${FULL_ROLLOUT}`);
  const seq = fields.has("seq") ? decimal(fields.get("seq"), "bad_seq", "seq") : 0;
  const encoding = fields.get("encoding");
  if (encoding !== void 0 && !IMAGE_ENCODINGS.includes(encoding)) {
    throw new ManifestError(
      "bad_encoding",
      `encoding ${JSON.stringify(encoding)} is not one of ${IMAGE_ENCODINGS.join(", ")}`
    );
  }
  const inflatedSize = parseInflatedSize(fields.get(INFLATED_SIZE_FIELD), encoding);
  const known = /* @__PURE__ */ new Set([...REQUIRED, "expires", "rollout", "seq", "encoding", INFLATED_SIZE_FIELD]);
  return {
    ...common,
    rollout,
    seq,
    ...encoding === void 0 ? {} : { encoding },
    ...inflatedSize === void 0 ? {} : { inflatedSize },
    extra: [...fields].filter(([key]) => !known.has(key))
  };
}
function judgeManifest(bytes, policy, { ignoreSignatureCount = false } = {}) {
  let manifest;
  try {
    manifest = openManifest(bytes, policy.trustedKeys, ignoreSignatureCount ? 1 : policy.requiredSignatures);
  } catch (error) {
    if (error instanceof ManifestError) return { accepted: false, code: error.code, reason: error.message };
    throw error;
  }
  const refuse = (code, reason) => ({
    accepted: false,
    code,
    reason: `${reason} (${code})`
  });
  if (manifest.board !== policy.board)
    return refuse("wrong_board", `the manifest is for board ${manifest.board}, not ${policy.board}`);
  if (manifest.channel !== policy.channel)
    return refuse("wrong_channel", `the manifest is for channel ${manifest.channel}, not ${policy.channel}`);
  if (manifest.expires !== void 0 && policy.now !== void 0 && policy.now > manifest.expires) {
    const at = new Date(manifest.expires * 1e3).toISOString();
    return refuse("expired", `the manifest expired at ${at} (expires=${manifest.expires})`);
  }
  const missingSignatures = Math.max(0, policy.requiredSignatures - manifest.verifiedKeys.length);
  return { accepted: true, manifest, missingSignatures };
}
function signedFields(manifest) {
  const { version, board, channel, file, size, sha256, expires, rollout, seq, encoding, inflatedSize, extra } = manifest;
  return { version, board, channel, file, size, sha256, expires, rollout, seq, encoding, inflatedSize, extra };
}
function summarizeManifest(bytes) {
  const framed = frame(bytes, false);
  const fields = /* @__PURE__ */ new Map();
  for (const line of framed.fieldLines) {
    const equals = line.indexOf("=");
    if (equals > 0 && !fields.has(line.slice(0, equals))) fields.set(line.slice(0, equals), line.slice(equals + 1));
  }
  const keyIds = framed.signatureLines.map((line) => SIG_LINE.exec(line)?.[1]).filter((keyId) => keyId !== void 0);
  return { version: framed.version, fields, keyIds };
}

export {
  MAX_MANIFEST_BYTES,
  MAX_SIGNATURES,
  MAX_REQUIRED_SIGNATURES,
  MAX_IMAGE_SIZE,
  MAX_SEQ,
  ManifestError,
  SHA256_HEX,
  STABLE_CHANNEL,
  FULL_ROLLOUT,
  releaseFolder,
  MANIFEST_FILE,
  manifestPath,
  isManifestPath,
  pendingManifestPath,
  channelIndexPath,
  versionFileName,
  versionOfFile,
  imageFileName,
  imagePath,
  versionOfImageFile,
  versionProblem,
  isValidVersion,
  isValidBoard,
  isValidChannel,
  isValidFileName,
  serializeBody,
  formatSignatureLine,
  readVersionLine,
  checkTrustedKey,
  decimal,
  openCommonFields,
  openManifest,
  judgeManifest,
  signedFields,
  summarizeManifest
};
