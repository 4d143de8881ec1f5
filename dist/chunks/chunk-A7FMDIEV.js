import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  require_semver
} from "./chunk-B6URAI4N.js";
import {
  MAX_SIGNATURES,
  ManifestError,
  STABLE_CHANNEL,
  checkTrustedKey,
  formatSignatureLine,
  imageFileName,
  isValidBoard,
  isValidChannel,
  isValidVersion,
  manifestPath,
  openManifest,
  readVersionLine,
  releaseFolder,
  serializeBody
} from "./chunk-JIFYRVQH.js";
import {
  ConflictError,
  retryOnConflict,
  sameBytes
} from "./chunk-6FIZRSHT.js";
import {
  ImageError,
  PUBLIC_KEY_LENGTH,
  checkImage,
  findEmbeddedKeys,
  hashFile,
  keyIdOf,
  privateKeyOf,
  publicKeyOf,
  signBytes
} from "./chunk-HKFBECJ7.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// src/inputs.ts
var InputError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "InputError";
  }
};
var DURATION_UNITS = { s: 1, m: 60, h: 3600, d: 86400 };
function parseDuration(text, name) {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || "s"] : NaN;
  if (!(seconds > 0 && seconds <= 10 * 365 * 86400)) {
    throw new InputError(`${name} must be a duration such as 3600, 12h or 30d (at most 10 years), got ${JSON.stringify(text)}`);
  }
  return seconds;
}
function parsePositiveInteger(text, name) {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(Number.isSafeInteger(value) && value >= 1)) throw new InputError(`${name} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  return value;
}
var splitList = (text) => text.split(/[,\n]/).map((item) => item.trim()).filter(Boolean);

// src/publish/directory.ts
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
var ignoreMissing = (fallback) => (error) => {
  if (error.code === "ENOENT") return fallback;
  throw error;
};
async function makeFolders(folder) {
  const missing = [];
  for (let current = folder; !await stat(current).catch(ignoreMissing(void 0)); current = dirname(current)) {
    if (dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const path of missing) {
    await mkdir(path).catch((error) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
}
var DirectoryTarget = class {
  description;
  root;
  constructor(root) {
    this.root = resolve(root);
    this.description = `directory ${root}`;
  }
  transaction(work) {
    return retryOnConflict(() => work(this.session())).catch((error) => {
      if (error.code !== void 0 && error.syscall !== void 0) error.message = `${this.description}: ${error.message}`;
      throw error;
    });
  }
  /** One view of the folder; `transaction` adds the retries a shared folder needs. */
  session() {
    const full = (path) => join(this.root, ...path.split("/"));
    const read = (path) => readFile(full(path)).catch(ignoreMissing(void 0));
    const atomically = async (path, write) => {
      const destination = full(path);
      const temporary = `${destination}.${process.pid}.tmp`;
      await makeFolders(dirname(destination));
      try {
        await write(temporary);
        await rename(temporary, destination);
      } finally {
        await rm(temporary, { force: true });
      }
    };
    return {
      read,
      async compareImage(path, _localFile, sha256) {
        const stored = await hashFile(full(path)).catch(ignoreMissing(void 0));
        if (!stored) return "missing";
        return stored.sha256 === sha256 ? "same" : "different";
      },
      async list(folder) {
        const entries = await readdir(full(folder), { withFileTypes: true }).catch(ignoreMissing([]));
        return entries.filter((entry) => entry.isFile()).map((entry) => folder ? `${folder}/${entry.name}` : entry.name);
      },
      writeImage: (path, localFile) => atomically(path, (temporary) => copyFile(localFile, temporary)),
      async writeManifest(path, text, previous) {
        const current = await read(path);
        if (!sameBytes(current, previous)) throw new ConflictError(`${path} changed while publishing`);
        await atomically(path, (temporary) => writeFile(temporary, text, "latin1"));
      },
      remove: (path) => rm(full(path), { force: true })
    };
  }
};

// src/publish/targets.ts
var TARGET_KINDS = ["directory", "github-pages", "s3"];
var PAGES_HISTORIES = ["keep", "squash"];
async function createTarget(config) {
  switch (config.kind) {
    case "directory":
      return new DirectoryTarget(config.directory);
    case "github-pages":
      if (!config.pages) throw new Error("target github-pages needs its settings (pages-branch, pages-folder, token)");
      return new (await import("./pages-TCS76OWE.js")).PagesTarget(config.pages);
    case "s3":
      if (!config.s3) throw new Error("target s3 needs its settings (s3-bucket, ...)");
      return new (await import("./s3-WRH6TVGX.js")).S3Target(config.s3);
    default:
      throw new Error(`unknown target ${String(config.kind)}; expected one of ${TARGET_KINDS.join(", ")}`);
  }
}

// src/version.ts
var import_semver = __toESM(require_semver(), 1);
var VersionError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "VersionError";
  }
};
function parseVersion(text) {
  const version = text.replace(/^v/, "");
  if (!isValidVersion(version)) {
    throw new VersionError(
      `${JSON.stringify(text)} is not a semantic version such as 1.4.2 or v1.5.0-beta.2 (at most 64 characters)`
    );
  }
  return version;
}
var tagFromRef = (ref) => ref?.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : void 0;
function versionFromRef(ref) {
  const tag = tagFromRef(ref);
  if (tag === void 0) return void 0;
  if (isValidVersion(tag.replace(/^v/, ""))) return parseVersion(tag);
  throw new VersionError(
    `the tag ${JSON.stringify(tag)} (${ref}) is not a semantic version such as v1.4.2 or v1.5.0-beta.2. Run the release only on version tags (on: push: tags: ['v*.*.*']), or give the version input.`
  );
}
function channelFor(version, requested) {
  const prerelease = import_semver.default.prerelease(version);
  const channel = requested || (prerelease ? String(prerelease[0]).toLowerCase() : STABLE_CHANNEL);
  if (!isValidChannel(channel)) {
    throw new VersionError(`channel ${JSON.stringify(channel)} is invalid: use lowercase letters, digits and '-', at most 32`);
  }
  if (prerelease && channel === STABLE_CHANNEL) {
    throw new VersionError(`pre-release ${version} cannot be published to the stable channel`);
  }
  return channel;
}
var compareVersions = (a, b) => import_semver.default.compare(a, b);

// src/sign.ts
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
var KeyError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "KeyError";
  }
};
var HEX_32 = /^[0-9a-fA-F]{64}$/;
var BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;
function fromSeed(seed) {
  const publicKey = publicKeyOf(seed);
  return { seed, privateKey: privateKeyOf(seed), publicKey, keyId: keyIdOf(publicKey) };
}
function parseSigningKey(material, source) {
  const text = material.trim();
  if (text.includes("-----BEGIN")) {
    let jwk;
    try {
      const key = createPrivateKey({ key: text, format: "pem" });
      if (key.asymmetricKeyType !== "ed25519") {
        throw new KeyError(`${source}: the key is ${key.asymmetricKeyType}, static-ota signs with Ed25519`);
      }
      jwk = key.export({ format: "jwk" });
    } catch (error) {
      if (error instanceof KeyError) throw error;
      throw new KeyError(`${source}: not a readable PKCS#8 PEM private key`);
    }
    return fromSeed(Buffer.from(jwk.d, "base64url"));
  }
  if (HEX_32.test(text)) return fromSeed(Buffer.from(text, "hex"));
  if (BASE64_32.test(text)) return fromSeed(Buffer.from(text, "base64"));
  throw new KeyError(
    `${source}: expected an Ed25519 private key as PKCS#8 PEM, 64 hex characters or base64 of 32 bytes`
  );
}
function parsePublicKey(text, source = "public key") {
  const publicKey = readPublicKey(text.trim());
  if (!publicKey) throw new KeyError(`${source}: expected an Ed25519 public key as 64 hex characters or PEM`);
  try {
    checkTrustedKey(publicKey);
  } catch (error) {
    throw new KeyError(`${source}: ${error.message}`);
  }
  return publicKey;
}
function readPublicKey(text) {
  if (HEX_32.test(text)) return Buffer.from(text, "hex");
  if (!text.includes("-----BEGIN PUBLIC KEY")) return void 0;
  try {
    const key = createPublicKey(text);
    const x = key.asymmetricKeyType === "ed25519" ? key.export({ format: "jwk" }).x : void 0;
    return x ? Buffer.from(x, "base64url") : void 0;
  } catch {
    return void 0;
  }
}
function generateKey() {
  const { privateKey } = generateKeyPairSync("ed25519");
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" });
  const { publicKey, keyId } = parseSigningKey(privatePem, "generated key");
  return { privatePem, publicKey, keyId };
}
function publicKeyAsCArray(publicKey, name = "kTrustedKeys") {
  const bytes = [...publicKey].map((byte) => `0x${byte.toString(16).padStart(2, "0")}`);
  const half = PUBLIC_KEY_LENGTH / 2;
  return `static const uint8_t ${name}[][${PUBLIC_KEY_LENGTH}] = {
    {${bytes.slice(0, half).join(", ")},
     ${bytes.slice(half).join(", ")}},
};`;
}
function signManifest(fields, keys) {
  if (keys.length === 0) throw new KeyError("no signing key given");
  if (keys.length > MAX_SIGNATURES) throw new KeyError(`at most ${MAX_SIGNATURES} signing keys are allowed`);
  const publicKeys = new Set(keys.map((key) => Buffer.from(key.publicKey).toString("hex")));
  if (publicKeys.size !== keys.length) throw new KeyError("the same signing key is given twice");
  const body = Buffer.from(serializeBody(fields), "latin1");
  const signatures = keys.map((key) => formatSignatureLine({ keyId: key.keyId, signature: signBytes(body, key.privateKey) }));
  const text = body.toString("latin1") + signatures.join("");
  const bytes = Buffer.from(text, "latin1");
  for (const key of keys) {
    openManifest(bytes, [key.publicKey]);
  }
  return text;
}
async function findLockout(input, gzip, keys) {
  let found;
  try {
    found = await findEmbeddedKeys(input.imageFile, gzip, keys);
  } catch (error) {
    throw new ImageError(`cannot read ${input.imageFile} to look for trusted keys: ${error.message}`);
  }
  if (found.size > 0) return void 0;
  const listed = keys.map((key) => `${keyIdOf(key)} (${Buffer.from(key).toString("hex")})`).join(", ");
  return `lockout guard: ${input.imageFile} (${input.board} ${input.version}) does not contain any public key able to sign the next release: ${listed}. Devices running it would refuse every later update. Compile the public key into the firmware (static-ota keygen prints it as a C array), list the keys it trusts in trusted-keys, or set allow-lockout if this is deliberate.`;
}
var lockoutKeys = (nextReleaseKeys, signingKeys) => nextReleaseKeys?.length ? nextReleaseKeys : signingKeys.map((key) => key.publicKey);
async function signRelease(input, policy) {
  const { gzip } = await checkImage(input.imageFile, policy.maxImageBytes);
  const lockout = await findLockout(input, gzip, lockoutKeys(policy.nextReleaseKeys, policy.keys));
  if (lockout !== void 0 && !policy.allowLockout) throw new ImageError(lockout);
  const { size, sha256 } = await hashFile(input.imageFile);
  const { version, board, channel, file } = input;
  const manifest = signManifest({ version, board, channel, file, size, sha256, expires: policy.expires }, policy.keys);
  return { ...input, size, sha256, manifest, lockout };
}
var PEM_BLOCK = /-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g;
function parseSigningKeys(material, source) {
  const pemBlocks = material.match(PEM_BLOCK) ?? [];
  const seedLines = material.replace(PEM_BLOCK, "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const keys = [...pemBlocks, ...seedLines].map(
    (text, index, all) => parseSigningKey(text, all.length > 1 ? `${source} (key ${index + 1})` : source)
  );
  if (keys.length === 0) throw new KeyError(`${source} is empty`);
  return keys;
}

// src/release.ts
import { mkdtemp, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";

// src/publish/publish.ts
var import_semver2 = __toESM(require_semver(), 1);
var PublishError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "PublishError";
  }
};
var IMAGE_NAME = /^firmware-(.+)\.bin$/;
async function plan(session, release, options, where, retry) {
  const manifest = manifestPath(release.board, release.channel);
  const image = `${releaseFolder(release.board, release.channel)}/${release.file}`;
  const previousManifest = await session.read(manifest);
  let supersededBy;
  if (previousManifest) {
    let current;
    try {
      current = readVersionLine(previousManifest);
    } catch (error) {
      const reason = error instanceof ManifestError ? error.message : String(error);
      throw new PublishError(`${manifest} in ${where} is not a readable manifest (${reason}); remove it to publish`);
    }
    const order = compareVersions(release.version, current);
    const refused = order < 0 || order === 0 && !options.force;
    if (refused && retry) {
      supersededBy = current;
    } else if (order < 0) {
      throw new PublishError(
        `refusing to publish ${release.version} for ${release.board} (${release.channel}): ${where} already offers ${current}, and devices never go back`
      );
    } else if (refused) {
      throw new PublishError(
        `${release.version} is already published for ${release.board} (${release.channel}) in ${where}; use --force (force: true) to re-publish the same version`
      );
    }
  }
  const existingImage = await session.compareImage(image, release.imageFile, release.sha256);
  if (existingImage === "different") {
    throw new PublishError(
      `${image} already exists in ${where} with different bytes; images are immutable, so publish a new version`
    );
  }
  return { release, manifest, image, previousManifest, imageExists: existingImage === "same", supersededBy };
}
async function applyRetention(session, planned, keep) {
  const folder = releaseFolder(planned.release.board, planned.release.channel);
  const images = (await session.list(folder)).map((path) => ({ path, version: import_semver2.default.valid(IMAGE_NAME.exec(path.slice(folder.length + 1))?.[1]?.replace(/_/g, "+")) })).filter((entry) => entry.version !== null).sort((a, b) => compareVersions(b.version, a.version));
  for (const { path } of images.slice(keep)) {
    if (path !== planned.image) await session.remove(path);
  }
}
async function publishReleases(target, releases, options = {}) {
  if (options.keepVersions !== void 0 && !(Number.isInteger(options.keepVersions) && options.keepVersions >= 1)) {
    throw new PublishError(`keep-versions must be a whole number of at least 1, got ${options.keepVersions}`);
  }
  const manifests = new Set(releases.map((release) => manifestPath(release.board, release.channel)));
  if (manifests.size !== releases.length) throw new PublishError("two releases would write the same latest.txt");
  let attempts = 0;
  return target.transaction(async (session) => {
    const retry = attempts++ > 0;
    const planned = [];
    for (const release of releases) planned.push(await plan(session, release, options, target.description, retry));
    for (const entry of planned) {
      if (!entry.imageExists) await session.writeImage(entry.image, entry.release.imageFile);
    }
    const current = planned.filter((entry) => entry.supersededBy === void 0);
    for (const entry of current) await session.writeManifest(entry.manifest, entry.release.manifest, entry.previousManifest);
    if (options.keepVersions !== void 0) {
      for (const entry of current) await applyRetention(session, entry, options.keepVersions);
    }
    return planned.map(({ release, manifest, image, imageExists, supersededBy }) => ({
      board: release.board,
      channel: release.channel,
      version: release.version,
      manifest,
      image,
      size: release.size,
      sha256: release.sha256,
      imageWritten: !imageExists,
      ...supersededBy === void 0 ? {} : { supersededBy }
    }));
  }, [...manifests]);
}

// src/release.ts
var CI_BUILD_VERSION = "0.0.0-ci";
var ReleaseError = class extends Error {
  constructor(message, published) {
    super(message);
    this.published = published;
    this.name = "ReleaseError";
  }
  published;
};
async function buildAll(options, version) {
  const { buildEnvironment, ensurePio, listEnvironments } = await import("./build-I7CPQL7F.js");
  const environments = options.environments.length ? options.environments : await listEnvironments(options.projectDir);
  checkBoards(environments);
  await ensurePio(options.log);
  const built = [];
  for (const board of environments) {
    built.push({ board, path: await buildEnvironment(options.projectDir, board, version, options.log) });
  }
  return built;
}
async function previewLockouts(options, built) {
  const keys = lockoutKeys(options.nextReleaseKeys, options.signingKeys);
  if (keys.length === 0) return [];
  const lockouts = [];
  for (const { board, path } of built) {
    const lockout = await checkImage(path, options.maxImageBytes).then(
      ({ gzip }) => findLockout({ imageFile: path, board, version: CI_BUILD_VERSION }, gzip, keys),
      (error) => error.message
    );
    if (lockout === void 0) continue;
    options.log.warning(`${lockout} A release of this build would be refused.`);
    lockouts.push(lockout);
  }
  return lockouts;
}
function checkBoards(boards) {
  for (const board of boards) {
    if (!isValidBoard(board)) {
      throw new ReleaseError(`board ${JSON.stringify(board)} is invalid: use letters, digits, '_', '-' and '.' (not first), at most 64`);
    }
  }
}
async function runRelease(options) {
  checkBoards([...options.environments, ...options.firmware.map(({ board }) => board)]);
  const version = options.version ? parseVersion(options.version) : versionFromRef(options.ref);
  if (version === void 0) {
    if (!options.build) throw new ReleaseError("nothing to do: not a tag, no version input and build is false");
    options.log.info(`${options.ref ?? "no ref"} is not a tag and no version was given: building only, nothing is signed or published`);
    const built2 = await buildAll(options, CI_BUILD_VERSION);
    return { built: built2, manifests: [], lockouts: await previewLockouts(options, built2) };
  }
  const channel = channelFor(version, options.channel);
  if (options.signingKeys.length === 0) throw new ReleaseError("signing-key is required to publish a release");
  const built = options.build ? await buildAll(options, version) : options.firmware;
  if (built.length === 0) throw new ReleaseError("no firmware to publish: set build to true or give firmware paths");
  const expires = options.expiresInSeconds === void 0 ? void 0 : Math.floor(Date.now() / 1e3) + options.expiresInSeconds;
  const signed = [];
  for (const { board, path } of built) {
    signed.push(
      await signRelease(
        { imageFile: path, board, version, channel, file: imageFileName(version) },
        {
          keys: options.signingKeys,
          nextReleaseKeys: options.nextReleaseKeys,
          allowLockout: options.allowLockout,
          maxImageBytes: options.maxImageBytes,
          expires
        }
      )
    );
  }
  const lockouts = signed.flatMap((release) => release.lockout === void 0 ? [] : [release.lockout]);
  for (const lockout of lockouts) options.log.warning(`allow-lockout is set, publishing anyway: ${lockout}`);
  const target = await createTarget(options.target);
  const manifests = await publishReleases(target, signed, { force: options.force, keepVersions: options.keepVersions });
  for (const manifest of manifests) {
    if (manifest.supersededBy === void 0) {
      options.log.info(`published ${manifest.version} for ${manifest.board} (${manifest.channel}) to ${target.description}: ${manifest.manifest}`);
    } else {
      options.log.warning(
        `${manifest.image} was added, but a concurrent run published ${manifest.supersededBy} meanwhile, so ${manifest.manifest} keeps offering ${manifest.supersededBy}`
      );
    }
  }
  if (options.releaseAssets) {
    const folder = await mkdtemp(join2(tmpdir(), "static-ota-assets-"));
    try {
      const assets = [];
      for (const release of signed) {
        const manifestFile = join2(folder, `${release.board}-latest.txt`);
        await writeFile2(manifestFile, release.manifest, "latin1");
        assets.push(
          { name: `${release.board}-${release.file}`, path: release.imageFile, contentType: "application/octet-stream" },
          { name: `${release.board}-latest.txt`, path: manifestFile, contentType: "text/plain" }
        );
      }
      const { attachReleaseAssets } = await import("./release-assets-6FEZJ4DO.js");
      await attachReleaseAssets(options.releaseAssets, assets);
    } catch (error) {
      throw new ReleaseError(
        `the mirror is published (${target.description}), but attaching the release assets failed: ${error.message}. To attach them, re-run with build: false, force: true and the published images as firmware (identical images are kept).`,
        { version, channel, built, manifests, lockouts }
      );
    } finally {
      await rm2(folder, { recursive: true, force: true });
    }
  }
  return { version, channel, built, manifests, lockouts };
}

export {
  InputError,
  parseDuration,
  parsePositiveInteger,
  splitList,
  TARGET_KINDS,
  PAGES_HISTORIES,
  tagFromRef,
  parsePublicKey,
  generateKey,
  publicKeyAsCArray,
  parseSigningKeys,
  ReleaseError,
  runRelease
};
