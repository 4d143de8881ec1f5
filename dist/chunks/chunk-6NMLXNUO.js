import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError,
  hashFile
} from "./chunk-YNZHJX3V.js";

// src/publish/target.ts
var IMAGE_HEADERS = {
  contentType: "application/octet-stream",
  cacheControl: "public, max-age=31536000, immutable"
};
var MANIFEST_HEADERS = {
  contentType: "text/plain; charset=utf-8",
  cacheControl: "no-cache"
};
var ConflictError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ConflictError";
  }
};
var MAX_CONFLICT_RETRIES = 5;
var sameBytes = (a, b) => a === void 0 || b === void 0 ? a === b : a.equals(b);
async function retryOnConflict(attempt) {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || retry >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}

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
      if (error.code !== void 0 && error.syscall !== void 0)
        error.message = `${this.description}: ${error.message}`;
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
      async folders(folder) {
        const entries = await readdir(full(folder), { withFileTypes: true }).catch(() => []);
        return entries.filter((entry) => entry.isDirectory() && entry.name !== ".git").map((entry) => folder ? `${folder}/${entry.name}` : entry.name);
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
async function createTarget(config, log) {
  switch (config.kind) {
    case "directory":
      return new DirectoryTarget(config.directory);
    case "github-pages":
      return new (await import("./pages-RKTFYTEC.js")).PagesTarget(config.pages, log);
    case "s3":
      return new (await import("./s3-TKTIOA5R.js")).S3Target(config.s3);
  }
}

// src/target-settings.ts
var PAGES_HISTORIES = ["keep", "squash"];
var inputName = (name) => name;
var TARGET_SETTING_KINDS = {
  directory: "directory",
  "pages-branch": "github-pages",
  "pages-folder": "github-pages",
  "pages-history": "github-pages",
  "s3-bucket": "s3",
  "s3-prefix": "s3",
  "s3-region": "s3",
  "s3-endpoint": "s3",
  "s3-force-path-style": "s3",
  "s3-access-key-id": "s3",
  "s3-acl": "s3"
};
var TARGET_SETTING_NAMES = ["target", ...Object.keys(TARGET_SETTING_KINDS)];
function parseBoolean(text, name) {
  if (text === "true" || text === "True" || text === "TRUE") return true;
  if (text === "false" || text === "False" || text === "FALSE") return false;
  throw new InputError(`${name} must be true or false, got ${JSON.stringify(text ?? "")}`);
}
function parsePagesFolder(folder, label = inputName) {
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
function checkPagesBranch(branch, label = inputName) {
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
function checkS3Settings(config, label = inputName) {
  if (!config.bucket) throw new InputError(`the s3 target needs ${label("s3-bucket")}`);
  if (config.acl && !S3_ACLS.includes(config.acl)) {
    throw new InputError(
      `${label("s3-acl")} ${JSON.stringify(config.acl)} is not a canned ACL; expected one of ${S3_ACLS.join(", ")}`
    );
  }
  if (Boolean(config.accessKeyId) !== Boolean(config.secretAccessKey)) {
    throw new InputError(
      `give both ${label("s3-access-key-id")} and ${label("s3-secret-access-key")}, or neither (then AWS_* environment variables are used)`
    );
  }
}
function parseS3Endpoint(endpoint, label = inputName) {
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
function readTargetConfig(setting, env, label = inputName) {
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
      const s3 = {
        bucket: value("s3-bucket") ?? "",
        prefix: value("s3-prefix") ?? "",
        region: value("s3-region") ?? "",
        endpoint: value("s3-endpoint"),
        forcePathStyle: parseBoolean(value("s3-force-path-style"), label("s3-force-path-style")),
        accessKeyId: value("s3-access-key-id"),
        secretAccessKey: value("s3-secret-access-key"),
        sessionToken: value("s3-session-token"),
        acl: value("s3-acl")
      };
      checkS3Settings(s3, label);
      if (s3.endpoint !== void 0) parseS3Endpoint(s3.endpoint, label);
      return { kind: "s3", s3 };
    }
  }
}

export {
  IMAGE_HEADERS,
  MANIFEST_HEADERS,
  ConflictError,
  MAX_CONFLICT_RETRIES,
  sameBytes,
  retryOnConflict,
  TARGET_SETTING_KINDS,
  parsePagesFolder,
  checkPagesBranch,
  checkS3Settings,
  parseS3Endpoint,
  readTargetConfig,
  createTarget
};
