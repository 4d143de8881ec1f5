import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DEFAULT_LOOKAHEAD_BITS,
  DEFAULT_WINDOW_BITS,
  DeltaFormatError,
  MAX_SIZE,
  PATCH_HEADER_SEQUENTIAL_HEATSHRINK,
  checkHeatshrinkParameters,
  heatshrinkHeaderByte,
  normalizedBase,
  openPatchManifest,
  packSize,
  patchFileName,
  patchManifestFileName,
  patchMismatch,
  serializePatchBody,
  versionsOfPatchFile
} from "./chunk-ACKFS2Y7.js";
import {
  require_compare,
  require_prerelease,
  require_valid
} from "./chunk-YCF4FEL2.js";
import {
  holdTemporary,
  noteLive
} from "./chunk-BMPRNOTX.js";
import {
  FULL_ROLLOUT,
  MANIFEST_FILE,
  MAX_IMAGE_SIZE,
  MAX_MANIFEST_BYTES,
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
  isValidFileName,
  isValidVersion,
  judgeManifest,
  manifestPath,
  openManifest,
  pendingManifestPath,
  readVersionLine,
  releaseFolder,
  serializeBody,
  summarizeManifest,
  versionFileName,
  versionOfFile,
  versionOfImageFile,
  versionProblem
} from "./chunk-U5GXGXOB.js";
import {
  ConflictError,
  MAX_CONFLICT_RETRIES,
  retryOnConflict,
  sameBytes
} from "./chunk-IEVPXDZW.js";
import {
  PUBLIC_KEY_LENGTH,
  READ_CHUNK_BYTES,
  hashFile,
  keyIdOf,
  privateKeyOf,
  publicKeyOf,
  readChunks,
  sha256Hex,
  signBytes
} from "./chunk-3CYM4YX4.js";
import {
  __toESM
} from "./chunk-PUMHU2BD.js";

// src/common/input-error.ts
var InputError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "InputError";
  }
};

// src/settings/label.ts
var inputLabel = (input) => input;

// src/release/flash-layout.ts
import { open } from "node:fs/promises";
import { basename } from "node:path";

// src/release/build.ts
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
async function ensurePio(log, version) {
  if (await hasPio()) return;
  const requirement = version ? `platformio==${version}` : "platformio";
  log.warning(
    `pio was not found on PATH: installing ${requirement} with pip (add a setup step with a cache to save this time)`
  );
  try {
    await execFileAsync("python3", ["-m", "pip", "install", "--user", "--upgrade", requirement], {
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
  const build = () => new Promise((resolve2, reject) => {
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
      resolve2(code2);
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

// src/release/flash-layout.ts
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
var unknownChip = (label) => `prebuilt image of unknown chip: ${label("chip-family")} ESP8266 adds one`;
function parseOffset(value, what) {
  const text = String(value);
  const number = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number)) throw new Error(`${what}: offset ${JSON.stringify(value)} is not a number`);
  return number;
}
var partName = (path) => basename(path).replace(/\.bin$/i, "").replace(/[^A-Za-z0-9_]/g, "_");
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
  if (/espressif8266/.test(platform)) return { flash: { chipFamily: "ESP8266", parts: [], appOffset: 0 } };
  if (!/espressif32/.test(platform)) {
    const noInstall = `platform ${JSON.stringify(platform)} is not espressif8266 or espressif32: ESP Web Tools flashes only Espressif chips`;
    log.info(`${environment}: ${noInstall}, so the release page offers no browser install for it`);
    return { noInstall };
  }
  const mcu = await boardMcu(projectDir, options);
  const chipFamily = mcu === void 0 ? void 0 : chipFamilyOfMcu(mcu);
  if (!chipFamily) {
    const noInstall = `board MCU ${JSON.stringify(mcu)} is not a chip ESP Web Tools flashes`;
    log.warning(`${environment}: ${noInstall}, so the release page offers no browser install for it`);
    return { noInstall };
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
  return { flash: { chipFamily, parts, appOffset } };
}
async function prebuiltImage(imageFile, chipFamily, label) {
  const gzip = await startsWithGzip(imageFile);
  const chip = chipFamily ?? (gzip ? "ESP8266" : void 0);
  if (chip === "ESP8266") return { chipFamily: chip, gzip, flash: { chipFamily: chip, parts: [], appOffset: 0 } };
  if (chip === void 0) return { gzip, noInstall: unknownChip(label) };
  return {
    chipFamily: chip,
    gzip,
    noInstall: `${chip} prebuilt image: a first install also needs its bootloader and partition table; publish from the action's build, which reads them from PlatformIO`
  };
}
async function startsWithGzip(imageFile) {
  const head = Buffer.alloc(2);
  const file = await open(imageFile, "r").catch(() => void 0);
  await file?.read(head, 0, 2, 0).catch(() => void 0).finally(() => file.close());
  return head[0] === 31 && head[1] === 139;
}
function parseChipFamily(text, name) {
  const key = (family2) => family2.toLowerCase().replace(/[-_\s]/g, "");
  const family = CHIP_FAMILIES.find((candidate) => key(candidate) === key(text));
  if (family === void 0)
    throw new InputError(
      `${name} ${JSON.stringify(text)} is not a chip family: one of ${CHIP_FAMILIES.join(", ")} (any case)`
    );
  return family;
}

// src/release/sign.ts
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";

// src/release/image.ts
import { open as open2, stat as stat2 } from "node:fs/promises";

// src/release/zlib-pass.ts
import { createReadStream } from "node:fs";
var Z_NO_FLUSH = 0;
var Z_FINISH = 4;
async function* zlibPass(engine, path, start = 0) {
  const { _handle: handle, _writeState: state } = engine;
  if (typeof handle?.writeSync !== "function" || !ArrayBuffer.isView(state))
    return yield* streamPass(engine, path, start);
  engine.on("error", () => void 0);
  const output = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let consumed = 0;
  try {
    for await (const [input, flush] of withFinish(readChunks(path, start))) {
      for (let offset = 0, left = input.length; ; ) {
        handle.writeSync(flush, input, offset, left, output, 0, output.length);
        if (engine.errored) throw engine.errored;
        const [outputFree, inputLeft] = state;
        consumed += left - inputLeft;
        offset += left - inputLeft;
        left = inputLeft;
        if (outputFree < output.length) yield output.subarray(0, output.length - outputFree);
        if (outputFree > 0 && inputLeft > 0) return consumed;
        if (outputFree > 0) break;
      }
    }
    return consumed;
  } finally {
    engine.destroy();
  }
}
async function* withFinish(chunks) {
  for await (const chunk of chunks) yield [chunk, Z_NO_FLUSH];
  yield [Buffer.alloc(0), Z_FINISH];
}
async function* streamPass(engine, path, start) {
  const source = createReadStream(path, { start });
  source.pipe(engine);
  engine.once("close", () => source.destroy());
  try {
    for await (const chunk of engine) yield chunk;
  } finally {
    engine.destroy();
  }
  return engine.bytesWritten;
}

// src/release/image.ts
var ESP_IMAGE_MAGIC = 233;
var GZIP_MAGIC = [31, 139];
async function checkImage(path, maxBytes, limitName = "max-image-size") {
  const info = await stat2(path).catch(() => void 0);
  if (!info?.isFile()) throw new InputError(`firmware image ${path} does not exist or is not a file`);
  if (info.size === 0) throw new InputError(`firmware image ${path} is empty`);
  if (info.size > maxBytes) {
    throw new InputError(`firmware image ${path} is ${info.size} bytes, over the limit of ${maxBytes} (${limitName})`);
  }
  const head = Buffer.alloc(2);
  const trailer = Buffer.alloc(4);
  const file = await open2(path, "r");
  try {
    await file.read(head, 0, 2, 0);
    if (info.size >= 4) await file.read(trailer, 0, 4, info.size - 4);
  } finally {
    await file.close();
  }
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (head[0] !== ESP_IMAGE_MAGIC && !gzip) {
    throw new InputError(
      `firmware image ${path} starts with 0x${head[0].toString(16).padStart(2, "0")}, not an ESP image (0xe9) or gzip (0x1f 0x8b): is it firmware.bin?`
    );
  }
  if (!gzip) return { gzip, size: info.size };
  const inflatedSize = await checkInflated(path, maxBytes, limitName);
  if (trailer.readUInt32LE(0) !== inflatedSize % 2 ** 32) {
    throw new InputError(
      `gzip image ${path} inflates to ${inflatedSize} bytes but its last 4 bytes say ${trailer.readUInt32LE(0)}: the ESP8266 boot loader copies as many bytes as they say (one gzip member, nothing after it)`
    );
  }
  const memberEnd = await firstMemberEnd(path);
  if (memberEnd !== info.size) {
    throw new InputError(
      `gzip image ${path} has bytes after its first gzip member (at byte ${memberEnd} of ${info.size}): the ESP8266 boot loader (eboot's uzlib) inflates the first member only; compress the image as one member`
    );
  }
  return { gzip, size: info.size, inflatedSize };
}
var GZIP_FLAG = { headerCrc: 2, extra: 4, name: 8, comment: 16 };
var GZIP_FIXED_HEADER_BYTES = 10;
var GZIP_TRAILER_BYTES = 8;
var MAX_GZIP_HEADER_BYTES = 64 * 1024;
function gzipHeaderLength(head) {
  const flags = head[3];
  let at = GZIP_FIXED_HEADER_BYTES;
  if (flags & GZIP_FLAG.extra) {
    if (at + 2 > head.length) return void 0;
    at += 2 + head.readUInt16LE(at);
  }
  for (const flag of [GZIP_FLAG.name, GZIP_FLAG.comment]) {
    if (!(flags & flag)) continue;
    const end = head.indexOf(0, at);
    if (end < 0) return void 0;
    at = end + 1;
  }
  if (flags & GZIP_FLAG.headerCrc) at += 2;
  return at <= head.length ? at : void 0;
}
async function firstMemberEnd(path) {
  const { createInflateRaw } = await import("node:zlib");
  const head = Buffer.alloc(MAX_GZIP_HEADER_BYTES);
  const file = await open2(path, "r");
  let headBytes;
  try {
    ({ bytesRead: headBytes } = await file.read(head, 0, head.length, 0));
  } finally {
    await file.close();
  }
  const headerLength = gzipHeaderLength(head.subarray(0, headBytes));
  if (headerLength === void 0) throw new InputError(`gzip image ${path} has a gzip header eboot cannot read`);
  const pass = zlibPass(createInflateRaw(), path, headerLength);
  let step = await pass.next();
  while (!step.done) step = await pass.next();
  return headerLength + step.value + GZIP_TRAILER_BYTES;
}
async function checkInflated(path, maxBytes, limitName) {
  let inflatedSize = 0;
  try {
    for await (const chunk of gunzipChunks(path)) {
      if (inflatedSize === 0 && chunk[0] !== ESP_IMAGE_MAGIC) {
        throw new InputError(
          `gzip image ${path} does not hold an ESP image: it inflates to bytes starting with 0x${chunk[0].toString(16).padStart(2, "0")}, not 0xe9`
        );
      }
      inflatedSize += chunk.length;
      if (inflatedSize > maxBytes) {
        throw new InputError(
          `gzip image ${path} inflates to more than ${maxBytes} bytes, over the limit (${limitName})`
        );
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`gzip image ${path} does not inflate: ${error.message}`);
  }
  if (inflatedSize === 0) throw new InputError(`gzip image ${path} inflates to nothing`);
  return inflatedSize;
}
async function gunzipImage(source, target2) {
  await writeChunks(target2, gunzipChunks(source));
}
async function writeChunks(target2, chunks) {
  const file = await open2(target2, "w");
  try {
    for await (const chunk of chunks) await file.write(chunk);
  } finally {
    await file.close();
  }
}
async function gzipImage(source, target2) {
  const { constants, createGzip } = await import("node:zlib");
  await writeChunks(target2, zlibPass(createGzip({ level: constants.Z_BEST_COMPRESSION, windowBits: 15 }), source));
}
async function* gunzipChunks(path) {
  const { createGunzip } = await import("node:zlib");
  yield* zlibPass(createGunzip(), path);
}
async function findEmbeddedKeys(path, gzip, keys) {
  const found = /* @__PURE__ */ new Set();
  const needles = keys.map((key) => Buffer.from(key));
  const overlap = Math.max(0, ...needles.map((key) => key.length - 1));
  const window = Buffer.allocUnsafe(overlap + READ_CHUNK_BYTES);
  let tail = 0;
  for await (const chunk of gzip ? gunzipChunks(path) : readChunks(path)) {
    const end = tail + chunk.copy(window, tail);
    const view = window.subarray(0, end);
    needles.forEach((key, index) => {
      if (!found.has(index) && view.includes(key)) found.add(index);
    });
    if (found.size === keys.length) break;
    tail = Math.min(overlap, end);
    window.copyWithin(0, end - tail, end);
  }
  return found;
}

// src/release/sign.ts
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
  return signBody(serializeBody(fields), keys, (bytes, publicKey) => openManifest(bytes, [publicKey]));
}
function signBody(body, keys, open3) {
  const signed = Buffer.from(body, "latin1");
  const signatures = keys.map(
    (key) => formatSignatureLine({ keyId: key.keyId, signature: signBytes(signed, key.privateKey) })
  );
  const text = body + signatures.join("");
  const bytes = Buffer.from(text, "latin1");
  for (const key of keys) open3(bytes, key.publicKey);
  return text;
}
async function findLockout(input, gzip, keys, required = 1, label = inputLabel) {
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
  return `lockout guard: ${image} (${input.board} ${input.version}) does not contain ${wanted} able to sign the next release: ${listed}. Devices running it would refuse every later update. Compile the public key into the firmware (static-ota keygen prints it as a C array), list the keys it trusts in ${label("trusted-keys")}, or set ${label("allow-lockout")} if this is deliberate.`;
}
function lockoutKeys(nextReleaseKeys, signingKeys) {
  const listed = nextReleaseKeys?.length ? nextReleaseKeys : signingKeys.map((key) => key.publicKey);
  return [...new Map(listed.map((key) => [Buffer.from(key).toString("hex"), key])).values()];
}
async function signRelease(input, policy) {
  const label = policy.label ?? inputLabel;
  const { gzip, inflatedSize } = await checkImage(
    input.imageFile,
    policy.maxImageBytes ?? MAX_IMAGE_SIZE,
    label("max-image-size")
  );
  const lockout = await findLockout(
    input,
    gzip,
    lockoutKeys(policy.nextReleaseKeys, policy.keys),
    policy.requiredSignatures,
    label
  );
  if (lockout !== void 0 && !policy.allowLockout) throw new InputError(lockout);
  const { size, sha256, md5 } = await hashFile(input.imageFile, { md5: input.flash !== void 0 });
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
      // Signed, so a device can refuse before the download what its boot loader could not write.
      inflatedSize,
      extra
    },
    policy.keys
  );
  const signerKeys = policy.keys.map((key) => key.publicKey);
  return {
    ...input,
    size,
    sha256,
    ...md5 ? { md5 } : {},
    ...encoding ? { encoding } : {},
    manifestText,
    lockout,
    signerKeys
  };
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

// src/site/page.ts
import { existsSync } from "node:fs";
import { readdir, readFile as readFile2 } from "node:fs/promises";
import { join as join2, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

// src/release/version.ts
var import_compare = __toESM(require_compare(), 1);
var import_prerelease = __toESM(require_prerelease(), 1);
function parseVersion(text, name = "version") {
  const version = text.replace(/^v/, "");
  const problem = versionProblem(version);
  if (problem !== void 0) throw new InputError(`${name} ${JSON.stringify(text)} ${problem}`);
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
function prereleaseChannel(version, name) {
  const first = String((0, import_prerelease.default)(version)?.[0]);
  const letters = /^[a-z]+/i.exec(first)?.[0];
  if (letters === void 0) {
    throw new InputError(
      `pre-release ${version} names no channel: its first identifier ${JSON.stringify(first)} does not start with a letter; set ${name} (for example nightly), or tag it as 1.2.0-rc1 or 1.2.0-beta.2`
    );
  }
  return letters.toLowerCase();
}
function channelFor(version, requested, name = "channel") {
  const prerelease = isPrerelease(version);
  if (!requested) {
    if (!prerelease) return STABLE_CHANNEL;
    const derived = prereleaseChannel(version, name);
    if (derived === STABLE_CHANNEL)
      throw new InputError(
        `pre-release ${version} cannot be published to the stable channel, which its first identifier names: set ${name}`
      );
    if (!isValidChannel(derived))
      throw new InputError(
        `pre-release ${version} names the channel ${JSON.stringify(derived)} by its first identifier, which cannot be one (lowercase letters, digits and '-', at most 32): set ${name}`
      );
    return derived;
  }
  const channel = parseChannel(requested, name);
  if (prerelease && channel === STABLE_CHANNEL) {
    throw new InputError(
      `pre-release ${version} cannot be published to the stable channel (${name} ${STABLE_CHANNEL})`
    );
  }
  return channel;
}
var compareVersions = (a, b) => (0, import_compare.default)(a, b);

// src/site/web-install.ts
var flashPartFileName = (name, version) => versionFileName(name, version, "bin");
var versionManifestFileName = (version) => versionFileName("manifest", version, "json");
var RAW_IMAGE_PART = "factory";
function webInstallManifest(release, layout, releaseUrl) {
  const { md5 } = release;
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
  if (release.md5 === void 0)
    throw new Error(`${release.board} ${release.version}: signed without the MD5 its browser install needs`);
  const raw = release.rawImage ? [{ name: RAW_IMAGE_PART, localFile: release.rawImage }] : [];
  for (const part of [...release.flash.parts, ...raw]) {
    const path2 = imagePath(release.board, release.channel, flashPartFileName(part.name, release.version));
    if (!await session.read(path2)) await session.writeImage(path2, part.localFile);
  }
  const path = `${releaseFolder(release.board, release.channel)}/${versionManifestFileName(release.version)}`;
  const text = `${JSON.stringify(webInstallManifest({ ...release, md5: release.md5 }, release.flash), null, 2)}
`;
  const current = await session.read(path);
  if (!current?.equals(Buffer.from(text, "latin1")))
    await session.writeManifest(path, text, current, WEB_MANIFEST_HEADERS);
}

// src/site/patch-view.ts
function target(release) {
  const gzip = release.encoding === "gzip";
  return {
    version: release.version,
    board: release.board,
    channel: release.channel,
    resultSize: gzip ? release.inflatedSize ?? 0 : release.size,
    resultSha256: release.sha256,
    gzip
  };
}
async function readPatchViews(session, release, files, keys, warn) {
  const folder = releaseFolder(release.board, release.channel);
  const prefix = `${release.file}.from-`;
  const names = [...files].filter((name) => name.startsWith(prefix) && name.endsWith(".txt") && isValidFileName(name));
  const views = [];
  const wanted = target(release);
  for (const name of names) {
    const path = `${folder}/${name}`;
    try {
      const patch = openPatchManifest(await session.read(path) ?? Buffer.alloc(0), keys);
      const mismatch = patchMismatch(
        patch,
        wanted.gzip ? { ...wanted, resultSha256: patch.resultSha256 } : wanted,
        patch.baseVersion
      );
      if (mismatch !== void 0) throw new Error(mismatch);
      if (!files.has(patch.file)) throw new Error(`its patch ${patch.file} is missing`);
      views.push({ from: patch.baseVersion, manifest: path, patch: `${folder}/${patch.file}`, size: patch.size });
    } catch (error) {
      warn?.(`${path} is not on the release page: ${error.message}`);
    }
  }
  return views.sort((a, b) => compareVersions(b.from, a.from));
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
var NO_INSTALL_RECORDED = "no flash layout was recorded when this version was published";
var MAX_REASON_LENGTH = 200;
var cleanReason = (reason) => typeof reason === "string" && reason ? reason.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_REASON_LENGTH) : void 0;
async function validName(session, folder, valid, trust) {
  const name = lastSegment(folder);
  if (valid(name)) return name;
  if ((await session.list(folder)).includes(`${folder}/${MANIFEST_FILE}`))
    trust.warn?.(
      `${JSON.stringify(folder)} holds a ${MANIFEST_FILE} but is not a valid board or channel name: not on the release page`
    );
  return void 0;
}
async function releaseFolders(session, trust) {
  const found = [];
  for (const boardFolder of (await session.folders("")).sort()) {
    if (lastSegment(boardFolder) === INSTALL_FOLDER || lastSegment(boardFolder).startsWith(".")) continue;
    const board = await validName(session, boardFolder, isValidBoard, trust);
    if (board === void 0) continue;
    found.push({ board, channel: STABLE_CHANNEL });
    for (const channelFolder of (await session.folders(boardFolder)).sort()) {
      const channel = await validName(session, channelFolder, isValidChannel, trust);
      if (channel !== void 0) found.push({ board, channel });
    }
  }
  return found;
}
function openForFolder(bytes, { board, channel }, now, trust) {
  const verdict = judgeManifest(bytes, {
    trustedKeys: trust.keys,
    requiredSignatures: 1,
    board,
    channel,
    now: Math.floor(Date.parse(now) / 1e3)
  });
  if (verdict.accepted) return verdict.manifest;
  trust.warn?.(`${manifestPath(board, channel)} is not on the release page: ${verdict.reason}`);
  return void 0;
}
function chipFamilyOf(path, bytes, trust) {
  let parsed;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    trust.warn?.(`${path} is not JSON (${error.message}): no install button for it`);
    return void 0;
  }
  const builds = typeof parsed === "object" && parsed !== null ? parsed.builds : void 0;
  const first = Array.isArray(builds) ? builds[0] : void 0;
  const family = typeof first === "object" && first !== null ? first.chipFamily : void 0;
  if (typeof family === "string" && isChipFamily(family)) return family;
  trust.warn?.(`${path} names no known chip family: no install button for it`);
  return void 0;
}
async function readFolder(session, { board, channel }, { previous, notes, now }, trust) {
  const manifest = manifestPath(board, channel);
  const bytes = await session.read(manifest);
  const opened = bytes && openForFolder(bytes, { board, channel }, now, trust);
  if (!opened) return void 0;
  const folder = releaseFolder(board, channel);
  const files = new Set((await session.list(folder)).map(lastSegment));
  const older = [...files].filter((name) => name !== opened.file && isValidFileName(name)).map((name) => ({ name, version: versionOfImageFile(name) })).filter((entry) => isValidVersion(entry.version ?? "")).sort((a, b) => compareVersions(b.version, a.version)).map(({ name, version }) => ({ version, image: imagePath(board, channel, name) }));
  const seen = previous?.releases.find(
    (release) => release.manifest === manifest && release.version === opened.version && release.sha256 === opened.sha256
  );
  const view = {
    board,
    channel,
    version: opened.version,
    manifest,
    image: imagePath(board, channel, opened.file),
    size: opened.size,
    sha256: opened.sha256,
    keyIds: opened.verifiedKeys,
    ...opened.rollout === FULL_ROLLOUT ? {} : { rollout: String(opened.rollout) },
    ...opened.expires === void 0 ? {} : { expires: new Date(opened.expires * 1e3).toISOString() },
    published: seen?.published ?? now,
    older
  };
  const patches = await readPatchViews(session, opened, files, trust.keys, trust.warn);
  if (patches.length) view.patches = patches;
  const versionManifest = versionManifestFileName(opened.version);
  const note = notes.find(
    (release) => release.board === board && release.version === opened.version && release.sha256 === opened.sha256
  );
  const recorded = cleanReason(note?.noInstall) ?? cleanReason(seen?.noInstall) ?? NO_INSTALL_RECORDED;
  if (!files.has(versionManifest)) return { view: { ...view, noInstall: recorded } };
  const webManifest = await session.read(`${folder}/${versionManifest}`);
  const chipFamily = webManifest && chipFamilyOf(`${folder}/${versionManifest}`, webManifest, trust);
  if (!webManifest || !chipFamily)
    return { view: { ...view, noInstall: `its ${versionManifest} is not an ESP Web Tools manifest of a known chip` } };
  return { view: { ...view, install: { manifest: `${folder}/${WEB_INSTALL_MANIFEST}`, chipFamily } }, webManifest };
}
async function readPageListing(session) {
  const index = parseIndex(await session.read(INDEX_JSON).catch(() => void 0));
  return {
    lists: (manifest, version, sha256) => index?.releases.some(
      (release) => release.manifest === manifest && release.version === version && release.sha256 === sha256
    ) ?? false
  };
}
function parseIndex(bytes) {
  if (!bytes) return void 0;
  let parsed;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    return void 0;
  }
  const releases = typeof parsed === "object" && parsed !== null ? parsed.releases : void 0;
  if (!Array.isArray(releases)) return void 0;
  const usable = (entry) => typeof entry === "object" && entry !== null && ["manifest", "version", "sha256", "published"].every(
    (key) => typeof entry[key] === "string"
  ) && !Number.isNaN(Date.parse(entry.published));
  return { generator: "static-ota", releases: releases.filter(usable) };
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
  const text = async (file) => (await readFile2(join2(assets, file))).toString("latin1");
  const entry = lastSegment(INSTALL_SCRIPT);
  if ((await session.read(INSTALL_SCRIPT))?.equals(await readFile2(join2(assets, entry)))) return;
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
async function writeOnce(session, trust, notes, now) {
  const previousIndex = parseIndex(await session.read(INDEX_JSON));
  const found = await releaseFolders(session, trust);
  await prefetchFolders(session, found);
  const folders = [];
  for (const location of found) {
    const state = await readFolder(
      session,
      location,
      { previous: previousIndex, notes, now: now.toISOString() },
      trust
    );
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
  return page;
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
async function writeSite(session, trust, notes = [], now = /* @__PURE__ */ new Date()) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeOnce(session, trust, notes, now);
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
  const link3 = (path, text) => `<a href="${escapeHtml(path)}">${escapeHtml(text)}</a>`;
  const rows = [
    ["Image", `${link3(release.image, lastSegment(release.image))}, ${formatSize(release.size)}`],
    ["SHA-256", `<code>${escapeHtml(release.sha256)}</code>`],
    ["Signed by", release.keyIds.map((keyId) => `<code>${escapeHtml(keyId)}</code>`).join(" ") || "no signature"],
    [
      "Published",
      `<time datetime="${escapeHtml(release.published)}">${escapeHtml(release.published.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}</time>`
    ],
    ["Manifest", link3(release.manifest, release.manifest)]
  ];
  if (release.rollout !== void 0) rows.splice(3, 0, ["Rollout", `${escapeHtml(release.rollout)} %`]);
  if (release.expires !== void 0) rows.push(["Expires", escapeHtml(release.expires)]);
  if (release.older.length)
    rows.push(["Older images", release.older.map((older) => link3(older.image, older.version)).join(", ")]);
  if (release.patches?.length)
    rows.push([
      "Delta patches",
      release.patches.map(
        (patch) => `${link3(patch.patch, `from ${patch.from}`)} (${formatSize(patch.size)}, ${link3(patch.manifest, "manifest")})`
      ).join(", ")
    ]);
  return `<section class="release" data-board="${escapeHtml(release.board)}" data-channel="${escapeHtml(release.channel)}">
<h3><span class="channel">${escapeHtml(release.channel)}</span> <span class="version">${escapeHtml(release.version)}</span></h3>
<dl>${rows.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join("")}</dl>
${renderInstall(release)}
</section>`;
}
var INSTALL_STYLE = `esp-web-install-button{display:block;margin:.5rem 0}
esp-web-install-button:not(:defined){display:none}
.install{font:inherit;font-weight:600;color:#fff;background:#1a3d8f;border:0;border-radius:6px;padding:.45rem 1rem;cursor:pointer}
.install:hover{background:#132e6c}
.install:focus-visible{outline:3px solid #9db4ef;outline-offset:2px}
.install .chip{font-weight:400;font-size:.85rem;opacity:.85;margin-left:.3rem}
esp-web-install-button[active] .install{opacity:.6;cursor:progress}
`;
function renderInstall(release) {
  if (!release.install) {
    return release.noInstall === void 0 ? "" : `<p class="install-note no-install">No install button: ${escapeHtml(release.noInstall)}.</p>`;
  }
  return `<esp-web-install-button manifest="${escapeHtml(release.install.manifest)}">
<button slot="activate" class="install">Install ${escapeHtml(release.version)} <span class="chip">${escapeHtml(release.install.chipFamily)}</span></button>
<p slot="unsupported" class="install-note">No install from this browser: it has no Web Serial. Use Chrome or Edge on a computer, with this page over https or on localhost.</p>
<p slot="not-allowed" class="install-note">No install from this page: Web Serial works only over https or on localhost.</p>
</esp-web-install-button>`;
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
.install-note{margin:.5rem 0;color:#555;font-size:.9rem;background:#f4f4f4;border-left:3px solid #c4c4c4;border-radius:4px;padding:.3rem .6rem}
@media (max-width:36rem){dl{grid-template-columns:1fr}dt{font-weight:600}}
${hasInstall ? INSTALL_STYLE : ""}</style>
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

// src/settings/values.ts
var DURATION_UNITS = { s: 1, m: 60, h: 3600, d: 86400 };
function parseDuration(text, name) {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]] : NaN;
  if (!(seconds > 0 && seconds <= 10 * 365 * 86400)) {
    const hint = /^\s*\d+\s*$/.test(text) ? " (a number needs its unit: s, m, h or d)" : "";
    throw new InputError(
      `${name} must be a duration with its unit, such as 45s, 30m, 12h or 30d (at most 10 years), got ${JSON.stringify(text)}${hint}`
    );
  }
  return seconds;
}
function parsePositiveInteger(text, name) {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(Number.isSafeInteger(value) && value >= 1))
    throw new InputError(`${name} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  return value;
}
var PEM_BLOCK2 = /-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g;
var splitList = (text) => {
  const pemBlocks = text.match(PEM_BLOCK2) ?? [];
  const items = text.replace(PEM_BLOCK2, "\n").split(/[,\n]/).map((item) => item.trim()).filter(Boolean);
  return [...pemBlocks, ...items];
};
var COMPRESS_MODES = ["auto", "gzip", "none"];
function parseCompressMode(text, name) {
  const mode = text.trim();
  if (!COMPRESS_MODES.includes(mode)) {
    throw new InputError(`${name} must be one of ${COMPRESS_MODES.join(", ")}, got ${JSON.stringify(text)}`);
  }
  return mode;
}
function parseBoolean(text, name) {
  if (text === "true" || text === "True" || text === "TRUE") return true;
  if (text === "false" || text === "False" || text === "FALSE") return false;
  throw new InputError(`${name} must be true or false, got ${JSON.stringify(text ?? "")}`);
}
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
function checkBoard(board, name) {
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
function parseDeltaFrom(text, name) {
  const count = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(count >= 0 && count <= 8))
    throw new InputError(`${name} must be a whole number from 0 (no patches) to 8, got ${JSON.stringify(text)}`);
  return count;
}
function parsePlatformioVersion(text, name) {
  const version = text.trim();
  if (!/^\d+(\.\d+){1,3}$/.test(version))
    throw new InputError(`${name} must be a PlatformIO release such as 6.2.0, got ${JSON.stringify(text)}`);
  return version;
}

// src/release/run.ts
import { mkdtemp as mkdtemp2, rm as rm4, stat as stat5 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join5 } from "node:path";

// src/release/attest.ts
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

// src/release/publish.ts
var import_valid = __toESM(require_valid(), 1);
function offersSameImage(live, release) {
  const { version, fields } = summarizeManifest(live);
  return version === release.version && fields.get("file") === release.file && fields.get("sha256") === release.sha256;
}
async function plan(session, signed, options, where, retry, listing) {
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
    const unfinished = order === 0 && !release.staged && !listing.lists(livePath, release.version, release.sha256) && offersSameImage(previousManifest, release);
    if (refused && unfinished && await session.compareImage(image, release.imageFile, release.sha256) === "same") {
      return { release, manifestPath: livePath, imagePath: image, previousManifest, imageExists: true, finished: true };
    } else if (refused && retry) {
      supersededBy = current;
    } else if (order < 0) {
      throw new Error(
        `refusing to publish ${release.version} for ${release.board} (${release.channel}): ${where} already offers ${current}, and devices never go back`
      );
    } else if (refused) {
      throw new Error(
        `${release.version} is already published for ${release.board} (${release.channel}) in ${where}; use ${(options.label ?? inputLabel)("force")} to re-publish the same version`
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
    const patch = versionsOfPatchFile(nameOf(path));
    const gone = patch ? removed.has(patch.result) || removed.has(patch.base) : version !== void 0 && removed.has(version);
    if (gone) await session.remove(path);
  }
}
var LiveProgress = class {
  constructor(where, label) {
    this.where = where;
    this.label = label;
  }
  where;
  label;
  live = [];
  writing;
  step = "the manifests";
  async write(session, entry) {
    this.writing = entry;
    await session.writeManifest(entry.manifestPath, entry.release.manifestText, entry.previousManifest);
    this.live.push(entry);
    this.writing = void 0;
  }
  /** Undefined while nothing devices read has changed. */
  describe() {
    const name = ({ manifestPath: manifestPath2, release, imagePath: imagePath2 }) => `${manifestPath2} (${release.version}, image ${imagePath2})`;
    if (this.live.length === 0 && this.writing === void 0) return void 0;
    const live = this.live.length ? `Live in ${this.where}: ${this.live.map(name).join(", ")}. ` : "";
    const writing = this.writing ? `Possibly live (its write was under way): ${name(this.writing)}. ` : "";
    return `${live}${writing}Not done: ${this.step}. Run the same publish again to finish it (no ${this.label("force")} needed).`;
  }
};
async function publishAttempt(session, all, options, target2, retry) {
  const listing = await readPageListing(session);
  const planned = [];
  for (const release of all) planned.push(await plan(session, release, options, target2.description, retry, listing));
  for (const entry of planned) {
    if (!entry.imageExists) await session.writeImage(entry.imagePath, entry.release.imageFile, entry.release.sha256);
    await writeWebInstallFiles(session, entry.release);
  }
  const current = planned.filter((entry) => entry.supersededBy === void 0);
  await options.patches?.(
    session,
    current.filter(({ release }) => !release.staged).map(({ release }) => release)
  );
  const label = options.label ?? inputLabel;
  const progress = new LiveProgress(target2.description, label);
  const forget = target2.commitsAtEnd ? () => void 0 : noteLive(() => progress.describe());
  let page;
  try {
    for (const entry of current.filter(({ finished }) => !finished)) await progress.write(session, entry);
    if (options.keepVersions !== void 0) {
      progress.step = `retention (${label("keep-versions")}), then the release page`;
      for (const entry of current.filter(({ release }) => !release.staged))
        await applyRetention(session, entry, options.keepVersions);
    }
    progress.step = "the release page (index.html, index.json)";
    const keys = [...options.trustedKeys ?? [], ...all.flatMap((release) => release.signerKeys)];
    page = await writeSite(session, { keys, warn: options.warn }, all);
  } catch (error) {
    const live = progress.describe();
    if (error instanceof ConflictError || live === void 0 || target2.commitsAtEnd) throw error;
    throw new Error(`${error.message}. ${live}`, { cause: error });
  } finally {
    forget();
  }
  const manifests = planned.map(({ release, manifestPath: manifestPath2, imagePath: imagePath2, imageExists, supersededBy, finished }) => ({
    board: release.board,
    channel: release.channel,
    version: release.version,
    manifest: manifestPath2,
    image: imagePath2,
    size: release.size,
    sha256: release.sha256,
    imageWritten: !imageExists,
    ...supersededBy === void 0 ? {} : { supersededBy },
    ...finished ? { finished } : {}
  }));
  return { manifests, page };
}
async function publishReleases(target2, releases, options = {}) {
  const manifestPaths = new Set(releases.map((release) => manifestPath(release.board, release.channel)));
  if (manifestPaths.size !== releases.length) throw new Error("two releases would write the same latest.txt");
  let attempts = 0;
  return target2.transaction(
    async (session) => {
      const retry = attempts++ > 0;
      const all = [...releases, ...await options.companions?.(session) ?? []];
      return publishAttempt(session, all, options, target2, retry);
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

// src/mirror/directory.ts
import { copyFile, link as link2, mkdir, readdir as readdir2, readFile as readFile4, rename as rename2, rm as rm2, stat as stat4, writeFile as writeFile2 } from "node:fs/promises";
import { dirname, join as join3, resolve, sep as sep2 } from "node:path";
import { pathToFileURL } from "node:url";

// src/mirror/lock-file.ts
import { randomUUID } from "node:crypto";
import { link, readFile as readFile3, rename, rm, stat as stat3, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
var LOCK_STALE_MS = 3e4;
var LOCK_WAIT_MS = 6e4;
var MAX_PAUSE_MS = 100;
function processIsGone(pid) {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === "ESRCH";
  }
}
async function readLock(path) {
  try {
    const [text, info] = await Promise.all([readFile3(path, "utf8"), stat3(path)]);
    return { text, holder: parseHolder(text), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw error;
  }
}
function parseHolder(text) {
  try {
    const { pid, host, since } = JSON.parse(text);
    const valid = Number.isSafeInteger(pid) && pid > 0 && typeof host === "string";
    return valid && typeof since === "number" ? { pid, host, since } : void 0;
  } catch {
    return void 0;
  }
}
var isStale = ({ holder, ageMs }) => ageMs > LOCK_STALE_MS || holder !== void 0 && holder.host === hostname() && processIsGone(holder.pid);
async function breakStale(path, stale) {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (error.code === "ENOENT") return;
    throw error;
  }
  try {
    if (await readFile3(aside, "utf8") !== stale.text) await link(aside, path).catch(() => void 0);
  } finally {
    await rm(aside, { force: true });
  }
}
async function create(path, text) {
  try {
    await writeFile(path, text, { flag: "wx" });
    return true;
  } catch (error) {
    if (error.code === "EEXIST") return false;
    throw error;
  }
}
function heldMessage(path, found) {
  const who = found.holder ? `pid ${found.holder.pid} on ${found.holder.host} since ${new Date(found.holder.since).toISOString()}` : "another writer";
  return `${path} is held by ${who}: waited ${LOCK_WAIT_MS / 1e3} s. If no static-ota command is writing this mirror, remove the file`;
}
async function withLockFile(path, work) {
  const text = JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now(), token: randomUUID() });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let pause = 2; !await create(path, text); pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    const found = await readLock(path);
    if (found === void 0) continue;
    if (isStale(found)) await breakStale(path, found);
    else if (Date.now() > deadline) throw new Error(heldMessage(path, found));
    else await sleep(pause);
  }
  const forget = holdTemporary(path);
  try {
    return await work();
  } finally {
    forget();
    if ((await readLock(path))?.text === text) await rm(path, { force: true });
  }
}

// src/mirror/directory.ts
var LOCK_FILE = ".static-ota.lock";
var TEMPORARY_FILE = /\.static-ota-(\d+)\.tmp$/;
var temporaryPath = (destination) => `${destination}.static-ota-${process.pid}.tmp`;
var LEFTOVER_AFTER_MS = 6e4;
var SWEEP_DEPTH = 3;
var ignoreMissing = (fallback) => (error) => {
  if (error.code === "ENOENT") return fallback;
  throw error;
};
async function makeFolders(folder) {
  const missing = [];
  for (let current = folder; !await stat4(current).catch(ignoreMissing(void 0)); current = dirname(current)) {
    if (dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const path of missing) {
    await mkdir(path).catch((error) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
}
async function sweepLeftovers(folder, depth = SWEEP_DEPTH) {
  const entries = await readdir2(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join3(folder, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith(".") && depth > 0) await sweepLeftovers(path, depth - 1);
    const pid = TEMPORARY_FILE.exec(entry.name)?.[1];
    if (!entry.isFile() || pid === void 0 || !processIsGone(Number(pid))) continue;
    const changed = await stat4(path).then(({ mtimeMs }) => mtimeMs, ignoreMissing(void 0));
    if (changed !== void 0 && Date.now() - changed > LEFTOVER_AFTER_MS) await rm2(path, { force: true });
  }
}
async function viaTemporary(destination, write, place) {
  const temporary = temporaryPath(destination);
  await makeFolders(dirname(destination));
  const forget = holdTemporary(temporary);
  try {
    await write(temporary);
    await place(temporary);
  } finally {
    await rm2(temporary, { force: true });
    forget();
  }
}
var DirectoryTarget = class {
  description;
  root;
  constructor(root) {
    this.root = resolve(root);
    this.description = `directory ${root}`;
  }
  publicUrl(path) {
    return pathToFileURL(join3(this.root, path)).href;
  }
  async transaction(work) {
    await sweepLeftovers(this.root);
    return retryOnConflict(() => work(this.session())).catch((error) => {
      if (error.code !== void 0 && error.syscall !== void 0)
        error.message = `${this.description}: ${error.message}`;
      throw error;
    });
  }
  /** One view of the folder; `transaction` adds the retries a shared folder needs. */
  session() {
    const prefix = this.root.endsWith(sep2) ? this.root : `${this.root}${sep2}`;
    const full = (path) => path === "" ? this.root : prefix + path.split("/").join(sep2);
    const read = (path) => readFile4(full(path)).catch(ignoreMissing(void 0));
    const lock = join3(this.root, LOCK_FILE);
    return {
      read,
      async compareImage(path, _localFile, sha256) {
        const stored = await hashFile(full(path)).catch(ignoreMissing(void 0));
        if (!stored) return "missing";
        return stored.sha256 === sha256 ? "same" : "different";
      },
      async list(folder) {
        const entries = await readdir2(full(folder), { withFileTypes: true }).catch(ignoreMissing([]));
        return entries.filter((entry) => entry.isFile()).map((entry) => folder ? `${folder}/${entry.name}` : entry.name);
      },
      async folders(folder) {
        const entries = await readdir2(full(folder), { withFileTypes: true }).catch(() => []);
        return entries.filter((entry) => entry.isDirectory() && entry.name !== ".git").map((entry) => folder ? `${folder}/${entry.name}` : entry.name);
      },
      // Linked, not renamed: a link never replaces a file, so an image a concurrent writer placed first stays, and
      // one with other bytes is a conflict (the retry refuses it as a different image of the same version).
      writeImage: (path, localFile) => viaTemporary(
        full(path),
        (temporary) => copyFile(localFile, temporary),
        (temporary) => link2(temporary, full(path)).catch(async (error) => {
          if (error.code !== "EEXIST") throw error;
          const [placed, ours] = await Promise.all([hashFile(full(path)), hashFile(temporary)]);
          if (placed.sha256 !== ours.sha256) throw new ConflictError(`${path} was written meanwhile`);
        })
      ),
      // Renamed: readers see the old file or the new one, never half. Compared and renamed under the lock, so no
      // writer replaces a manifest between another's comparison and rename (latest.txt never goes back).
      writeManifest: (path, text, previous) => viaTemporary(
        full(path),
        (temporary) => writeFile2(temporary, text, "latin1"),
        (temporary) => withLockFile(lock, async () => {
          if (!sameBytes(await read(path), previous)) throw new ConflictError(`${path} changed while publishing`);
          await rename2(temporary, full(path));
        })
      ),
      remove: (path) => rm2(full(path), { force: true })
    };
  }
};

// src/mirror/factory.ts
async function createTarget(config, log) {
  switch (config.kind) {
    case "directory":
      return new DirectoryTarget(config.directory);
    case "github-pages":
      return new (await import("./pages-UQYFBGQA.js")).PagesTarget(config.pages, log);
    case "s3":
      return new (await import("./s3-KGH7UF2I.js")).S3Target(config.s3);
  }
}

// src/release/follow-stable.ts
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

// src/release/patches.ts
import { mkdtemp, readFile as readFile5, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join4 } from "node:path";
import { gunzipSync } from "node:zlib";

// src/release/delta/suffix-array.ts
function suffixArray(data) {
  const n = data.length + 1;
  if (n === 1) return Int32Array.of(0);
  const text = new Int32Array(n);
  for (let i = 0; i < data.length; i++) text[i] = data[i] + 1;
  const sorted = new Int32Array(n);
  sais(text, sorted, n, 257);
  return sorted;
}
function suffixTypes(text, n) {
  const types = new Uint8Array(n);
  types[n - 1] = 1;
  for (let i = n - 2; i >= 0; i--) {
    types[i] = text[i] < text[i + 1] || text[i] === text[i + 1] && types[i + 1] === 1 ? 1 : 0;
  }
  return types;
}
function characterCounts(text, n, alphabet) {
  const counts = new Int32Array(alphabet);
  for (let i = 0; i < n; i++) counts[text[i]]++;
  return counts;
}
function bucketBounds(counts, bounds, ends) {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    sum += counts[c];
    bounds[c] = ends ? sum : sum - counts[c];
  }
  return bounds;
}
function induce(text, sorted, types, n, counts, bounds) {
  const heads = bucketBounds(counts, bounds, false);
  for (let i = 0; i < n; i++) {
    const j = sorted[i] - 1;
    if (j >= 0 && types[j] === 0) sorted[heads[text[j]]++] = j;
  }
  const tails = bucketBounds(counts, bounds, true);
  for (let i = n - 1; i >= 0; i--) {
    const j = sorted[i] - 1;
    if (j >= 0 && types[j] === 1) sorted[--tails[text[j]]] = j;
  }
}
var isLms = (types, i) => i > 0 && types[i] === 1 && types[i - 1] === 0;
function sameLmsSubstring(text, types, a, b) {
  for (let d = 0; ; d++) {
    if (text[a + d] !== text[b + d] || types[a + d] !== types[b + d]) return false;
    if (d > 0 && (isLms(types, a + d) || isLms(types, b + d))) return true;
  }
}
function nameLmsSubstrings(text, sorted, types, n, lmsCount) {
  sorted.fill(-1, lmsCount, n);
  let names = 0;
  let previous = -1;
  for (let i = 0; i < lmsCount; i++) {
    const position = sorted[i];
    if (previous < 0 || !sameLmsSubstring(text, types, position, previous)) {
      names++;
      previous = position;
    }
    sorted[lmsCount + (position >> 1)] = names - 1;
  }
  for (let i = n - 1, j = n - 1; i >= lmsCount; i--) {
    if (sorted[i] >= 0) sorted[j--] = sorted[i];
  }
  return names;
}
function sais(text, sorted, n, alphabet) {
  const types = suffixTypes(text, n);
  const counts = characterCounts(text, n, alphabet);
  const bounds = new Int32Array(alphabet);
  let tails = bucketBounds(counts, bounds, true);
  sorted.fill(-1, 0, n);
  for (let i = 1; i < n; i++) if (isLms(types, i)) sorted[--tails[text[i]]] = i;
  induce(text, sorted, types, n, counts, bounds);
  let lmsCount = 0;
  for (let i = 0; i < n; i++) if (isLms(types, sorted[i])) sorted[lmsCount++] = sorted[i];
  const names = nameLmsSubstrings(text, sorted, types, n, lmsCount);
  const reduced = sorted.subarray(n - lmsCount, n);
  const reducedSorted = sorted.subarray(0, lmsCount);
  if (names < lmsCount) sais(reduced, reducedSorted, lmsCount, names);
  else for (let i = 0; i < lmsCount; i++) reducedSorted[reduced[i]] = i;
  for (let i = 1, j = 0; i < n; i++) if (isLms(types, i)) reduced[j++] = i;
  for (let i = 0; i < lmsCount; i++) reducedSorted[i] = reduced[reducedSorted[i]];
  sorted.fill(-1, lmsCount, n);
  tails = bucketBounds(counts, bounds, true);
  for (let i = lmsCount - 1; i >= 0; i--) {
    const position = sorted[i];
    sorted[i] = -1;
    sorted[--tails[text[position]]] = position;
  }
  induce(text, sorted, types, n, counts, bounds);
}

// src/release/delta/bsdiff.ts
function matchLength(base, basePos, target2, targetPos) {
  const limit = Math.min(base.length - basePos, target2.length - targetPos);
  let i = 0;
  while (i < limit && base[basePos + i] === target2[targetPos + i]) i++;
  return i;
}
function compareSuffix(base, basePos, target2, targetPos) {
  const limit = Math.min(base.length - basePos, target2.length - targetPos);
  for (let i = 0; i < limit; i++) {
    const difference = base[basePos + i] - target2[targetPos + i];
    if (difference !== 0) return difference;
  }
  return 0;
}
var MatchFinder = class {
  constructor(base, target2) {
    this.base = base;
    this.target = target2;
    this.sorted = suffixArray(base);
  }
  base;
  target;
  sorted;
  position = 0;
  // The longest match of target[targetPos..] in the base (its start in `position`).
  longest(targetPos) {
    const { sorted, base, target: target2 } = this;
    let begin = 0;
    let end = base.length;
    while (end - begin >= 2) {
      const middle = begin + (end - begin >> 1);
      if (compareSuffix(base, sorted[middle], target2, targetPos) < 0) begin = middle;
      else end = middle;
    }
    const atBegin = matchLength(base, sorted[begin], target2, targetPos);
    const atEnd = matchLength(base, sorted[end], target2, targetPos);
    this.position = atBegin > atEnd ? sorted[begin] : sorted[end];
    return Math.max(atBegin, atEnd);
  }
};
function bsdiffChunks(base, target2) {
  const finder = new MatchFinder(base, target2);
  const chunks = [];
  const last = { scan: 0, position: 0, offset: 0 };
  let scan = 0;
  let length = 0;
  while (scan < target2.length) {
    let oldScore = 0;
    scan += length;
    for (let scoredTo = scan; scan < target2.length; scan++) {
      length = finder.longest(scan);
      for (; scoredTo < scan + length; scoredTo++) {
        if (scoredTo + last.offset < base.length && base[scoredTo + last.offset] === target2[scoredTo]) oldScore++;
      }
      if (length === oldScore && length !== 0 || length > oldScore + 8) break;
      if (scan + last.offset < base.length && base[scan + last.offset] === target2[scan]) oldScore--;
    }
    if (length !== oldScore || scan === target2.length) {
      chunks.push(closeChunk(base, target2, scan, finder.position, last));
    }
  }
  return chunks;
}
function closeChunk(base, target2, scan, position, last) {
  let forward = 0;
  for (let i = 0, score = 0, best = 0; last.scan + i < scan && last.position + i < base.length; ) {
    if (base[last.position + i] === target2[last.scan + i]) score++;
    i++;
    if (score * 2 - i > best * 2 - forward) {
      best = score;
      forward = i;
    }
  }
  let backward = 0;
  if (scan < target2.length) {
    for (let i = 1, score = 0, best = 0; scan >= last.scan + i && position >= i; i++) {
      if (base[position - i] === target2[scan - i]) score++;
      if (score * 2 - i > best * 2 - backward) {
        best = score;
        backward = i;
      }
    }
  }
  const overlap = last.scan + forward - (scan - backward);
  if (overlap > 0) {
    let split = 0;
    for (let i = 0, score = 0, best = 0; i < overlap; i++) {
      if (target2[last.scan + forward - overlap + i] === base[last.position + forward - overlap + i]) score++;
      if (target2[scan - backward + i] === base[position - backward + i]) score--;
      if (score > best) {
        best = score;
        split = i + 1;
      }
    }
    forward += split - overlap;
    backward -= split;
  }
  const chunk = {
    diffStart: last.scan,
    diffLength: forward,
    basePosition: last.position,
    extraLength: scan - backward - (last.scan + forward),
    adjustment: position - backward - (last.position + forward)
  };
  last.scan = scan - backward;
  last.position = position - backward;
  last.offset = position - scan;
  return chunk;
}

// src/release/delta/heatshrink.ts
var LITERAL_BITS = 9;
var BitWriter = class {
  bytes;
  length = 0;
  pending = 0;
  pendingBits = 0;
  constructor(expectedBytes) {
    this.bytes = new Uint8Array(Math.max(16, expectedBytes));
  }
  write(value, bits) {
    for (let bit = bits - 1; bit >= 0; bit--) {
      this.pending = this.pending << 1 | value >>> bit & 1;
      if (++this.pendingBits === 8) this.pushByte();
    }
  }
  // The last byte is padded with zero bits, which a decoder reads as an unfinished back-reference.
  finish() {
    if (this.pendingBits > 0) {
      this.pending <<= 8 - this.pendingBits;
      this.pushByte();
    }
    return this.bytes.slice(0, this.length);
  }
  pushByte() {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = this.pending & 255;
    this.pending = 0;
    this.pendingBits = 0;
  }
};
var MAX_RUN = 65535;
function byteRuns(input) {
  const runs = new Uint16Array(input.length);
  for (let i = input.length - 1; i >= 0; i--) {
    runs[i] = i + 1 < input.length && input[i + 1] === input[i] ? Math.min(MAX_RUN, runs[i + 1] + 1) : 1;
  }
  return runs;
}
function matchLength2(input, runs, a, b, limit) {
  let length = 0;
  while (length < limit && input[a + length] === input[b + length]) {
    const runA = runs[a + length];
    const runB = runs[b + length];
    length += Math.min(runA, runB);
    if (runA !== runB) break;
  }
  return Math.min(length, limit);
}
function findMatches(input, window, maxLength) {
  const n = input.length;
  const lengths = new Uint16Array(n);
  const distances = new Uint16Array(n);
  const head = new Int32Array(1 << 16).fill(-1);
  const ring = 2 * window - 1;
  const previous = new Int32Array(ring + 1);
  const unlike = new Int32Array(ring + 1);
  const runs = byteRuns(input);
  for (let i = 0; i + 1 < n; i++) {
    const limit = Math.min(maxLength, n - i);
    let bestLength = i > 0 ? Math.max(0, lengths[i - 1] - 1) : 0;
    let bestDistance = i > 0 ? distances[i - 1] : 0;
    if (bestLength > 0) {
      while (bestLength < limit && input[i - bestDistance + bestLength] === input[i + bestLength]) bestLength++;
    }
    const key = input[i] << 8 | input[i + 1];
    const skipByte = i > 0 && lengths[i - 1] < maxLength ? input[i - 1] : -1;
    for (let candidate = head[key]; candidate >= 0 && i - candidate <= window && bestLength < limit; ) {
      if (candidate > 0 && input[candidate - 1] === skipByte) {
        candidate = unlike[candidate & ring];
        continue;
      }
      if (input[candidate + bestLength] === input[i + bestLength]) {
        const length = matchLength2(input, runs, candidate, i, limit);
        if (length > bestLength) {
          bestLength = length;
          bestDistance = i - candidate;
        }
      }
      candidate = previous[candidate & ring];
    }
    const next = head[key];
    previous[i & ring] = next;
    const same = next > 0 && i - next <= window && input[next - 1] === input[i - 1];
    unlike[i & ring] = same ? unlike[next & ring] : next;
    head[key] = i;
    lengths[i] = bestLength;
    distances[i] = bestDistance;
  }
  return { lengths, distances };
}
function parse(lengths, referenceBits) {
  const n = lengths.length;
  const cost = new Int32Array(n + 1);
  const choice = new Uint16Array(n);
  const queue = new Int32Array(n + 1);
  let front = n + 1;
  let back = n + 1;
  for (let i = n - 1; i >= 0; i--) {
    const entering = i + 2;
    if (entering <= n) {
      while (front < back && cost[queue[front]] >= cost[entering]) front++;
      queue[--front] = entering;
    }
    while (front < back && queue[back - 1] > i + lengths[i]) back--;
    cost[i] = cost[i + 1] + LITERAL_BITS;
    choice[i] = 0;
    if (front < back && lengths[i] >= 2) {
      const target2 = queue[back - 1];
      if (cost[target2] + referenceBits < cost[i]) {
        cost[i] = cost[target2] + referenceBits;
        choice[i] = target2 - i;
      }
    }
  }
  return choice;
}
function heatshrinkCompress(input, windowBits, lookaheadBits) {
  checkHeatshrinkParameters(windowBits, lookaheadBits);
  const { lengths, distances } = findMatches(input, 1 << windowBits, 1 << lookaheadBits);
  const choice = parse(lengths, 1 + windowBits + lookaheadBits);
  const writer = new BitWriter(input.length >> 2);
  for (let i = 0; i < input.length; ) {
    if (choice[i] === 0) {
      writer.write(256 | input[i], LITERAL_BITS);
      i++;
    } else {
      writer.write(0, 1);
      writer.write(distances[i] - 1, windowBits);
      writer.write(choice[i] - 1, lookaheadBits);
      i += choice[i];
    }
  }
  return writer.finish();
}

// src/release/delta/encode.ts
var ByteBuilder = class {
  bytes;
  length = 0;
  constructor(capacity) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }
  push(values) {
    this.reserve(values.length);
    this.bytes.set(values, this.length);
    this.length += values.length;
  }
  reserve(count) {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
  // Appends target - base byte by byte (mod 256).
  pushDifference(target2, targetStart, base, baseStart, count) {
    this.reserve(count);
    for (let i = 0; i < count; i++) this.bytes[this.length + i] = target2[targetStart + i] - base[baseStart + i];
    this.length += count;
  }
  result() {
    return this.bytes.subarray(0, this.length);
  }
};
function sequentialBody(base, target2) {
  const body = new ByteBuilder(target2.length + 1024);
  body.push(packSize(0));
  for (const chunk of bsdiffChunks(base, target2)) {
    body.push(packSize(chunk.diffLength));
    body.pushDifference(target2, chunk.diffStart, base, chunk.basePosition, chunk.diffLength);
    const extraStart = chunk.diffStart + chunk.diffLength;
    body.push(packSize(chunk.extraLength));
    body.push(target2.subarray(extraStart, extraStart + chunk.extraLength));
    body.push(packSize(chunk.adjustment));
  }
  return body.result();
}
function createPatch(base, target2, options = {}) {
  const windowBits = options.windowBits ?? DEFAULT_WINDOW_BITS;
  const lookaheadBits = options.lookaheadBits ?? DEFAULT_LOOKAHEAD_BITS;
  const heatshrinkHeader = heatshrinkHeaderByte(windowBits, lookaheadBits);
  if (base.length > MAX_SIZE || target2.length > MAX_SIZE) {
    throw new DeltaFormatError(`images over ${MAX_SIZE} bytes do not fit a patch`);
  }
  const header = [PATCH_HEADER_SEQUENTIAL_HEATSHRINK, ...packSize(target2.length)];
  if (target2.length === 0) return Uint8Array.from(header);
  const compressed = heatshrinkCompress(sequentialBody(base, target2), windowBits, lookaheadBits);
  const patch = new Uint8Array(header.length + 1 + compressed.length);
  patch.set(header);
  patch[header.length] = heatshrinkHeader;
  patch.set(compressed, header.length + 1);
  return patch;
}

// src/release/patches.ts
var MAX_PATCHED_IMAGE_BYTES = 4 * 1024 * 1024;
var rawImage = (bytes) => bytes[0] === 31 && bytes[1] === 139 ? gunzipSync(bytes, { maxOutputLength: MAX_PATCHED_IMAGE_BYTES + 1 }) : bytes;
function baseImage(bytes) {
  if (bytes.length > MAX_PATCHED_IMAGE_BYTES) return `it is over ${MAX_PATCHED_IMAGE_BYTES} bytes`;
  let raw;
  try {
    raw = rawImage(bytes);
  } catch (error) {
    return `it cannot be inflated (${error.message})`;
  }
  if (raw.length === 0 || raw.length > MAX_PATCHED_IMAGE_BYTES)
    return `its raw image is ${raw.length} bytes, not 1 to ${MAX_PATCHED_IMAGE_BYTES}`;
  if (raw[0] !== 233) return "it is not an ESP image";
  return normalizedBase(raw);
}
async function baseImages(session, release, count) {
  const folder = releaseFolder(release.board, release.channel);
  return (await session.list(folder)).map((path) => ({ version: versionOfImageFile(path.slice(folder.length + 1)), path })).filter(
    (entry) => entry.version !== void 0 && isValidVersion(entry.version) && compareVersions(entry.version, release.version) < 0
  ).sort((a, b) => compareVersions(b.version, a.version)).slice(0, count);
}
async function patchableImage(release) {
  if (release.size > MAX_PATCHED_IMAGE_BYTES) return void 0;
  try {
    const raw = rawImage(await readFile5(release.imageFile));
    return raw.length > MAX_PATCHED_IMAGE_BYTES ? void 0 : raw;
  } catch (error) {
    if (error instanceof RangeError) return void 0;
    throw error;
  }
}
var signPatchManifest = (fields, keys) => signBody(serializePatchBody(fields), keys, (bytes, publicKey) => openPatchManifest(bytes, [publicKey]));
async function publishPatch(session, release, result, base, policy, scratch) {
  const folder = releaseFolder(release.board, release.channel);
  const baseBytes = baseImage(base.bytes);
  if (typeof baseBytes === "string") return `the base image on the mirror is unusable: ${baseBytes}`;
  const patch = createPatch(baseBytes, result);
  if (patch.length >= release.size) return `the patch (${patch.length} bytes) is not smaller than the image`;
  const fields = {
    version: release.version,
    board: release.board,
    channel: release.channel,
    file: patchFileName(release.file, base.version),
    size: patch.length,
    sha256: sha256Hex(patch),
    ...policy.expires === void 0 ? {} : { expires: policy.expires },
    baseVersion: base.version,
    baseSize: baseBytes.length,
    baseSha256: sha256Hex(baseBytes),
    resultSize: result.length,
    resultSha256: sha256Hex(result)
  };
  const text = signPatchManifest(fields, policy.keys);
  if (text.length > MAX_MANIFEST_BYTES) return `its manifest would be ${text.length} bytes, over ${MAX_MANIFEST_BYTES}`;
  const patchPath = `${folder}/${fields.file}`;
  const localPatch = join4(scratch, fields.file);
  await writeFile3(localPatch, patch);
  const state = await session.compareImage(patchPath, localPatch, fields.sha256);
  if (state === "different") return `${patchPath} already exists with other bytes`;
  if (state === "missing") await session.writeImage(patchPath, localPatch, fields.sha256);
  const manifestPath2 = `${folder}/${patchManifestFileName(release.file, base.version)}`;
  await session.writeManifest(manifestPath2, text, await session.read(manifestPath2));
  return {
    board: release.board,
    channel: release.channel,
    version: release.version,
    baseVersion: base.version,
    manifest: manifestPath2,
    patch: patchPath,
    size: patch.length,
    resultSize: result.length
  };
}
async function publishPatches(session, releases, policy) {
  if (policy.deltaFrom <= 0) return [];
  const published = [];
  const scratch = await mkdtemp(join4(tmpdir(), "static-ota-patch-"));
  const forget = holdTemporary(scratch);
  try {
    for (const release of releases) {
      const bases = await baseImages(session, release, policy.deltaFrom);
      if (bases.length === 0) continue;
      const result = await patchableImage(release);
      if (result === void 0) {
        policy.info(`${release.board}: no patches: images over ${MAX_PATCHED_IMAGE_BYTES} bytes are published whole`);
        continue;
      }
      await session.prefetch?.(bases.map(({ path }) => path));
      for (const { version, path } of bases) {
        const bytes = await session.read(path);
        if (bytes === void 0) continue;
        const outcome = await publishPatch(session, release, result, { version, bytes }, policy, scratch);
        if (typeof outcome === "string") {
          policy.warn(
            `${release.board} (${release.channel}): no patch from ${version} to ${release.version}: ${outcome}`
          );
          continue;
        }
        policy.info(
          `${release.board} (${release.channel}): patch from ${version} to ${release.version}, ${outcome.size} bytes (${(100 * outcome.size / outcome.resultSize).toFixed(1)} % of the image): ${outcome.manifest}`
        );
        published.push(outcome);
      }
    }
  } finally {
    await rm3(scratch, { recursive: true, force: true });
    forget();
  }
  return published;
}

// src/release/run.ts
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
  await ensurePio(options.log, options.platformioVersion);
  const built = [];
  for (const board of environments) {
    const path = await buildEnvironment(options.projectDir, board, version, options.log);
    built.push({ board, path, ...release ? await browserInstall(options, board) : {} });
  }
  return built;
}
function wantsGzip(options, { board, flash, chipFamily }, alreadyGzip) {
  const chip = flash?.chipFamily ?? chipFamily;
  if (chip?.startsWith("ESP32") && (alreadyGzip || options.compress === "gzip")) {
    throw new ReleaseError(
      `${board} is an ${chip}: ESP32's Update does not inflate gzip images, so they cannot be published for it ` + (alreadyGzip ? "(the image is gzip: publish the raw image)" : `(${options.label("compress")} is gzip; use auto or none)`)
    );
  }
  if (alreadyGzip || options.compress === "none") return false;
  if (options.compress === "gzip" || chip === "ESP8266") return true;
  if (chip === void 0) {
    options.log.info(
      `${board}: chip unknown (not reported by PlatformIO, or a prebuilt image without ${options.label("chip-family")}), published uncompressed`
    );
  }
  return false;
}
async function servedImage(options, firmware, folder) {
  const { gzip, size } = await checkImage(firmware.path, options.maxImageBytes, options.label("max-image-size"));
  if (!wantsGzip(options, firmware, gzip)) {
    if (!gzip || !firmware.flash) return { imageFile: firmware.path };
    const rawImage2 = join5(await folder(), `${firmware.board}.bin`);
    await gunzipImage(firmware.path, rawImage2);
    return { imageFile: firmware.path, rawImage: rawImage2 };
  }
  const target2 = join5(await folder(), `${firmware.board}.bin.gz`);
  const started = Date.now();
  await gzipImage(firmware.path, target2);
  const { size: compressed } = await stat5(target2);
  if (compressed >= size) {
    options.log.info(`${firmware.board}: gzip ${size} -> ${compressed} bytes is not smaller: published uncompressed`);
    return { imageFile: firmware.path };
  }
  options.log.info(
    `${firmware.board}: gzip ${size} -> ${compressed} bytes (${(100 * compressed / size).toFixed(1)} %) in ${Date.now() - started} ms; eboot inflates it on the device`
  );
  return { imageFile: target2, rawImage: firmware.path };
}
async function browserInstall(options, board) {
  try {
    return await readFlashLayout(options.projectDir, board, options.log);
  } catch (error) {
    options.log.warning(`${board}: no browser install on the release page: ${error.message}`);
    return { noInstall: "PlatformIO did not report its flash layout (the release log says why)" };
  }
}
async function previewLockouts(options, built) {
  const keys = lockoutKeys(options.nextReleaseKeys, options.signingKeys);
  if (keys.length === 0) return [];
  const lockouts = [];
  for (const { board, path } of built) {
    const lockout = await checkImage(path, options.maxImageBytes, options.label("max-image-size")).then(
      ({ gzip }) => findLockout(
        { imageFile: path, board, version: CI_BUILD_VERSION },
        gzip,
        keys,
        options.requiredSignatures,
        options.label
      ),
      (error) => error.message
    );
    if (lockout === void 0) continue;
    options.log.warning(`${lockout} A release of this build would be refused.`);
    lockouts.push(lockout);
  }
  return lockouts;
}
var checkBoards = (boards) => boards.map((board) => checkBoard(board, "board"));
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
  options.log.info(
    `releasing ${version} on channel ${channel}` + (channel === STABLE_CHANNEL ? "" : ` (devices that call setChannel("${channel}"))`)
  );
  if (options.signingKeys.length === 0) throw new ReleaseError("signing-key is required to publish a release");
  const built = options.build ? await buildAll(options, version, true) : options.firmware;
  if (built.length === 0) throw new ReleaseError("no firmware to publish: set build to true or give firmware paths");
  let compressed;
  let forget = () => void 0;
  const compressedFolder = async () => {
    if (compressed === void 0) {
      compressed = await mkdtemp2(join5(tmpdir2(), "static-ota-gzip-"));
      forget = holdTemporary(compressed);
    }
    return compressed;
  };
  try {
    return await signAndPublish(options, { tag, version, channel }, built, compressedFolder);
  } finally {
    if (compressed) await rm4(compressed, { recursive: true, force: true });
    forget();
  }
}
var phase = (options, title, work) => options.log.group ? options.log.group(title, work) : work();
async function signAndPublish(options, { tag, version, channel }, built, compressedFolder) {
  const policy = signingPolicy(options);
  const { signed, attestations } = await phase(
    options,
    `sign ${version} (${channel})`,
    () => signAll(options, policy, { version, channel }, built, compressedFolder)
  );
  const lockouts = signed.flatMap((release) => release.lockout === void 0 ? [] : [release.lockout]);
  for (const lockout of lockouts)
    options.log.warning(`${options.label("allow-lockout")} is set, publishing anyway: ${lockout}`);
  const target2 = await createTarget(options.target, options.log);
  const { manifests, page, patches } = await phase(
    options,
    `publish to ${target2.description}`,
    () => publishAll(options, policy, signed, target2)
  );
  const result = {
    version,
    channel,
    built,
    manifests,
    pageUrl: target2.publicUrl?.(page),
    lockouts,
    patches,
    ...options.attest ? { attestations } : {}
  };
  if (options.releaseAssets) {
    await phase(
      options,
      "release assets",
      () => attachAssets(options, { tag, version, target: target2.description }, signed, result)
    );
  }
  return result;
}
function signingPolicy(options) {
  return {
    keys: options.signingKeys,
    nextReleaseKeys: options.nextReleaseKeys,
    allowLockout: options.allowLockout,
    maxImageBytes: options.maxImageBytes,
    expires: options.expiresInSeconds === void 0 ? void 0 : Math.floor(Date.now() / 1e3) + options.expiresInSeconds,
    rollout: options.rollout,
    requiredSignatures: options.requiredSignatures,
    label: options.label
  };
}
async function signAll(options, policy, { version, channel }, built, compressedFolder) {
  const staged = new Set(options.signingKeys.map((key) => key.keyId)).size < (options.requiredSignatures ?? 1);
  const signed = [];
  const attestations = [];
  for (const firmware of built) {
    const { board, flash, noInstall } = firmware;
    const file = imageFileName(version);
    const served = await servedImage(options, firmware, compressedFolder);
    let extra;
    if (options.attest) {
      const id = await attestImage({ board, file, sha256: (await hashFile(served.imageFile)).sha256 }, options.attest);
      options.log.info(`attested ${board}/${file}: attestation ${id}`);
      attestations.push({ board, file, id, verify: verifyCommand(file, options.attest.repository) });
      extra = [[ATTESTATION_FIELD, id]];
    }
    const release = await signRelease({ ...served, board, version, channel, file, flash, noInstall, extra }, policy);
    signed.push({ ...release, staged });
  }
  return { signed, attestations };
}
async function publishAll(options, policy, signed, target2) {
  let patches = [];
  const published = await publishReleases(target2, signed, {
    force: options.force,
    keepVersions: options.keepVersions,
    companions: (session) => channelCompanions(session, signed, policy, options.followStable ?? true),
    republish: (release, previous) => carryForward(release, previous, policy),
    trustedKeys: lockoutKeys(options.nextReleaseKeys, options.signingKeys),
    warn: options.log.warning,
    label: options.label,
    patches: async (session, releases) => {
      patches = await publishPatches(session, releases, {
        deltaFrom: options.deltaFrom ?? 0,
        keys: options.signingKeys,
        expires: policy.expires,
        info: (message) => options.log.info(message),
        warn: (message) => options.log.warning(message)
      });
    }
  });
  const staged = signed.some((release) => release.staged);
  const where = target2.description;
  for (const manifest of published.manifests) {
    const what = `${manifest.version} for ${manifest.board} (${manifest.channel})`;
    if (manifest.supersededBy !== void 0) {
      options.log.warning(
        `${manifest.image} was added, but a concurrent run published ${manifest.supersededBy} meanwhile, so ${manifest.manifest} keeps offering ${manifest.supersededBy}`
      );
    } else if (staged) {
      options.log.info(
        `staged ${what} in ${where}: ${manifest.manifest}, signed by ${options.signingKeys.length} of the ${options.requiredSignatures} keys devices require; devices keep the current release until \`static-ota cosign\` adds the rest`
      );
    } else if (manifest.finished) {
      options.log.info(
        `finished publishing ${what} to ${where}: ${manifest.manifest} already offered this image; the rest (release page) is now done`
      );
    } else {
      options.log.info(`published ${what} to ${where}: ${manifest.manifest}`);
    }
  }
  return { ...published, patches };
}
async function attachAssets(options, { tag, version, target: target2 }, signed, published) {
  const releaseAssets = options.releaseAssets;
  try {
    const { attachSignedReleases } = await import("./release-assets-IMJLVAHR.js");
    await attachSignedReleases({ ...releaseAssets, tag, prerelease: isPrerelease(version) }, signed);
  } catch (error) {
    throw new ReleaseError(
      `the mirror is published (${target2}), but attaching the release assets failed: ${error.message}. To attach them, re-run with build: false, force: true and the published images as firmware (identical images are kept).`,
      published
    );
  }
}

// src/settings/declarations.ts
var PUBLIC_KEY_FORMS = "64 hex characters (as keygen prints it) or the PEM text";
var aSwitch = (input, help) => ({ input, help, parse: parseBoolean });
var SETTINGS = {
  version: {
    input: "version",
    metavar: "<semver>",
    help: "the version, e.g. 1.4.2 or v1.5.0-beta.2",
    parse: parseVersion
  },
  channel: {
    input: "channel",
    metavar: "<name>",
    help: "channel to publish to (default: stable; a pre-release goes to the letters its first identifier starts with: 1.5.0-beta.2 to beta, 1.2.0-rc1 to rc; required for one like 1.2.0-20261207)",
    parse: parseChannel
  },
  trustedKeys: {
    input: "trusted-keys",
    flag: "trusted-key",
    metavar: "<key>",
    repeatable: true,
    help: `a public key devices trust, as ${PUBLIC_KEY_FORMS}; repeatable`,
    parse: parsePublicKey
  },
  requiredSignatures: {
    input: "required-signatures",
    metavar: "<k>",
    help: "signatures devices require from distinct trusted keys (k of n)",
    parse: parseRequiredSignatures
  },
  allowLockout: aSwitch(
    "allow-lockout",
    "publish even when the image contains none of the trusted keys (devices running it could never update again)"
  ),
  expiresIn: {
    input: "expires-in",
    metavar: "<duration>",
    help: "write expires= this long after now, e.g. 30d, 12h, 3600s",
    parse: parseDuration
  },
  rollout: {
    input: "rollout",
    metavar: "<percent>",
    help: "staged rollout: offer the release to this percentage of devices (0-100; default all)",
    parse: parseRolloutPercent
  },
  force: aSwitch("force", "re-publish a version equal to the one in the mirror (a lower one is always refused)"),
  followStable: aSwitch(
    "follow-stable",
    "a stable release is also offered on the board's other channels that offer a lower version"
  ),
  maxImageSize: {
    input: "max-image-size",
    metavar: "<bytes>",
    help: "largest image accepted, in bytes (a gzip image: compressed and inflated)",
    parse: parsePositiveInteger
  },
  compress: {
    input: "compress",
    metavar: "<mode>",
    help: "gzip: serve the image gzip-compressed with encoding=gzip (ESP8266 only: its boot loader inflates it); auto: gzip for the ESP8266; none: as it is (an image already gzip is served as it is)",
    parse: parseCompressMode
  },
  keepVersions: {
    input: "keep-versions",
    metavar: "<n>",
    help: "keep only the newest N images per board and channel (default: keep all)",
    parse: parsePositiveInteger
  },
  chipFamily: {
    input: "chip-family",
    metavar: "<family>",
    help: "the chip of a prebuilt image (ESP8266, ESP32, ESP32-S3, ...; any case): ESP8266 images get gzip and the release page's install button; ESP32 images are never gzip, and their install needs the bootloader and partitions of the action's build",
    parse: parseChipFamily
  },
  deltaFrom: {
    input: "delta-from",
    metavar: "<n>",
    help: "also publish a delta patch to the image from each of the N newest earlier versions the mirror holds (0: none)",
    parse: parseDeltaFrom
  },
  platformioVersion: {
    input: "platformio-version",
    metavar: "<version>",
    help: "the PlatformIO version pip installs when pio is missing",
    parse: parsePlatformioVersion
  }
};
var FLAGS = new Map(
  Object.values(SETTINGS).map((setting) => [setting.input, setting.flag ?? setting.input])
);
var flagLabel = (input) => `--${FLAGS.get(input) ?? input}`;

// src/settings/target.ts
var PAGES_HISTORIES = ["keep", "squash"];
var TARGET_KINDS = ["directory", "github-pages", "s3"];
var TARGET_SETTINGS = {
  directory: { kind: "directory", metavar: "<dir>", help: "the mirror directory (required with the directory target)" },
  "pages-branch": {
    kind: "github-pages",
    metavar: "<branch>",
    help: "github-pages: branch; the remote is GITHUB_SERVER_URL/GITHUB_REPOSITORY.git, the token GITHUB_TOKEN"
  },
  "pages-folder": {
    kind: "github-pages",
    metavar: "<folder>",
    help: "github-pages: sub-folder of the branch that is the mirror root"
  },
  "pages-history": {
    kind: "github-pages",
    metavar: "<history>",
    help: "github-pages: keep (a commit per publish) or squash (one commit, pushed with --force-with-lease)"
  },
  "s3-bucket": {
    kind: "s3",
    metavar: "<bucket>",
    help: "s3: bucket; credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN"
  },
  "s3-prefix": { kind: "s3", metavar: "<prefix>", help: "s3: key prefix (the mirror root)" },
  "s3-region": { kind: "s3", metavar: "<region>", help: "s3: region (R2 uses auto)" },
  "s3-endpoint": { kind: "s3", metavar: "<url>", help: "s3: endpoint URL for S3-compatible services" },
  "s3-force-path-style": { kind: "s3", help: "s3: path-style addressing (MinIO and most self-hosted servers)" },
  "s3-acl": { kind: "s3", metavar: "<acl>", help: "s3: canned ACL for uploads, e.g. public-read" }
};
var TARGET_SETTING_NAMES = ["target", ...Object.keys(TARGET_SETTINGS)];
function parsePagesFolder(folder, label) {
  const segments = folder.split("/").filter((segment) => segment !== "");
  for (const segment of segments) {
    if (segment === "." || segment === ".." || segment === ".git" || segment.includes("\\")) {
      throw new InputError(
        `${label("pages-folder")} ${JSON.stringify(folder)} must be a plain relative folder, like ota or firmware/ota`
      );
    }
  }
  return segments.join("/");
}
function checkPagesBranch(branch, label) {
  if (!branch || branch.startsWith("-"))
    throw new InputError(`${label("pages-branch")} ${JSON.stringify(branch)} is not a branch name`);
  return branch;
}
var S3_ACLS = [
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control"
];
function checkS3Settings(config, label) {
  if (!config.bucket) throw new InputError(`the s3 target needs ${label("s3-bucket")}`);
  if (config.acl && !S3_ACLS.includes(config.acl)) {
    throw new InputError(
      `${label("s3-acl")} ${JSON.stringify(config.acl)} is not a canned ACL; expected one of ${S3_ACLS.join(", ")}`
    );
  }
}
function s3Credentials(value, env, label) {
  const pair = [label("s3-access-key-id"), label("s3-secret-access-key")];
  const accessKeyId = value("s3-access-key-id");
  const secretAccessKey = value("s3-secret-access-key");
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey))
    throw new InputError(`give both ${pair.join(" and ")}, or neither (then AWS_* environment variables are used)`);
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, sessionToken: value("s3-session-token") };
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    const ways = [.../* @__PURE__ */ new Set([pair.join(" and "), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"])].join(", or ");
    throw new InputError(
      `the s3 target has no credentials: set ${ways} (for example through aws-actions/configure-aws-credentials); AWS profiles, instance roles and web-identity files are not read`
    );
  }
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN || void 0
  };
}
function parseS3Endpoint(endpoint, label) {
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(`${label("s3-endpoint")} ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new InputError(`${label("s3-endpoint")} ${url.href} is not http or https`);
  return url;
}
function readTargetConfig(setting, env, label = inputLabel) {
  const value = (name) => setting(name) || void 0;
  const kind = value("target") ?? "";
  if (!TARGET_KINDS.includes(kind)) {
    throw new InputError(`${label("target")} must be one of ${TARGET_KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
  }
  switch (kind) {
    case "directory":
      return { kind: "directory", directory: value("directory") ?? "" };
    case "github-pages": {
      const repository = env.GITHUB_REPOSITORY;
      if (!repository)
        throw new InputError(`${label("target")} github-pages needs GITHUB_REPOSITORY (set by GitHub Actions)`);
      const history = value("pages-history") ?? "";
      if (!PAGES_HISTORIES.includes(history)) {
        throw new InputError(
          `${label("pages-history")} must be one of ${PAGES_HISTORIES.join(", ")}, got ${JSON.stringify(history)}`
        );
      }
      return {
        kind: "github-pages",
        pages: {
          branch: checkPagesBranch(value("pages-branch") ?? "", label),
          folder: parsePagesFolder(value("pages-folder") ?? "", label),
          token: value("token"),
          remoteUrl: `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${repository}.git`,
          history
        }
      };
    }
    case "s3": {
      const endpoint = value("s3-endpoint");
      const settings = {
        bucket: value("s3-bucket") ?? "",
        prefix: value("s3-prefix") ?? "",
        region: value("s3-region") ?? "",
        endpoint: endpoint === void 0 ? void 0 : parseS3Endpoint(endpoint, label),
        forcePathStyle: parseBoolean(value("s3-force-path-style"), label("s3-force-path-style")),
        acl: value("s3-acl")
      };
      checkS3Settings(settings, label);
      return { kind: "s3", s3: { ...settings, ...s3Credentials(value, env, label) } };
    }
  }
}

export {
  InputError,
  inputLabel,
  parseVersion,
  parseChannel,
  channelFor,
  compareVersions,
  prebuiltImage,
  writeSite,
  createTarget,
  parsePublicKey,
  generateKey,
  publicKeyAsCArray,
  checkSigningKeys,
  signManifest,
  parseSigningKeys,
  parseDuration,
  splitList,
  parseRolloutPercent,
  checkBoard,
  ReleaseError,
  runRelease,
  SETTINGS,
  flagLabel,
  TARGET_KINDS,
  TARGET_SETTINGS,
  readTargetConfig
};
