import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError,
  ReleaseError,
  SETTINGS,
  inputLabel,
  parseSigningKeys,
  prebuiltImage,
  readTargetConfig,
  runRelease,
  splitList
} from "./chunk-LNL3EEEH.js";
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
var flag = (name) => getBooleanInput(name);
function setting(declared) {
  const text = input(declared.input);
  return text || declared.metavar === void 0 ? declared.parse(text, declared.input) : void 0;
}
var settings = (declared) => splitList(input(declared.input)).map((text) => declared.parse(text, declared.input));
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
async function readFirmware(environments, chipFamily) {
  const lines = splitList(input("firmware"));
  let images;
  if (lines.length === 1 && !lines[0].includes("=")) {
    if (environments.length !== 1) {
      throw new InputError(
        "firmware is a single path: name its board with exactly one entry in environments, or write board=path"
      );
    }
    images = [{ board: environments[0], path: lines[0] }];
  } else {
    images = lines.map((line) => {
      const equals = line.indexOf("=");
      if (equals < 1) throw new InputError(`firmware line ${JSON.stringify(line)} is not board=path`);
      return { board: line.slice(0, equals).trim(), path: line.slice(equals + 1).trim() };
    });
  }
  return Promise.all(
    images.map(async (image) => ({ ...image, ...await prebuiltImage(image.path, chipFamily, inputLabel) }))
  );
}
function readTarget() {
  const token = input("token") || void 0;
  const secretAccessKey = input("s3-secret-access-key") || void 0;
  const sessionToken = input("s3-session-token") || void 0;
  [token, secretAccessKey, sessionToken, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN].forEach(
    maskSecret
  );
  return readTargetConfig(input, process.env);
}
async function readOptions() {
  const signingKeys = readSigningKeys();
  const environments = splitList(input("environments"));
  const build = flag("build");
  const chipFamily = setting(SETTINGS.chipFamily);
  for (const prebuiltOnly of ["chip-family", "firmware"])
    if (build && input(prebuiltOnly))
      warning(
        `${prebuiltOnly} is for prebuilt images (build: false); this run builds, and PlatformIO gives the chip`
      );
  return {
    ref: process.env.GITHUB_REF,
    version: input("version") || void 0,
    channel: setting(SETTINGS.channel),
    projectDir: input("project-dir"),
    environments,
    build,
    platformioVersion: setting(SETTINGS.platformioVersion),
    firmware: build ? [] : await readFirmware(environments, chipFamily),
    signingKeys,
    nextReleaseKeys: settings(SETTINGS.trustedKeys),
    allowLockout: setting(SETTINGS.allowLockout),
    expiresInSeconds: setting(SETTINGS.expiresIn),
    force: setting(SETTINGS.force),
    followStable: setting(SETTINGS.followStable),
    rollout: setting(SETTINGS.rollout),
    requiredSignatures: setting(SETTINGS.requiredSignatures),
    maxImageBytes: setting(SETTINGS.maxImageSize),
    compress: setting(SETTINGS.compress) ?? "auto",
    keepVersions: setting(SETTINGS.keepVersions),
    deltaFrom: setting(SETTINGS.deltaFrom),
    target: readTarget(),
    releaseAssets: flag("release-assets") ? { token: input("token"), repository: process.env.GITHUB_REPOSITORY ?? "" } : void 0,
    attest: flag("attest") ? { token: input("token"), repository: requireRepository("attest") } : void 0,
    label: inputLabel,
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
var channelsPublished = (result) => [
  ...new Set(result.manifests.filter((manifest) => manifest.supersededBy === void 0).map(({ channel }) => channel))
];
async function writeOutputs(result) {
  setOutput("version", result.version ?? "");
  setOutput("channel", result.channel ?? "");
  setOutput(
    "manifests",
    JSON.stringify(result.manifests.map(({ imageWritten: _written, ...manifest }) => manifest))
  );
  setOutput("channels", JSON.stringify(channelsPublished(result)));
  setOutput("page-url", result.pageUrl ?? "");
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
  if (result.pageUrl) summary.addLink("Release page", result.pageUrl);
  addLockouts(result, "published anyway: allow-lockout is set");
  if (result.attestations?.length) {
    summary.addHeading("Build provenance", 4).addList(result.attestations.map(({ board, file, id }) => `${board}/${file}: attestation ${id}`)).addCodeBlock(result.attestations.map(({ verify }) => verify).join("\n"), "sh");
  }
  await summary.write();
}
async function run() {
  try {
    await writeOutputs(await runRelease(await readOptions()));
  } catch (error) {
    if (error instanceof ReleaseError && error.published) await writeOutputs(error.published);
    setFailed(error instanceof Error ? error.message : String(error));
  }
}

export {
  run
};
