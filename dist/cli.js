#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DEFAULT_MAX_IMAGE_BYTES,
  InputError,
  TARGET_SETTING_NAMES,
  changeRollout,
  cosign,
  createTarget,
  generateKey,
  parseDuration,
  parsePositiveInteger,
  parsePublicKey,
  parseRequiredSignatures,
  parseRolloutPercent,
  parseSigningKeys,
  publicKeyAsCArray,
  readTargetConfig,
  runRelease
} from "./chunks/chunk-RLJNSO52.js";
import {
  MAX_MANIFEST_BYTES,
  STABLE_CHANNEL,
  isValidBoard,
  isValidChannel,
  keyIdOf,
  manifestPath,
  openManifest,
  pendingManifestPath
} from "./chunks/chunk-YWNVIPFS.js";
import "./chunks/chunk-6FIZRSHT.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-6DG7BXTN.js";

// src/cli.ts
import { readFile, writeFile } from "node:fs/promises";
import { join as join2 } from "node:path";
import { parseArgs } from "node:util";

// src/verify.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
var MAX_REDIRECTS = 3;
var TIMEOUT_MS = 3e4;
var VerifyError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "VerifyError";
  }
};
var isUrl = (mirror) => /^https?:\/\//i.test(mirror);
async function fetchFollowingRedirects(url) {
  let location = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(location, { redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) }).catch((error) => {
      throw new VerifyError(`GET ${location} failed: ${error.cause ?? error.message}`);
    });
    if (response.status >= 300 && response.status < 400) {
      const next = response.headers.get("location");
      await response.body?.cancel();
      if (!next) throw new VerifyError(`GET ${location}: ${response.status} redirect without a Location`);
      const target = new URL(next, location).toString();
      if (location.startsWith("http://") && target.startsWith("https://")) {
        throw new VerifyError(
          `GET ${location}: ${response.status} redirect to ${target}. Plain-HTTP devices cannot follow a redirect to HTTPS (GitHub Pages does this on *.github.io): serve the mirror over plain HTTP, for example a custom domain with "Enforce HTTPS" off or an S3 website endpoint, or give devices the https:// URL if they can afford TLS.`
        );
      }
      location = target;
      continue;
    }
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      throw new VerifyError(`GET ${location}: HTTP ${response.status}, expected 200`);
    }
    const coding = response.headers.get("transfer-encoding");
    if (coding) {
      await response.body.cancel();
      throw new VerifyError(`GET ${location}: Transfer-Encoding ${coding}; devices read only plain bodies (serve files with a Content-Length)`);
    }
    const declared = response.headers.get("content-length");
    return {
      location,
      body: Readable.fromWeb(response.body),
      length: declared === null ? void 0 : Number(declared)
    };
  }
  throw new VerifyError(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
}
function open(mirror, path) {
  if (isUrl(mirror)) return fetchFollowingRedirects(new URL(path, mirror.endsWith("/") ? mirror : `${mirror}/`).toString());
  const location = join(mirror, ...path.split("/"));
  return stat(location).then(
    (info) => ({ location, body: createReadStream(location), length: info.size }),
    () => {
      throw new VerifyError(`${location} not found`);
    }
  );
}
async function readBounded(fetched, limit, what) {
  const chunks = [];
  let total = 0;
  for await (const chunk of fetched.body) {
    total += chunk.length;
    if (total > limit) throw new VerifyError(`${what} at ${fetched.location} is larger than ${limit} bytes`);
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
    manifest = openManifest(bytes, options.trustedKeys, options.pending ? 1 : options.requiredSignatures);
  } catch (error) {
    const trusted = options.trustedKeys.map(keyIdOf).join(", ");
    throw new VerifyError(`${fetchedManifest.location}: ${error.message} (trusted keyids: ${trusted})`);
  }
  if (manifest.board !== options.board) {
    throw new VerifyError(`${fetchedManifest.location} is for board ${manifest.board}, not ${options.board}`);
  }
  if (manifest.channel !== options.channel) {
    throw new VerifyError(`${fetchedManifest.location} is for channel ${manifest.channel}, not ${options.channel}`);
  }
  const imagePath = `${path.slice(0, path.lastIndexOf("/") + 1)}${manifest.file}`;
  const image = await open(options.mirror, imagePath);
  if (image.length === void 0) {
    throw new VerifyError(`${image.location}: no Content-Length; devices need a Content-Length equal to size=${manifest.size}`);
  }
  if (image.length !== manifest.size) {
    throw new VerifyError(`${image.location}: Content-Length ${image.length} but the manifest says size=${manifest.size}`);
  }
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of image.body) {
    size += chunk.length;
    if (size > manifest.size) throw new VerifyError(`${image.location} is longer than size=${manifest.size}`);
    hash.update(chunk);
  }
  if (size !== manifest.size) throw new VerifyError(`${image.location} is ${size} bytes, the manifest says size=${manifest.size}`);
  const sha256 = hash.digest("hex");
  if (sha256 !== manifest.sha256) {
    throw new VerifyError(`${image.location} has SHA-256 ${sha256}, the manifest says ${manifest.sha256}`);
  }
  return { manifestLocation: fetchedManifest.location, imageLocation: image.location, manifest };
}

// src/cli.ts
var KEY_ENVIRONMENT_VARIABLE = "STATIC_OTA_KEY";
var USAGE = `Usage:
  static-ota keygen --out key.pem
  static-ota publish --firmware PATH --version SEMVER --board ID (--out DIR | --target KIND ...)
                     [--key PATH]... [--channel C] [--force] [--trusted-key HEX]...
                     [--allow-lockout] [--expires-in 30d] [--keep-versions N] [--max-image-size BYTES]
                     [--no-follow-stable] [--rollout PERCENT] [--required-signatures K]
      Keys: --key files (PKCS#8 PEM, or a 32-byte seed as hex or base64), or the
      ${KEY_ENVIRONMENT_VARIABLE} environment variable holding the key itself.
  static-ota rollout --board ID --percent N (--out DIR | --target KIND ...) [--channel C] [--key PATH]...
                     [--trusted-key HEX]... [--required-signatures K]
      Re-signs the manifest on the mirror for its current version with a new
      rollout percentage (0 halts the release), same image, seq one higher.
  static-ota cosign --board ID (--out DIR | --target KIND ...) --trusted-key HEX... [--channel C] [--key PATH]
                    [--required-signatures K]
      Adds a signature to the staged manifest (pending.txt, or latest.txt when
      none is staged) after verifying every existing one; promotes it to
      latest.txt once it has K signatures (default 2).
  Mirror targets (publish, rollout, cosign), with the action's settings as flags:
      --out DIR                     the directory target (same as --directory DIR)
      --target github-pages         --pages-branch B --pages-folder F; the remote is
                                    GITHUB_SERVER_URL/GITHUB_REPOSITORY.git, token GITHUB_TOKEN
      --target s3                   --s3-bucket B --s3-prefix P --s3-region R --s3-endpoint URL
                                    --s3-force-path-style true --s3-acl ACL; credentials
                                    AWS_ACCESS_KEY_ID (or --s3-access-key-id), AWS_SECRET_ACCESS_KEY,
                                    AWS_SESSION_TOKEN
  static-ota verify --mirror DIR_OR_URL --board ID --pubkey HEX [--pubkey HEX]... [--channel C]
                    [--required-signatures K] [--pending]
`;
var UsageError = class extends Error {
};
function required(values, name) {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}
async function keygen(args, out) {
  const { values } = parseArgs({ args, options: { out: { type: "string" } } });
  const path = required(values, "out");
  const key = generateKey();
  await writeFile(path, key.privatePem, { flag: "wx", mode: 384 }).catch((error) => {
    throw new InputError(error.code === "EEXIST" ? `${path} already exists: refusing to overwrite a key` : `cannot write ${path}: ${error.message}`);
  });
  const publicHex = Buffer.from(key.publicKey).toString("hex");
  out(`private key written to ${path} (keep it secret; store it as the STATIC_OTA_SIGNING_KEY repository secret)
`);
  out(`public key: ${publicHex}
keyid: ${key.keyId}

For your firmware:
${publicKeyAsCArray(key.publicKey)}
`);
}
async function readKeys(paths, env) {
  if (paths.length === 0) {
    const material = env[KEY_ENVIRONMENT_VARIABLE];
    if (!material) throw new UsageError(`give --key PATH or set ${KEY_ENVIRONMENT_VARIABLE}`);
    return parseSigningKeys(material, KEY_ENVIRONMENT_VARIABLE);
  }
  const keys = [];
  for (const path of paths) {
    const material = await readFile(path, "utf8").catch((error) => {
      throw new InputError(`cannot read key file ${path}: ${error.message}`);
    });
    keys.push(...parseSigningKeys(material, path));
  }
  return keys;
}
async function publish(args, out, env) {
  const { values } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      firmware: { type: "string" },
      version: { type: "string" },
      board: { type: "string" },
      channel: { type: "string" },
      key: { type: "string", multiple: true, default: [] },
      out: { type: "string" },
      force: { type: "boolean", default: false },
      "no-follow-stable": { type: "boolean", default: false },
      rollout: { type: "string" },
      "required-signatures": { type: "string" },
      "trusted-key": { type: "string", multiple: true, default: [] },
      "allow-lockout": { type: "boolean", default: false },
      "expires-in": { type: "string" },
      "keep-versions": { type: "string" },
      "max-image-size": { type: "string" }
    }
  });
  const target = targetFrom(values, env);
  const expiresIn = values["expires-in"];
  const keepVersions = values["keep-versions"];
  const maxImageSize = values["max-image-size"];
  const { manifests } = await runRelease({
    version: required(values, "version"),
    channel: values.channel,
    projectDir: ".",
    environments: [],
    build: false,
    firmware: [{ board: required(values, "board"), path: required(values, "firmware") }],
    signingKeys: await readKeys(values.key, env),
    nextReleaseKeys: values["trusted-key"].map((key) => parsePublicKey(key, "--trusted-key")),
    allowLockout: values["allow-lockout"],
    expiresInSeconds: expiresIn === void 0 ? void 0 : parseDuration(expiresIn, "--expires-in"),
    force: values.force,
    followStable: !values["no-follow-stable"],
    rollout: values.rollout === void 0 ? void 0 : parseRolloutPercent(values.rollout, "--rollout"),
    requiredSignatures: requiredSignatures(values, 1),
    maxImageBytes: maxImageSize === void 0 ? DEFAULT_MAX_IMAGE_BYTES : parsePositiveInteger(maxImageSize, "--max-image-size"),
    keepVersions: keepVersions === void 0 ? void 0 : parsePositiveInteger(keepVersions, "--keep-versions"),
    target,
    log: { info: (message) => out(`${message}
`), warning: (message) => out(`warning: ${message}
`) }
  });
  for (const published of manifests) {
    out(`  ${published.image}: ${published.size} bytes, sha256 ${published.sha256}${published.imageWritten ? "" : " (already there)"}
`);
    if (published.supersededBy === void 0 && target.kind === "directory") {
      const text = await readFile(join2(target.directory, ...published.manifest.split("/")), "latin1");
      out(`  ${published.manifest}:
${text.replace(/^/gm, "    ")}`);
    }
  }
}
async function rollout(args, out, env) {
  const { values } = parseArgs({
    args,
    options: {
      board: { type: "string" },
      channel: { type: "string", default: STABLE_CHANNEL },
      percent: { type: "string" },
      key: { type: "string", multiple: true, default: [] },
      "trusted-key": { type: "string", multiple: true, default: [] },
      "required-signatures": { type: "string" },
      ...TARGET_OPTIONS
    }
  });
  const percent = parseRolloutPercent(required(values, "percent"), "--percent");
  const target = await createTarget(targetFrom(values, env));
  const result = await changeRollout(target, {
    ...manifestLocation(values),
    percent,
    keys: await readKeys(values.key, env),
    trustedKeys: values["trusted-key"].map((key) => parsePublicKey(key, "--trusted-key")),
    requiredSignatures: requiredSignatures(values, 1)
  });
  out(`${result.path}: ${result.version} rollout ${result.previousPercent}% -> ${result.percent}% (seq ${result.seq})${percent === 0 ? ", halted" : ""}
`);
  if (result.path.endsWith("/pending.txt")) out("staged: devices keep the current manifest until static-ota cosign adds the other signatures\n");
}
async function cosignCommand(args, out, env) {
  const { values } = parseArgs({
    args,
    options: {
      board: { type: "string" },
      channel: { type: "string", default: STABLE_CHANNEL },
      key: { type: "string", multiple: true, default: [] },
      "trusted-key": { type: "string", multiple: true, default: [] },
      "required-signatures": { type: "string" },
      ...TARGET_OPTIONS
    }
  });
  if (values["trusted-key"].length === 0) throw new UsageError("--trusted-key is required: the public keys devices trust, to verify the existing signatures");
  const keys = await readKeys(values.key, env);
  if (keys.length !== 1) throw new UsageError(`cosign adds one signature: give exactly one key, got ${keys.length}`);
  const target = await createTarget(targetFrom(values, env));
  const result = await cosign(target, {
    ...manifestLocation(values),
    key: keys[0],
    trustedKeys: values["trusted-key"].map((key) => parsePublicKey(key, "--trusted-key")),
    requiredSignatures: requiredSignatures(values, 2)
  });
  out(`${result.path}: ${result.version} now has ${result.signatures} signature${result.signatures === 1 ? "" : "s"}${result.promoted ? ", promoted to latest.txt" : ""}
`);
}
var TARGET_OPTIONS = {
  out: { type: "string" },
  ...Object.fromEntries(TARGET_SETTING_NAMES.map((name) => [name, { type: "string" }]))
};
function targetFrom(values, env) {
  const flag = (name) => typeof values[name] === "string" ? values[name] : void 0;
  const secrets = {
    token: env.GITHUB_TOKEN,
    "s3-secret-access-key": env.AWS_SECRET_ACCESS_KEY,
    "s3-session-token": env.AWS_SESSION_TOKEN
  };
  const fallbacks = { directory: flag("out"), "s3-access-key-id": env.AWS_ACCESS_KEY_ID };
  const config = readTargetConfig((name) => name in secrets ? secrets[name] : flag(name) ?? fallbacks[name], env);
  if (config.kind === "directory" && flag("directory") === void 0 && flag("out") === void 0) {
    throw new UsageError("--out DIR is required (or --target github-pages|s3 with its settings)");
  }
  return config;
}
function requiredSignatures(values, fallback) {
  const text = values["required-signatures"];
  if (typeof text !== "string") return fallback;
  return parseRequiredSignatures(text, "--required-signatures");
}
function manifestLocation(values) {
  const board = required(values, "board");
  const channel = typeof values.channel === "string" ? values.channel : STABLE_CHANNEL;
  if (!isValidBoard(board)) throw new UsageError(`--board ${JSON.stringify(board)} is not a board name`);
  if (!isValidChannel(channel)) throw new UsageError(`--channel ${JSON.stringify(channel)} is not a channel name`);
  return { board, channel };
}
async function verify(args, out) {
  const { values } = parseArgs({
    args,
    options: {
      mirror: { type: "string" },
      board: { type: "string" },
      channel: { type: "string", default: STABLE_CHANNEL },
      pubkey: { type: "string", multiple: true, default: [] },
      "required-signatures": { type: "string" },
      pending: { type: "boolean", default: false }
    }
  });
  if (values.pubkey.length === 0) throw new UsageError("--pubkey is required");
  const { board, channel } = manifestLocation(values);
  const report = await verifyMirror({
    mirror: required(values, "mirror"),
    board,
    channel,
    trustedKeys: values.pubkey.map((key) => parsePublicKey(key, "--pubkey")),
    requiredSignatures: requiredSignatures(values, 1),
    pending: values.pending
  });
  const { manifest } = report;
  out(`OK ${report.manifestLocation}
`);
  out(`  version ${manifest.version}, board ${manifest.board}, channel ${manifest.channel}, signed by ${manifest.verifiedKeys.join(", ")}
`);
  if (manifest.expires !== void 0) out(`  expires ${new Date(manifest.expires * 1e3).toISOString()}
`);
  out(`  image ${report.imageLocation}: ${manifest.size} bytes, sha256 ${manifest.sha256} (matches)
`);
}
async function runCli(argv, io = {}) {
  const out = io.stdout ?? ((text) => process.stdout.write(text));
  const err = io.stderr ?? ((text) => process.stderr.write(text));
  const env = io.env ?? process.env;
  const [command, ...args] = argv;
  try {
    if (command === "keygen") await keygen(args, out);
    else if (command === "publish") await publish(args, out, env);
    else if (command === "verify") await verify(args, out);
    else if (command === "rollout") await rollout(args, out, env);
    else if (command === "cosign") await cosignCommand(args, out, env);
    else if (command === void 0 || command === "help" || command === "--help" || command === "-h") {
      out(USAGE);
      return command === void 0 ? 2 : 0;
    } else throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || error.code?.startsWith("ERR_PARSE_ARGS");
    err(`static-ota ${command}: ${error.message}
`);
    if (usage) err(USAGE);
    return usage ? 2 : 1;
  }
}

// src/bin.ts
process.exitCode = await runCli(process.argv.slice(2));
