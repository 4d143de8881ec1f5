import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import "./chunk-6DG7BXTN.js";

// src/build.ts
import { execFile, spawn } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
var execFileAsync = promisify(execFile);
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
var BuildError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "BuildError";
  }
};
async function listEnvironments(projectDir) {
  const iniPath = join(projectDir, "platformio.ini");
  const ini = await readFile(iniPath, "utf8").catch(() => {
    throw new BuildError(`${iniPath} not found: set project-dir to the PlatformIO project, or list environments`);
  });
  const environments = [...ini.matchAll(/^\s*\[env:([^\]\s]+)\]\s*$/gm)].map((match) => match[1]);
  if (environments.length === 0) throw new BuildError(`${iniPath} has no [env:...] section`);
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
  log.warning("pio was not found on PATH: installing PlatformIO with pip (add a setup step with a cache to save this time)");
  try {
    await execFileAsync("python3", ["-m", "pip", "install", "--user", "--upgrade", "platformio"], {
      maxBuffer: 64 << 20,
      env: environmentWithoutSecrets()
    });
  } catch (error) {
    throw new BuildError(`pio is missing and installing PlatformIO with pip failed: ${error.message}`);
  }
  process.env.PATH = `${join(homedir(), ".local", "bin")}${delimiter}${process.env.PATH ?? ""}`;
  if (!await hasPio()) throw new BuildError("PlatformIO was installed with pip but pio is still not on PATH");
}
async function buildEnvironment(projectDir, board, version, log) {
  const title = `pio run -e ${board} (version ${version})`;
  const build = () => new Promise((resolve, reject) => {
    const child = spawn("pio", ["run", "-e", board], {
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
  if (code !== 0) throw new BuildError(`pio run -e ${board} failed with exit code ${code}`);
  const image = join(projectDir, ".pio", "build", board, "firmware.bin");
  if (!(await stat(image).catch(() => void 0))?.isFile()) {
    throw new BuildError(`pio run -e ${board} succeeded but ${image} is missing`);
  }
  return image;
}
export {
  BuildError,
  buildEnvironment,
  ensurePio,
  listEnvironments
};
