import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError,
  ReleaseError,
  parseCompressMode,
  parseDuration,
  parsePositiveInteger,
  parsePublicKey,
  parseRequiredSignatures,
  parseRolloutPercent,
  parseSigningKeys,
  readTargetConfig,
  runRelease,
  splitList
} from "./chunk-2VIDGCAZ.js";
import {
  getBooleanInput,
  getInput,
  group,
  info,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunk-RZHG76QV.js";

// src/main.ts
var input = (name) => getInput(name);
var optional = (name) => input(name) || void 0;
var flag = (name) => getBooleanInput(name);
function maskSecret(value) {
  for (const line of value?.split(/\r?\n/) ?? []) {
    if (line.trim()) setSecret(line.trim());
  }
}
function readSigningKeys() {
  const material = input("signing-key");
  maskSecret(material);
  if (!material.trim()) return [];
  const keys = parseSigningKeys(material, "signing-key");
  for (const key of keys) {
    const seed = Buffer.from(key.seed);
    for (const encoding of ["hex", "base64", "base64url"]) setSecret(seed.toString(encoding));
  }
  return keys;
}
function readFirmware(environments) {
  const lines = splitList(input("firmware"));
  if (lines.length === 1 && !lines[0].includes("=")) {
    if (environments.length !== 1) {
      throw new InputError(
        "firmware is a single path: name its board with exactly one entry in environments, or write board=path"
      );
    }
    return [{ board: environments[0], path: lines[0] }];
  }
  return lines.map((line) => {
    const equals = line.indexOf("=");
    if (equals < 1) throw new InputError(`firmware line ${JSON.stringify(line)} is not board=path`);
    return { board: line.slice(0, equals).trim(), path: line.slice(equals + 1).trim() };
  });
}
function readTarget() {
  const token = optional("token");
  const secretAccessKey = optional("s3-secret-access-key");
  const sessionToken = optional("s3-session-token");
  [token, secretAccessKey, sessionToken, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN].forEach(
    maskSecret
  );
  return readTargetConfig(input, process.env);
}
function readOptions() {
  const signingKeys = readSigningKeys();
  const environments = splitList(input("environments"));
  const build = flag("build");
  const expiresIn = optional("expires-in");
  const keepVersions = optional("keep-versions");
  const rollout = optional("rollout");
  return {
    ref: process.env.GITHUB_REF,
    version: optional("version"),
    channel: optional("channel"),
    projectDir: input("project-dir"),
    environments,
    build,
    firmware: build ? [] : readFirmware(environments),
    signingKeys,
    nextReleaseKeys: splitList(input("trusted-keys")).map((key) => parsePublicKey(key, "trusted-keys")),
    allowLockout: flag("allow-lockout"),
    expiresInSeconds: expiresIn === void 0 ? void 0 : parseDuration(expiresIn, "expires-in"),
    force: flag("force"),
    followStable: flag("follow-stable"),
    rollout: rollout === void 0 ? void 0 : parseRolloutPercent(rollout, "rollout"),
    requiredSignatures: parseRequiredSignatures(input("required-signatures"), "required-signatures"),
    maxImageBytes: parsePositiveInteger(input("max-image-size"), "max-image-size"),
    compress: parseCompressMode(input("compress"), "compress"),
    keepVersions: keepVersions === void 0 ? void 0 : parsePositiveInteger(keepVersions, "keep-versions"),
    target: readTarget(),
    releaseAssets: flag("release-assets") ? { token: input("token"), repository: process.env.GITHUB_REPOSITORY ?? "" } : void 0,
    attest: flag("attest") ? { token: input("token"), repository: requireRepository("attest") } : void 0,
    log: { info, warning, group, mask: setSecret }
  };
}
function requireRepository(input2) {
  const repository = process.env.GITHUB_REPOSITORY;
  if (!repository) throw new InputError(`${input2} needs GITHUB_REPOSITORY (set by GitHub Actions)`);
  return repository;
}
function addLockouts(result, outcome) {
  for (const lockout of result.lockouts)
    summary.addRaw(`<p><b>Warning (${outcome}):</b> ${escapeHtml(lockout)}</p>`, true);
}
var escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
async function writeOutputs(result) {
  setOutput("version", result.version ?? "");
  setOutput("channel", result.channel ?? "");
  setOutput(
    "manifests",
    JSON.stringify(result.manifests.map(({ imageWritten: _written, ...manifest }) => manifest))
  );
  if (result.version === void 0) {
    summary.addHeading("static-ota: build only", 3).addList(result.built.map(({ board, path }) => `${board}: ${path}`));
    addLockouts(result, "a release of this build would be refused");
    await summary.write();
    return;
  }
  summary.addHeading(`static-ota ${result.version} (${result.channel})`, 3).addTable([
    [
      { data: "Board", header: true },
      { data: "Version", header: true },
      { data: "Size", header: true },
      { data: "SHA-256", header: true },
      { data: "Manifest", header: true }
    ],
    ...result.manifests.map((manifest) => [
      manifest.board,
      manifest.version,
      String(manifest.size),
      manifest.sha256,
      manifest.manifest
    ])
  ]);
  addLockouts(result, "published anyway: allow-lockout is set");
  if (result.attestations?.length) {
    summary.addHeading("Build provenance", 4).addList(result.attestations.map(({ board, file, id }) => `${board}/${file}: attestation ${id}`)).addCodeBlock(result.attestations.map(({ verify }) => verify).join("\n"), "sh");
  }
  await summary.write();
}
async function run() {
  try {
    await writeOutputs(await runRelease(readOptions()));
  } catch (error) {
    if (error instanceof ReleaseError && error.published) await writeOutputs(error.published);
    setFailed(error instanceof Error ? error.message : String(error));
  }
}

export {
  run
};
