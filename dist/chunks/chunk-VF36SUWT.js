import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  require_compare,
  require_prerelease,
  require_valid
} from "./chunk-YCF4FEL2.js";
import {
  FULL_ROLLOUT,
  MAX_IMAGE_SIZE,
  MAX_REQUIRED_SIGNATURES,
  MAX_SEQ,
  MAX_SIGNATURES,
  ManifestError,
  STABLE_CHANNEL,
  channelIndexPath,
  checkTrustedKey,
  formatSignatureLine,
  imageFileName,
  imagePath,
  isValidBoard,
  isValidChannel,
  isValidVersion,
  manifestPath,
  openManifest,
  pendingManifestPath,
  readVersionLine,
  releaseFolder,
  serializeBody,
  signedFields,
  summarizeManifest,
  versionFileName,
  versionOfFile,
  versionOfImageFile
} from "./chunk-PPDK5VWW.js";
import {
  ConflictError,
  MAX_CONFLICT_RETRIES,
  createTarget
} from "./chunk-6NMLXNUO.js";
import {
  InputError,
  PUBLIC_KEY_LENGTH,
  checkImage,
  findEmbeddedKeys,
  gunzipImage,
  gzipImage,
  hashFile,
  keyIdOf,
  privateKeyOf,
  publicKeyOf,
  signBytes
} from "./chunk-YNZHJX3V.js";
import {
  __toESM
} from "./chunk-PUMHU2BD.js";

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
function checkSigningKeys(keys) {
  if (keys.length === 0) throw new KeyError("no signing key given");
  if (keys.length > MAX_SIGNATURES) throw new KeyError(`at most ${MAX_SIGNATURES} signing keys are allowed`);
  const publicKeys = new Set(keys.map((key) => Buffer.from(key.publicKey).toString("hex")));
  if (publicKeys.size !== keys.length) throw new KeyError("the same signing key is given twice");
  return keys;
}
function signManifest(fields, keys) {
  checkSigningKeys(keys);
  const body = Buffer.from(serializeBody(fields), "latin1");
  const signatures = keys.map(
    (key) => formatSignatureLine({ keyId: key.keyId, signature: signBytes(body, key.privateKey) })
  );
  const text = body.toString("latin1") + signatures.join("");
  const bytes = Buffer.from(text, "latin1");
  for (const key of keys) {
    openManifest(bytes, [key.publicKey]);
  }
  return text;
}
async function findLockout(input, gzip, keys, required = 1) {
  let found;
  try {
    found = await findEmbeddedKeys(input.imageFile, gzip, keys);
  } catch (error) {
    throw new InputError(`cannot read ${input.imageFile} to look for trusted keys: ${error.message}`);
  }
  if (found.size >= required) return void 0;
  const listed = keys.map((key) => `${keyIdOf(key)} (${Buffer.from(key).toString("hex")})`).join(", ");
  const wanted = required === 1 ? "any public key" : `${required} distinct public keys (devices require ${required} signatures; it has ${found.size})`;
  const image = input.rawImage ? `${input.rawImage} (served gzip-compressed as ${input.imageFile})` : input.imageFile;
  return `lockout guard: ${image} (${input.board} ${input.version}) does not contain ${wanted} able to sign the next release: ${listed}. Devices running it would refuse every later update. Compile the public key into the firmware (static-ota keygen prints it as a C array), list the keys it trusts in trusted-keys, or set allow-lockout if this is deliberate.`;
}
function lockoutKeys(nextReleaseKeys, signingKeys) {
  const listed = nextReleaseKeys?.length ? nextReleaseKeys : signingKeys.map((key) => key.publicKey);
  return [...new Map(listed.map((key) => [Buffer.from(key).toString("hex"), key])).values()];
}
async function signRelease(input, policy) {
  const { gzip } = await checkImage(input.imageFile, policy.maxImageBytes ?? MAX_IMAGE_SIZE);
  const lockout = await findLockout(
    input,
    gzip,
    lockoutKeys(policy.nextReleaseKeys, policy.keys),
    policy.requiredSignatures
  );
  if (lockout !== void 0 && !policy.allowLockout) throw new InputError(lockout);
  const { size, sha256 } = await hashFile(input.imageFile);
  const { version, board, channel, file, extra } = input;
  const encoding = gzip ? "gzip" : void 0;
  const manifestText = signManifest(
    {
      version,
      board,
      channel,
      file,
      size,
      sha256,
      expires: policy.expires,
      rollout: policy.rollout,
      seq: policy.seq,
      encoding,
      extra
    },
    policy.keys
  );
  return { ...input, size, sha256, ...encoding ? { encoding } : {}, manifestText, lockout };
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
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join3 } from "node:path";

// src/attest.ts
var ATTESTATION_FIELD = "attestation";
async function attestImage(image, request) {
  const { attestProvenance } = await import("./lib-5G2RNEUS.js");
  let attestationID;
  try {
    ({ attestationID } = await attestProvenance({
      subjects: [{ name: `${image.board}/${image.file}`, digest: { sha256: image.sha256 } }],
      token: request.token
    }));
  } catch (error) {
    throw new Error(
      `attesting ${image.board}/${image.file} failed: ${error.message} (the job needs permissions id-token: write and attestations: write)`,
      { cause: error }
    );
  }
  if (!attestationID) throw new Error(`GitHub returned no attestation id for ${image.board}/${image.file}`);
  return String(attestationID);
}
var verifyCommand = (file, repository) => `gh attestation verify ${file} --repo ${repository}`;

// src/build.ts
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
var childProcess = () => process.getBuiltinModule("node:child_process");
function execFileAsync(file, args, options) {
  return process.getBuiltinModule("node:util").promisify(childProcess().execFile)(file, args, {
    ...options,
    encoding: "utf8"
  });
}
function lineForwarder(emit) {
  let partial = "";
  const send = (line) => {
    if (line.trim()) emit(line.trimEnd());
  };
  return {
    write(chunk) {
      const lines = (partial + chunk.toString("utf8")).split(/\r\n|\r|\n/);
      partial = lines.pop() ?? "";
      lines.forEach(send);
    },
    flush() {
      send(partial);
      partial = "";
    }
  };
}
async function listEnvironments(projectDir) {
  const iniPath = join(projectDir, "platformio.ini");
  const ini = await readFile(iniPath, "utf8").catch(() => {
    throw new Error(`${iniPath} not found: set project-dir to the PlatformIO project, or list environments`);
  });
  const environments = [...ini.matchAll(/^\s*\[env:([^\]\s]+)\]\s*$/gm)].map((match) => match[1]);
  if (environments.length === 0) throw new Error(`${iniPath} has no [env:...] section`);
  return environments;
}
var SECRET_VARIABLE = /^(INPUT_|AWS_|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_RUNTIME_TOKEN$|STATIC_OTA_KEY$)/;
function environmentWithoutSecrets() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !SECRET_VARIABLE.test(name)));
}
function buildEnvironmentVariables(version, board) {
  const env = environmentWithoutSecrets();
  const flags = `-DSTATIC_OTA_VERSION=\\"${version}\\" -DSTATIC_OTA_BOARD=\\"${board}\\"`;
  env.PLATFORMIO_BUILD_FLAGS = [process.env.PLATFORMIO_BUILD_FLAGS, flags].filter(Boolean).join(" ");
  return env;
}
async function hasPio() {
  return execFileAsync("pio", ["--version"], { env: environmentWithoutSecrets() }).then(
    () => true,
    () => false
  );
}
async function ensurePio(log) {
  if (await hasPio()) return;
  log.warning(
    "pio was not found on PATH: installing PlatformIO with pip (add a setup step with a cache to save this time)"
  );
  try {
    await execFileAsync("python3", ["-m", "pip", "install", "--user", "--upgrade", "platformio"], {
      maxBuffer: 64 << 20,
      env: environmentWithoutSecrets()
    });
  } catch (error) {
    throw new Error(`pio is missing and installing PlatformIO with pip failed: ${error.message}`, {
      cause: error
    });
  }
  process.env.PATH = `${join(homedir(), ".local", "bin")}${delimiter}${process.env.PATH ?? ""}`;
  if (!await hasPio()) throw new Error("PlatformIO was installed with pip but pio is still not on PATH");
}
async function buildEnvironment(projectDir, board, version, log) {
  const title = `pio run -e ${board} (version ${version})`;
  const build = () => new Promise((resolve, reject) => {
    const child = childProcess().spawn("pio", ["run", "-e", board], {
      cwd: projectDir,
      env: buildEnvironmentVariables(version, board),
      stdio: ["ignore", "pipe", "pipe"]
    });
    const streams = [child.stdout, child.stderr].map((stream) => {
      const forwarder = lineForwarder(log.info);
      stream.on("data", forwarder.write);
      return forwarder;
    });
    child.on("error", reject);
    child.on("close", (code2) => {
      streams.forEach((forwarder) => forwarder.flush());
      resolve(code2);
    });
  });
  if (!log.group) log.info(title);
  const code = await (log.group ? log.group(title, build) : build());
  if (code !== 0) throw new Error(`pio run -e ${board} failed with exit code ${code}`);
  const image = join(projectDir, ".pio", "build", board, "firmware.bin");
  if (!(await stat(image).catch(() => void 0))?.isFile()) {
    throw new Error(`pio run -e ${board} succeeded but ${image} is missing`);
  }
  return image;
}

// src/publish/publish.ts
var import_valid = __toESM(require_valid(), 1);

// src/site/page.ts
import { existsSync } from "node:fs";
import { readdir, readFile as readFile3 } from "node:fs/promises";
import { join as join2, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

// src/version.ts
var import_compare = __toESM(require_compare(), 1);
var import_prerelease = __toESM(require_prerelease(), 1);
function parseVersion(text, name = "version") {
  const version = text.replace(/^v/, "");
  if (!isValidVersion(version)) {
    throw new InputError(
      `${name} ${JSON.stringify(text)} is not a semantic version such as 1.4.2 or v1.5.0-beta.2 (at most 64 characters)`
    );
  }
  return version;
}
var tagFromRef = (ref) => ref?.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : void 0;
function versionFromTag(tag, ref) {
  if (tag === void 0) return void 0;
  try {
    return parseVersion(tag);
  } catch {
    throw new InputError(
      `the tag ${JSON.stringify(tag)} (${ref}) is not a semantic version such as v1.4.2 or v1.5.0-beta.2. Run the release only on version tags (on: push: tags: ['v*.*.*']), or give the version input.`
    );
  }
}
var isPrerelease = (version) => (0, import_prerelease.default)(version) !== null;
function parseChannel(channel, name = "channel") {
  if (!isValidChannel(channel)) {
    throw new InputError(
      `${name} ${JSON.stringify(channel)} is invalid: use lowercase letters, digits and '-', at most 32`
    );
  }
  return channel;
}
function channelFor(version, requested, name = "channel") {
  const prerelease = isPrerelease(version);
  const channel = parseChannel(
    requested || (prerelease ? String((0, import_prerelease.default)(version)?.[0]).toLowerCase() : STABLE_CHANNEL),
    name
  );
  if (prerelease && channel === STABLE_CHANNEL) {
    throw new InputError(
      `pre-release ${version} cannot be published to the stable channel (${name} ${STABLE_CHANNEL})`
    );
  }
  return channel;
}
var compareVersions = (a, b) => (0, import_compare.default)(a, b);

// src/site/web-install.ts
import { createHash } from "node:crypto";
import { readFile as readFile2 } from "node:fs/promises";
import { basename } from "node:path";
var CHIP_FAMILIES = [
  "ESP8266",
  "ESP32",
  "ESP32-S2",
  "ESP32-S3",
  "ESP32-C2",
  "ESP32-C3",
  "ESP32-C5",
  "ESP32-C6",
  "ESP32-C61",
  "ESP32-H2",
  "ESP32-P4"
];
var isChipFamily = (name) => CHIP_FAMILIES.includes(name);
function chipFamilyOfMcu(mcu) {
  const match = /^esp(8266|32)([a-z]\d*)?$/i.exec(mcu.trim());
  if (!match) return void 0;
  const family = `ESP${match[1]}${match[2] ? `-${match[2].toUpperCase()}` : ""}`;
  return isChipFamily(family) ? family : void 0;
}
function parseOffset(value, what) {
  const text = String(value);
  const number = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number)) throw new Error(`${what}: offset ${JSON.stringify(value)} is not a number`);
  return number;
}
var partName = (path) => basename(path).replace(/\.bin$/i, "").replace(/[^A-Za-z0-9_]/g, "_");
var flashPartFileName = (name, version) => versionFileName(name, version, "bin");
var versionManifestFileName = (version) => versionFileName("manifest", version, "json");
async function pioJson(projectDir, args) {
  let stdout;
  try {
    ({ stdout } = await execFileAsync("pio", args, {
      cwd: projectDir,
      env: environmentWithoutSecrets(),
      maxBuffer: 64 << 20
    }));
  } catch (error) {
    throw new Error(`pio ${args.join(" ")} failed: ${error.message}`, { cause: error });
  }
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`pio ${args.join(" ")} did not print JSON`);
  }
}
async function environmentOptions(projectDir, environment) {
  const config = await pioJson(projectDir, ["project", "config", "--json-output"]);
  const section = Array.isArray(config) ? config.find((entry) => Array.isArray(entry) && entry[0] === `env:${environment}`) : void 0;
  if (!section) throw new Error(`pio project config has no [env:${environment}]`);
  return new Map(section[1].map(([name, value]) => [name, Array.isArray(value) ? value.join(" ") : String(value)]));
}
async function boardMcu(projectDir, options) {
  const override = options.get("board_build.mcu");
  if (override) return override;
  const board = options.get("board");
  if (!board) return void 0;
  const boards = await pioJson(projectDir, ["boards", "--json-output", board]);
  return Array.isArray(boards) ? boards.find((entry) => entry.id === board)?.mcu : void 0;
}
async function readFlashLayout(projectDir, environment, log) {
  const options = await environmentOptions(projectDir, environment);
  const platform = options.get("platform") ?? "";
  if (/espressif8266/.test(platform)) return { chipFamily: "ESP8266", parts: [], appOffset: 0 };
  if (!/espressif32/.test(platform)) {
    log.info(
      `${environment}: platform ${JSON.stringify(platform)} is not espressif8266 or espressif32, so the release page offers no browser install for it`
    );
    return void 0;
  }
  const mcu = await boardMcu(projectDir, options);
  const chipFamily = mcu === void 0 ? void 0 : chipFamilyOfMcu(mcu);
  if (!chipFamily) {
    log.warning(
      `${environment}: board MCU ${JSON.stringify(mcu)} is not a chip ESP Web Tools flashes, so the release page offers no browser install for it`
    );
    return void 0;
  }
  const metadata = await pioJson(projectDir, ["project", "metadata", "--json-output", "-e", environment]);
  const extra = metadata?.[environment]?.extra;
  if (!extra) throw new Error(`pio project metadata printed nothing for ${environment}`);
  const parts = (extra.flash_images ?? []).map((image) => ({
    name: partName(String(image.path)),
    localFile: String(image.path),
    offset: parseOffset(image.offset, `${environment} flash image ${String(image.path)}`)
  }));
  if (new Set(parts.map((part) => part.name)).size !== parts.length || parts.some((part) => part.name === "firmware")) {
    throw new Error(
      `${environment}: two flash images have the same file name: ${parts.map((part) => part.localFile).join(", ")}`
    );
  }
  const appOffset = extra.application_offset === void 0 ? 65536 : parseOffset(extra.application_offset, `${environment} application_offset`);
  return { chipFamily, parts, appOffset };
}
async function layoutForPrebuilt(imageFile, chipFamily, option = "chip family") {
  if (chipFamily !== void 0) return layoutForChipFamily(chipFamily, option);
  const head = (await readFile2(imageFile).catch(() => Buffer.alloc(0))).subarray(0, 2);
  return head[0] === 31 && head[1] === 139 ? layoutForChipFamily("ESP8266", option) : void 0;
}
function layoutForChipFamily(name, option) {
  if (!isChipFamily(name))
    throw new Error(`${option} ${JSON.stringify(name)} is not one of ${CHIP_FAMILIES.join(", ")}`);
  if (name !== "ESP8266") {
    throw new Error(
      `${option} ${name}: a first install on ${name} needs the bootloader and partition table too: publish from the action's build (it reads them from pio project metadata)`
    );
  }
  return { chipFamily: name, parts: [], appOffset: 0 };
}
var RAW_IMAGE_PART = "factory";
async function webInstallManifest(release, layout, releaseUrl) {
  const md5 = createHash("md5").update(await readFile2(release.imageFile)).digest("hex");
  const appPath = release.rawImage ? flashPartFileName(RAW_IMAGE_PART, release.version) : release.file;
  const parts = [
    ...layout.parts.map((part) => ({ path: flashPartFileName(part.name, release.version), offset: part.offset })),
    { path: appPath, offset: layout.appOffset }
  ].sort((a, b) => a.offset - b.offset);
  return {
    name: release.board,
    version: release.version,
    builds: [
      {
        chipFamily: layout.chipFamily,
        parts,
        ota: {
          path: release.file,
          md5,
          summary: `${release.board} ${release.version}`,
          ...releaseUrl ? { release_url: releaseUrl } : {}
        }
      }
    ]
  };
}
var WEB_MANIFEST_HEADERS = { contentType: "application/json", cacheControl: "no-cache" };
async function writeWebInstallFiles(session, release) {
  if (!release.flash) return;
  const raw = release.rawImage ? [{ name: RAW_IMAGE_PART, localFile: release.rawImage }] : [];
  for (const part of [...release.flash.parts, ...raw]) {
    const path2 = imagePath(release.board, release.channel, flashPartFileName(part.name, release.version));
    if (!await session.read(path2)) await session.writeImage(path2, part.localFile);
  }
  const path = `${releaseFolder(release.board, release.channel)}/${versionManifestFileName(release.version)}`;
  const text = `${JSON.stringify(await webInstallManifest(release, release.flash), null, 2)}
`;
  const current = await session.read(path);
  if (!current?.equals(Buffer.from(text, "latin1")))
    await session.writeManifest(path, text, current, WEB_MANIFEST_HEADERS);
}

// src/site/page.ts
var INDEX_HTML = "index.html";
var FALLBACK_HTML = "releases.html";
var GENERATOR_TAG = '<meta name="generator" content="static-ota">';
var INDEX_JSON = "index.json";
var INSTALL_FOLDER = "install";
var INSTALL_SCRIPT = `${INSTALL_FOLDER}/install-button.js`;
var WEB_INSTALL_MANIFEST = "manifest.json";
var VIEW = { cacheControl: "no-cache" };
var HTML_HEADERS = { ...VIEW, contentType: "text/html; charset=utf-8" };
var JSON_HEADERS = { ...VIEW, contentType: "application/json" };
var SCRIPT_HEADERS = {
  contentType: "text/javascript; charset=utf-8",
  cacheControl: "public, max-age=3600"
};
var lastSegment = (path) => path.slice(path.lastIndexOf("/") + 1);
async function releaseFolders(session) {
  const found = [];
  for (const boardFolder of (await session.folders("")).sort()) {
    const board = lastSegment(boardFolder);
    if (board === INSTALL_FOLDER || board.startsWith(".")) continue;
    found.push({ board, channel: STABLE_CHANNEL });
    for (const channelFolder of (await session.folders(boardFolder)).sort())
      found.push({ board, channel: lastSegment(channelFolder) });
  }
  return found;
}
async function readFolder(session, board, channel, previous, now) {
  const manifest = manifestPath(board, channel);
  const bytes = await session.read(manifest);
  if (!bytes) return void 0;
  let summary;
  try {
    summary = summarizeManifest(bytes);
  } catch (error) {
    if (error instanceof ManifestError) return void 0;
    throw error;
  }
  const folder = releaseFolder(board, channel);
  const file = summary.fields.get("file") ?? imageFileName(summary.version);
  const sha256 = summary.fields.get("sha256") ?? "";
  const files = new Set((await session.list(folder)).map(lastSegment));
  const older = [...files].map((name) => ({ name, version: versionOfImageFile(name) })).filter((entry) => entry.version !== void 0 && entry.name !== file).sort((a, b) => compareVersions(b.version, a.version)).map(({ name, version }) => ({ version, image: imagePath(board, channel, name) }));
  const seen = previous?.releases.find(
    (release) => release.manifest === manifest && release.version === summary.version && release.sha256 === sha256
  );
  const view = {
    board,
    channel,
    version: summary.version,
    manifest,
    image: imagePath(board, channel, file),
    size: Number(summary.fields.get("size")),
    sha256,
    keyIds: summary.keyIds,
    ...summary.fields.has("rollout") ? { rollout: summary.fields.get("rollout") } : {},
    ...summary.fields.has("expires") ? { expires: new Date(Number(summary.fields.get("expires")) * 1e3).toISOString() } : {},
    published: seen?.published ?? now,
    older
  };
  const versionManifest = versionManifestFileName(summary.version);
  if (!files.has(versionManifest)) return { view };
  const webManifest = await session.read(`${folder}/${versionManifest}`);
  const chipFamily = webManifest && JSON.parse(webManifest.toString("utf8")).builds?.[0]?.chipFamily;
  if (!webManifest || !chipFamily) return { view };
  return { view: { ...view, install: { manifest: `${folder}/${WEB_INSTALL_MANIFEST}`, chipFamily } }, webManifest };
}
function parseIndex(bytes) {
  if (!bytes) return void 0;
  try {
    const index = JSON.parse(bytes.toString("utf8"));
    return Array.isArray(index.releases) ? index : void 0;
  } catch {
    return void 0;
  }
}
function installAssetsFolder() {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const candidates = [
    join2(here, INSTALL_FOLDER),
    join2(here, "..", INSTALL_FOLDER),
    join2(here, "..", "..", "dist", INSTALL_FOLDER)
  ];
  const found = candidates.find((folder) => existsSync(join2(folder, "install-button.js")));
  if (!found)
    throw new Error(`the bundled ESP Web Tools are missing (looked in ${candidates.join(", ")}): run npm run bundle`);
  return found;
}
async function filesUnder(folder) {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(folder, join2(entry.parentPath, entry.name)).split(sep).join("/"));
}
async function writeInstallAssets(session) {
  const assets = installAssetsFolder();
  const text = async (file) => (await readFile3(join2(assets, file))).toString("latin1");
  const entry = lastSegment(INSTALL_SCRIPT);
  if ((await session.read(INSTALL_SCRIPT))?.equals(await readFile3(join2(assets, entry)))) return;
  for (const file of await filesUnder(assets)) {
    if (file !== entry) await writeIfChanged(session, `${INSTALL_FOLDER}/${file}`, await text(file), SCRIPT_HEADERS);
  }
  await writeIfChanged(session, INSTALL_SCRIPT, await text(entry), SCRIPT_HEADERS);
}
async function writeIfChanged(session, path, text, headers, expected) {
  const current = await readUnlessHeld(session, path, expected);
  if (current && current.equals(Buffer.from(text, "latin1"))) return;
  await session.writeManifest(path, text, current, headers);
}
async function readUnlessHeld(session, path, expected) {
  if (expected !== void 0 && await session.holds?.(path, expected)) return Buffer.from(expected, "latin1");
  return session.read(path);
}
async function prefetchFolders(session, found) {
  if (!session.prefetch) return;
  await session.prefetch(
    found.flatMap(({ board, channel }) => [
      manifestPath(board, channel),
      `${releaseFolder(board, channel)}/${WEB_INSTALL_MANIFEST}`
    ])
  );
  const versionManifests = [];
  for (const { board, channel } of found) {
    const bytes = await session.read(manifestPath(board, channel));
    try {
      if (bytes)
        versionManifests.push(`${releaseFolder(board, channel)}/${versionManifestFileName(readVersionLine(bytes))}`);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
    }
  }
  await session.prefetch(versionManifests);
}
async function writeOnce(session, now) {
  const previousIndex = parseIndex(await session.read(INDEX_JSON));
  const found = await releaseFolders(session);
  await prefetchFolders(session, found);
  const folders = [];
  for (const { board, channel } of found) {
    const state = await readFolder(session, board, channel, previousIndex, now.toISOString());
    if (state) folders.push(state);
  }
  for (const { view, webManifest } of folders) {
    const path = `${releaseFolder(view.board, view.channel)}/${WEB_INSTALL_MANIFEST}`;
    if (webManifest) await writeIfChanged(session, path, webManifest.toString("latin1"), JSON_HEADERS);
    else if (await session.read(path)) await session.remove(path);
  }
  if (folders.some(({ webManifest }) => webManifest)) await writeInstallAssets(session);
  const index = { generator: "static-ota", releases: folders.map(({ view }) => view) };
  await writeIfChanged(session, INDEX_JSON, `${JSON.stringify(index, null, 2)}
`, JSON_HEADERS);
  const previousPage = previousIndex && renderedOrUndefined(previousIndex);
  const page = await pagePath(session, previousPage);
  await writeIfChanged(session, page, renderPage(index), HTML_HEADERS, previousPage);
  return index;
}
function renderedOrUndefined(index) {
  try {
    return renderPage(index);
  } catch {
    return void 0;
  }
}
async function pagePath(session, previousPage) {
  const existing = await readUnlessHeld(session, INDEX_HTML, previousPage);
  return !existing || existing.includes(GENERATOR_TAG) ? INDEX_HTML : FALLBACK_HTML;
}
async function writeSite(session, now = /* @__PURE__ */ new Date()) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeOnce(session, now);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (attempt >= MAX_CONFLICT_RETRIES) {
        throw new Error(
          `the release page kept changing under concurrent publishes (${error.message}); the next publish rewrites it`,
          { cause: error }
        );
      }
    }
  }
}
var escapeHtml = (text) => text.replace(
  /[&<>"']/g,
  (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character]
);
function formatSize(bytes) {
  if (!Number.isFinite(bytes)) return "?";
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;
}
function renderRelease(release) {
  const link = (path, text) => `<a href="${escapeHtml(path)}">${escapeHtml(text)}</a>`;
  const rows = [
    ["Image", `${link(release.image, lastSegment(release.image))}, ${formatSize(release.size)}`],
    ["SHA-256", `<code>${escapeHtml(release.sha256)}</code>`],
    ["Signed by", release.keyIds.map((keyId) => `<code>${escapeHtml(keyId)}</code>`).join(" ") || "no signature"],
    [
      "Published",
      `<time datetime="${escapeHtml(release.published)}">${escapeHtml(release.published.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}</time>`
    ],
    ["Manifest", link(release.manifest, release.manifest)]
  ];
  if (release.rollout !== void 0) rows.splice(3, 0, ["Rollout", `${escapeHtml(release.rollout)} %`]);
  if (release.expires !== void 0) rows.push(["Expires", escapeHtml(release.expires)]);
  if (release.older.length)
    rows.push(["Older images", release.older.map((older) => link(older.image, older.version)).join(", ")]);
  const install = release.install ? `<esp-web-install-button manifest="${escapeHtml(release.install.manifest)}"><button slot="activate">Install ${escapeHtml(release.version)} (${escapeHtml(release.install.chipFamily)})</button><span slot="unsupported">Install needs Chrome or Edge on a computer.</span><span slot="not-allowed">Install needs this page over https.</span></esp-web-install-button>` : "";
  return `<section class="release" data-board="${escapeHtml(release.board)}" data-channel="${escapeHtml(release.channel)}">
<h3><span class="channel">${escapeHtml(release.channel)}</span> <span class="version">${escapeHtml(release.version)}</span></h3>
<dl>${rows.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join("")}</dl>
${install}
</section>`;
}
function renderPage(index) {
  const boards = [...new Set(index.releases.map((release) => release.board))];
  const sections = boards.map((board) => {
    const releases = index.releases.filter((release) => release.board === board);
    return `<article class="board" id="board-${escapeHtml(board)}"><h2>${escapeHtml(board)}</h2>
${releases.map(renderRelease).join("\n")}</article>`;
  });
  const hasInstall = index.releases.some((release) => release.install);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${GENERATOR_TAG}
<title>Firmware releases</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.6rem;margin:.5rem 0}
.board{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
.release{border-top:1px solid #eee;padding:.5rem 0}
.channel{display:inline-block;background:#e8eefc;color:#1a3d8f;border-radius:4px;padding:0 .4rem;font-size:.9rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dt{color:#555}dd{margin:0;overflow-wrap:anywhere}
code{font-size:.85rem}
.note{color:#555;font-size:.9rem}
@media (max-width:36rem){dl{grid-template-columns:1fr}dt{font-weight:600}}
</style>
${hasInstall ? `<script type="module" src="${INSTALL_SCRIPT}"></script>
` : ""}</head>
<body>
<h1>Firmware releases</h1>
<p class="note">Devices read each board's <code>latest.txt</code> and check its Ed25519 signature; this page is a view of the mirror. Machine-readable: <a href="${INDEX_JSON}">${INDEX_JSON}</a>.</p>
${hasInstall ? '<p class="note">Install flashes a board over USB from the browser (ESP Web Tools). Web Serial needs Chrome or Edge on a computer, and this page over https (a <code>*.github.io</code> Pages site is https; devices can keep polling a plain-http custom domain).</p>\n' : ""}${sections.join("\n") || "<p>No releases yet.</p>"}
<p class="note">Generated by static-ota.</p>
</body>
</html>
`;
}

// src/publish/publish.ts
async function plan(session, signed, options, where, retry) {
  let release = signed;
  const livePath = manifestPath(release.board, release.channel);
  const image = imagePath(release.board, release.channel, release.file);
  const previousManifest = await session.read(livePath);
  let supersededBy;
  if (previousManifest) {
    let current;
    try {
      current = readVersionLine(previousManifest);
    } catch (error) {
      const reason = error instanceof ManifestError ? error.message : String(error);
      throw new Error(`${livePath} in ${where} is not a readable manifest (${reason}); remove it to publish`, {
        cause: error
      });
    }
    const order = compareVersions(release.version, current);
    const refused = order < 0 || order === 0 && !options.force;
    if (refused && retry) {
      supersededBy = current;
    } else if (order < 0) {
      throw new Error(
        `refusing to publish ${release.version} for ${release.board} (${release.channel}): ${where} already offers ${current}, and devices never go back`
      );
    } else if (refused) {
      throw new Error(
        `${release.version} is already published for ${release.board} (${release.channel}) in ${where}; use --force (force: true) to re-publish the same version`
      );
    }
    if (order === 0 && supersededBy === void 0 && options.republish)
      release = await options.republish(release, previousManifest);
  }
  const existingImage = await session.compareImage(image, release.imageFile, release.sha256);
  if (existingImage === "different") {
    throw new Error(
      `${image} already exists in ${where} with different bytes; images are immutable, so publish a new version`
    );
  }
  const imageExists = existingImage === "same";
  if (release.staged) {
    const pending = pendingManifestPath(release.board, release.channel);
    const previousPending = await session.read(pending);
    return {
      release,
      manifestPath: pending,
      imagePath: image,
      previousManifest: previousPending,
      imageExists,
      supersededBy
    };
  }
  return { release, manifestPath: livePath, imagePath: image, previousManifest, imageExists, supersededBy };
}
async function applyRetention(session, planned, keep) {
  const folder = releaseFolder(planned.release.board, planned.release.channel);
  const files = await session.list(folder);
  const nameOf = (path) => path.slice(folder.length + 1);
  const images = files.map((path) => ({ path, version: versionOfImageFile(nameOf(path)) })).filter(
    (entry) => entry.version !== void 0 && (0, import_valid.default)(entry.version) !== null
  ).sort((a, b) => compareVersions(b.version, a.version));
  const removed = new Set(
    images.slice(keep).filter(({ path }) => path !== planned.imagePath).map(({ version }) => version)
  );
  for (const path of files) {
    const version = versionOfFile(nameOf(path));
    if (version !== void 0 && removed.has(version)) await session.remove(path);
  }
}
async function publishReleases(target, releases, options = {}) {
  const manifestPaths = new Set(releases.map((release) => manifestPath(release.board, release.channel)));
  if (manifestPaths.size !== releases.length) throw new Error("two releases would write the same latest.txt");
  let attempts = 0;
  return target.transaction(
    async (session) => {
      const retry = attempts++ > 0;
      const planned = [];
      const all = [...releases, ...await options.companions?.(session) ?? []];
      for (const release of all) planned.push(await plan(session, release, options, target.description, retry));
      for (const entry of planned) {
        if (!entry.imageExists)
          await session.writeImage(entry.imagePath, entry.release.imageFile, entry.release.sha256);
        await writeWebInstallFiles(session, entry.release);
      }
      const current = planned.filter((entry) => entry.supersededBy === void 0);
      for (const entry of current)
        await session.writeManifest(entry.manifestPath, entry.release.manifestText, entry.previousManifest);
      if (options.keepVersions !== void 0) {
        for (const entry of current.filter(({ release }) => !release.staged))
          await applyRetention(session, entry, options.keepVersions);
      }
      await writeSite(session);
      return planned.map(({ release, manifestPath: manifestPath2, imagePath: imagePath2, imageExists, supersededBy }) => ({
        board: release.board,
        channel: release.channel,
        version: release.version,
        manifest: manifestPath2,
        image: imagePath2,
        size: release.size,
        sha256: release.sha256,
        imageWritten: !imageExists,
        ...supersededBy === void 0 ? {} : { supersededBy }
      }));
    },
    // Everything `work` reads from the mirror, whatever its history: each latest.txt (and staging path), and the
    // release page's index.json for first-seen times; the page fetches what else it reads in batches.
    [
      ...manifestPaths,
      ...releases.filter((release) => release.staged).map((release) => pendingManifestPath(release.board, release.channel)),
      INDEX_JSON
    ]
  );
}

// src/follow-stable.ts
function parseChannelIndex(bytes) {
  const names = (bytes?.toString("latin1") ?? "").split("\n").map((line) => line.trim());
  return [...new Set(names.filter((name) => name !== STABLE_CHANNEL && isValidChannel(name)))];
}
async function recordChannel(session, board, channel) {
  if (channel === STABLE_CHANNEL) return;
  const path = channelIndexPath(board);
  const previous = await session.read(path);
  const channels = parseChannelIndex(previous);
  if (channels.includes(channel)) return;
  await session.writeManifest(path, [...channels, channel].map((name) => `${name}
`).join(""), previous);
}
async function channelsBehind(session, board, version) {
  const behind = [];
  for (const channel of parseChannelIndex(await session.read(channelIndexPath(board)))) {
    const current = await session.read(manifestPath(board, channel));
    let offered;
    try {
      offered = current && readVersionLine(current);
    } catch {
      offered = void 0;
    }
    if (offered !== void 0 && compareVersions(offered, version) < 0) behind.push(channel);
  }
  return behind;
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
async function buildAll(options, version, release) {
  const environments = options.environments.length ? options.environments : checkBoards(await listEnvironments(options.projectDir));
  await ensurePio(options.log);
  const built = [];
  for (const board of environments) {
    const path = await buildEnvironment(options.projectDir, board, version, options.log);
    built.push({ board, path, flash: release ? await flashLayoutOrNone(options, board) : void 0 });
  }
  return built;
}
function wantsGzip(options, { board, flash }, alreadyGzip) {
  const chip = flash?.chipFamily;
  if (chip?.startsWith("ESP32") && (alreadyGzip || options.compress === "gzip")) {
    throw new ReleaseError(
      `${board} is an ${chip}: ESP32's Update does not inflate gzip images, so they cannot be published for it (${alreadyGzip ? "the image is gzip" : "compress is gzip"}; use compress: auto or none)`
    );
  }
  if (alreadyGzip || options.compress === "none") return false;
  if (options.compress === "gzip" || chip === "ESP8266") return true;
  if (chip === void 0) {
    options.log.info(
      `${board}: chip unknown (not reported by PlatformIO, or a prebuilt image without --chip-family), published uncompressed`
    );
  }
  return false;
}
async function servedImage(options, firmware, folder) {
  const { gzip, size } = await checkImage(firmware.path, options.maxImageBytes);
  if (!wantsGzip(options, firmware, gzip)) {
    if (!gzip || !firmware.flash) return { imageFile: firmware.path };
    const rawImage = join3(await folder(), `${firmware.board}.bin`);
    await gunzipImage(firmware.path, rawImage);
    return { imageFile: firmware.path, rawImage };
  }
  const target = join3(await folder(), `${firmware.board}.bin.gz`);
  const started = Date.now();
  await gzipImage(firmware.path, target);
  const { size: compressed } = await checkImage(target, options.maxImageBytes);
  options.log.info(
    `${firmware.board}: gzip ${size} -> ${compressed} bytes (${(100 * compressed / size).toFixed(1)} %) in ${Date.now() - started} ms; eboot inflates it on the device`
  );
  return { imageFile: target, rawImage: firmware.path };
}
async function flashLayoutOrNone(options, board) {
  try {
    return await readFlashLayout(options.projectDir, board, options.log);
  } catch (error) {
    options.log.warning(`${board}: no browser install on the release page: ${error.message}`);
    return void 0;
  }
}
async function previewLockouts(options, built) {
  const keys = lockoutKeys(options.nextReleaseKeys, options.signingKeys);
  if (keys.length === 0) return [];
  const lockouts = [];
  for (const { board, path } of built) {
    const lockout = await checkImage(path, options.maxImageBytes).then(
      ({ gzip }) => findLockout({ imageFile: path, board, version: CI_BUILD_VERSION }, gzip, keys, options.requiredSignatures),
      (error) => error.message
    );
    if (lockout === void 0) continue;
    options.log.warning(`${lockout} A release of this build would be refused.`);
    lockouts.push(lockout);
  }
  return lockouts;
}
function checkBoard(board, name = "board") {
  if (!isValidBoard(board)) {
    throw new InputError(
      `${name} ${JSON.stringify(board)} is invalid: use letters, digits, '_', '-' and '.' (not first), at most 64`
    );
  }
  if (board === INSTALL_FOLDER)
    throw new InputError(
      `${name} ${JSON.stringify(board)} is taken: the release page keeps ESP Web Tools in ${INSTALL_FOLDER}/`
    );
  return board;
}
var checkBoards = (boards) => boards.map((board) => checkBoard(board));
async function channelCompanions(session, signed, policy, followStable) {
  const companions = [];
  for (const release of signed) {
    if (release.channel !== STABLE_CHANNEL) {
      await recordChannel(session, release.board, release.channel);
    } else if (followStable) {
      for (const channel of await channelsBehind(session, release.board, release.version)) {
        companions.push({ ...await signRelease({ ...release, channel }, policy), staged: release.staged });
      }
    }
  }
  return companions;
}
async function carryForward(release, previous, policy) {
  const path = manifestPath(release.board, release.channel);
  let current;
  try {
    current = openManifest(previous, lockoutKeys(policy.nextReleaseKeys, policy.keys));
  } catch (error) {
    throw new ReleaseError(
      `${path} offers ${release.version} but does not verify under the signing or trusted keys (${error.message}), so its rollout and seq cannot be carried forward: publish a new version`
    );
  }
  if (current.seq >= MAX_SEQ) throw new ReleaseError(`${path}: seq is at its maximum; publish a new version`);
  const rollout = policy.rollout ?? (current.rollout === FULL_ROLLOUT ? void 0 : current.rollout);
  return { ...await signRelease(release, { ...policy, rollout, seq: current.seq + 1 }), staged: release.staged };
}
async function runRelease(options) {
  checkBoards([...options.environments, ...options.firmware.map(({ board }) => board)]);
  const tag = tagFromRef(options.ref);
  if (options.releaseAssets && tag === void 0)
    throw new ReleaseError("release-assets needs a tag (refs/tags/...) to attach to");
  const version = options.version ? parseVersion(options.version) : versionFromTag(tag, options.ref);
  if (version === void 0) {
    if (!options.build) throw new ReleaseError("nothing to do: not a tag, no version input and build is false");
    options.log.info(
      `${options.ref ?? "no ref"} is not a tag and no version was given: building only, nothing is signed or published`
    );
    const built2 = await buildAll(options, CI_BUILD_VERSION, false);
    return { built: built2, manifests: [], lockouts: await previewLockouts(options, built2) };
  }
  const channel = channelFor(version, options.channel);
  if (options.signingKeys.length === 0) throw new ReleaseError("signing-key is required to publish a release");
  const built = options.build ? await buildAll(options, version, true) : options.firmware;
  if (built.length === 0) throw new ReleaseError("no firmware to publish: set build to true or give firmware paths");
  let compressed;
  const compressedFolder = async () => compressed ??= await mkdtemp(join3(tmpdir(), "static-ota-gzip-"));
  try {
    return await signAndPublish(options, { tag, version, channel }, built, compressedFolder);
  } finally {
    if (compressed) await rm(compressed, { recursive: true, force: true });
  }
}
async function signAndPublish(options, { tag, version, channel }, built, compressedFolder) {
  const expires = options.expiresInSeconds === void 0 ? void 0 : Math.floor(Date.now() / 1e3) + options.expiresInSeconds;
  const policy = {
    keys: options.signingKeys,
    nextReleaseKeys: options.nextReleaseKeys,
    allowLockout: options.allowLockout,
    maxImageBytes: options.maxImageBytes,
    expires,
    rollout: options.rollout,
    requiredSignatures: options.requiredSignatures
  };
  const staged = new Set(options.signingKeys.map((key) => key.keyId)).size < (options.requiredSignatures ?? 1);
  const signed = [];
  const attestations = [];
  for (const firmware of built) {
    const { board, flash } = firmware;
    const file = imageFileName(version);
    const served = await servedImage(options, firmware, compressedFolder);
    let extra;
    if (options.attest) {
      const id = await attestImage({ board, file, sha256: (await hashFile(served.imageFile)).sha256 }, options.attest);
      options.log.info(`attested ${board}/${file}: attestation ${id}`);
      attestations.push({ board, file, id, verify: verifyCommand(file, options.attest.repository) });
      extra = [[ATTESTATION_FIELD, id]];
    }
    const release = await signRelease({ ...served, board, version, channel, file, flash, extra }, policy);
    signed.push({ ...release, staged });
  }
  const lockouts = signed.flatMap((release) => release.lockout === void 0 ? [] : [release.lockout]);
  for (const lockout of lockouts) options.log.warning(`allow-lockout is set, publishing anyway: ${lockout}`);
  const target = await createTarget(options.target, options.log);
  const manifests = await publishReleases(target, signed, {
    force: options.force,
    keepVersions: options.keepVersions,
    companions: (session) => channelCompanions(session, signed, policy, options.followStable ?? true),
    republish: (release, previous) => carryForward(release, previous, policy)
  });
  for (const manifest of manifests) {
    if (manifest.supersededBy === void 0 && staged) {
      options.log.info(
        `staged ${manifest.version} for ${manifest.board} (${manifest.channel}) in ${target.description}: ${manifest.manifest}, signed by ${options.signingKeys.length} of the ${options.requiredSignatures} keys devices require; devices keep the current release until \`static-ota cosign\` adds the rest`
      );
    } else if (manifest.supersededBy === void 0) {
      options.log.info(
        `published ${manifest.version} for ${manifest.board} (${manifest.channel}) to ${target.description}: ${manifest.manifest}`
      );
    } else {
      options.log.warning(
        `${manifest.image} was added, but a concurrent run published ${manifest.supersededBy} meanwhile, so ${manifest.manifest} keeps offering ${manifest.supersededBy}`
      );
    }
  }
  if (options.releaseAssets) {
    try {
      const { attachSignedReleases } = await import("./release-assets-KAC6CZ6B.js");
      await attachSignedReleases(
        { ...options.releaseAssets, tag, prerelease: isPrerelease(version) },
        signed
      );
    } catch (error) {
      throw new ReleaseError(
        `the mirror is published (${target.description}), but attaching the release assets failed: ${error.message}. To attach them, re-run with build: false, force: true and the published images as firmware (identical images are kept).`,
        { version, channel, built, manifests, lockouts, ...options.attest ? { attestations } : {} }
      );
    }
  }
  return { version, channel, built, manifests, lockouts, ...options.attest ? { attestations } : {} };
}

// src/resign.ts
function parseRolloutPercent(text, name) {
  const trimmed = text.trim().replace(/%$/, "");
  const value = /^(0|[1-9]\d{0,2})$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= 0 && value <= FULL_ROLLOUT))
    throw new InputError(`${name} must be a whole percentage from 0 to 100, got ${JSON.stringify(text)}`);
  return value;
}
function parseRequiredSignatures(text, name) {
  const count = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(count >= 1 && count <= MAX_REQUIRED_SIGNATURES)) {
    throw new InputError(
      `${name} must be a whole number from 1 to ${MAX_REQUIRED_SIGNATURES} (devices trust at most that many keys), got ${JSON.stringify(text)}`
    );
  }
  return count;
}
async function readCurrentManifest(session, { board, channel }, trustedKeys, where, path = manifestPath(board, channel)) {
  const bytes = await session.read(path);
  if (!bytes) throw new Error(`${path} does not exist in ${where}: publish a release first`);
  try {
    return { bytes, manifest: openManifest(bytes, trustedKeys), path };
  } catch (error) {
    throw new Error(`${path} in ${where} does not verify under the given keys: ${error.message}`, {
      cause: error
    });
  }
}
function changeRollout(target, change) {
  const trustedKeys = change.trustedKeys?.length ? change.trustedKeys : change.keys.map((key) => key.publicKey);
  const signers = new Set(change.keys.map((key) => key.keyId)).size;
  return target.transaction(async (session) => {
    const { bytes, manifest, path } = await readCurrentManifest(session, change, trustedKeys, target.description);
    if (manifest.seq >= MAX_SEQ) throw new Error(`${path}: seq is at its maximum; publish a new version`);
    const staged = signers < requiredFor(manifest, bytes, path, change.requiredSignatures);
    const { board, channel, version } = manifest;
    const seq = manifest.seq + 1;
    const text = signManifest({ ...signedFields(manifest), rollout: change.percent, seq }, change.keys);
    const destination = staged ? pendingManifestPath(board, channel) : path;
    const waiting = staged ? await session.read(destination) : void 0;
    if (waiting) {
      throw new Error(
        `${destination} in ${target.description} already holds ${readVersionLine(waiting)} awaiting cosignatures: cosign it, or remove it, before staging a rollout change`
      );
    }
    await session.writeManifest(destination, text, staged ? void 0 : bytes);
    if (!staged) await writeSite(session);
    return {
      path: destination,
      version,
      previousPercent: manifest.rollout,
      percent: change.percent,
      seq,
      manifest: text
    };
  });
}
function requiredFor(manifest, bytes, path, required) {
  if (required !== void 0) return required;
  const unchecked = new Set(summarizeManifest(bytes).keyIds.filter((keyId) => !manifest.verifiedKeys.includes(keyId)));
  if (unchecked.size > 0) {
    throw new Error(
      `${path} also carries signatures by ${[...unchecked].join(", ")}, which the given keys cannot check: give --trusted-key for every key devices trust, or --required-signatures, so the new manifest keeps as many signatures as devices require`
    );
  }
  return manifest.verifiedKeys.length;
}
function supersedes(staged, live, trustedKeys) {
  const order = compareVersions(staged.version, readVersionLine(live));
  if (order !== 0) return order > 0;
  try {
    return staged.seq > openManifest(live, trustedKeys).seq;
  } catch {
    return true;
  }
}
function cosign(target, request) {
  const { board, channel, key, trustedKeys, requiredSignatures } = request;
  if (!trustedKeys.some((trusted) => Buffer.from(trusted).equals(Buffer.from(key.publicKey)))) {
    throw new Error(`the cosigning key ${key.keyId} is not among the trusted keys: devices would ignore its signature`);
  }
  return target.transaction(async (session) => {
    const where = target.description;
    const livePath = manifestPath(board, channel);
    const pendingPath = pendingManifestPath(board, channel);
    const staged = await session.read(pendingPath);
    const path = staged ? pendingPath : livePath;
    const bytes = staged ?? await session.read(livePath);
    if (!bytes) throw new Error(`neither ${pendingPath} nor ${livePath} exists in ${where}: publish a release first`);
    const existing = bytes.toString("latin1").split("\n").filter((line2) => line2.startsWith("sig=")).length;
    let opened;
    try {
      opened = openManifest(bytes, trustedKeys, existing);
    } catch (error) {
      throw new Error(
        `${path} in ${where}: every existing signature must be a valid one from a distinct trusted key: ${error.message}`,
        { cause: error }
      );
    }
    if (opened.verifiedKeys.includes(key.keyId))
      throw new Error(`${path} in ${where} is already signed by ${key.keyId}`);
    if (existing >= MAX_SIGNATURES)
      throw new Error(`${path} in ${where} already has ${MAX_SIGNATURES} signatures, the most a manifest may carry`);
    const line = formatSignatureLine({
      keyId: key.keyId,
      signature: signBytes(bytes.subarray(0, opened.signedLength), key.seed)
    });
    const text = bytes.toString("latin1") + line;
    openManifest(Buffer.from(text, "latin1"), trustedKeys, existing + 1);
    const promoted = staged !== void 0 && existing + 1 >= requiredSignatures;
    if (!promoted) {
      await session.writeManifest(path, text, bytes);
      if (path === livePath) await writeSite(session);
      return { path, version: opened.version, signatures: existing + 1, promoted, manifest: text };
    }
    const live = await session.read(livePath);
    if (live && !supersedes(opened, live, trustedKeys)) {
      throw new Error(
        `${pendingPath} offers ${opened.version} (seq ${opened.seq}), but ${livePath} already offers ${readVersionLine(live)} at least as new: devices never go back, so it is not promoted`
      );
    }
    await session.writeManifest(livePath, text, live);
    await session.remove(pendingPath);
    await writeSite(session);
    return { path: livePath, version: opened.version, signatures: existing + 1, promoted, manifest: text };
  });
}

export {
  parseVersion,
  parseChannel,
  channelFor,
  compareVersions,
  layoutForPrebuilt,
  parsePublicKey,
  generateKey,
  publicKeyAsCArray,
  checkSigningKeys,
  parseSigningKeys,
  ReleaseError,
  checkBoard,
  runRelease,
  parseRolloutPercent,
  parseRequiredSignatures,
  changeRollout,
  cosign
};
