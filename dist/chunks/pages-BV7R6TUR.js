import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DirectoryTarget,
  readVersionLine
} from "./chunk-7PDNKXP2.js";
import {
  ConflictError,
  retryOnConflict
} from "./chunk-KCXCTA5R.js";
import "./chunk-6DG7BXTN.js";

// src/publish/pages.ts
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var COMMITTER_NAME = "github-actions[bot]";
var COMMITTER_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com";
var GIT_TIMEOUT_MS = 10 * 60 * 1e3;
var GIT_SETTINGS = ["core.autocrlf=false", "core.symlinks=false", "commit.gpgsign=false", `user.name=${COMMITTER_NAME}`, `user.email=${COMMITTER_EMAIL}`];
var PagesError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "PagesError";
  }
};
function withoutCredentials(url) {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}
function normalizeFolder(folder) {
  const segments = folder.split("/").filter((segment) => segment !== "");
  for (const segment of segments) {
    if (segment === "." || segment === ".." || segment === ".git" || segment.includes("\\")) {
      throw new PagesError(`pages-folder ${JSON.stringify(folder)} must be a plain relative folder, like ota or firmware/ota`);
    }
  }
  return segments.join("/");
}
var PagesTarget = class {
  description;
  branch;
  folder;
  remote;
  environment;
  constructor(config) {
    if (!config.remoteUrl || config.remoteUrl.startsWith("-")) throw new PagesError("the github-pages target needs a git remote URL");
    if (!config.branch || config.branch.startsWith("-")) throw new PagesError(`pages-branch ${JSON.stringify(config.branch)} is not a branch name`);
    this.branch = config.branch;
    this.folder = normalizeFolder(config.folder);
    this.remote = config.remoteUrl;
    const remoteForMessages = withoutCredentials(config.remoteUrl);
    this.description = `branch ${this.branch}${this.folder ? `, folder ${this.folder},` : ""} of ${remoteForMessages}`;
    this.environment = { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
    const origin = httpOrigin(config.remoteUrl);
    if (config.token && origin) {
      const basic = Buffer.from(`x-access-token:${config.token}`).toString("base64");
      Object.assign(this.environment, {
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: `http.${origin}/.extraheader`,
        GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`
      });
    }
  }
  transaction(work) {
    return retryOnConflict(() => this.attempt(work));
  }
  /** One clone, one run of `work`, one commit and one push; a lost race throws ConflictError. */
  async attempt(work) {
    const clone = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), "static-ota-pages-"));
    try {
      await this.checkOut(clone);
      const mirror = new DirectoryTarget(join(clone, ...this.folder.split("/")));
      const result = await work(mirror.session());
      await this.git(clone, ["add", "--all", "--", "."]);
      const staged = await this.git(clone, ["diff", "--cached", "--name-only", "-z"]);
      if (staged.stdout === "") return result;
      const changed = staged.stdout.split("\0").filter(Boolean);
      await this.git(clone, ["commit", "--quiet", "--no-verify", "-m", await commitMessage(clone, changed, this.folder)]);
      await this.push(clone);
      return result;
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  }
  /** The branch's newest commit (depth 1), or a new orphan branch holding `.nojekyll`. */
  async checkOut(clone) {
    await this.git(clone, ["check-ref-format", `refs/heads/${this.branch}`], `pages-branch ${JSON.stringify(this.branch)} is not a valid branch name`);
    await this.git(clone, ["init", "--quiet", `--initial-branch=${this.branch}`]);
    await this.git(clone, ["remote", "add", "origin", this.remote]);
    const listed = await this.git(clone, ["ls-remote", "--exit-code", "origin", `refs/heads/${this.branch}`], void 0, [2]);
    if (listed.code === 0) {
      await this.git(clone, ["fetch", "--quiet", "--depth", "1", "--no-tags", "origin", `refs/heads/${this.branch}`]);
      await this.git(clone, ["reset", "--quiet", "--hard", "FETCH_HEAD"]);
    } else {
      await writeFile(join(clone, ".nojekyll"), "");
    }
  }
  async push(clone) {
    const pushed = await this.git(clone, ["push", "--porcelain", "--no-verify", "origin", `HEAD:refs/heads/${this.branch}`], void 0, [1]);
    if (pushed.code === 0) return;
    const refStatus = pushed.stdout.split("\n").find((line) => line.startsWith("!"));
    if (refStatus && LOST_RACE.test(refStatus)) {
      throw new ConflictError(`another publish updated ${this.branch} first (${refStatus.split("	").pop()})`);
    }
    throw new PagesError(`git push to ${this.description} failed: ${explain(pushed, refStatus)}`);
  }
  /** Runs git without a shell; a non-zero exit (other than `allowedCodes`) becomes a PagesError without secrets. */
  git(cwd, args, failure, allowedCodes = []) {
    const settings = GIT_SETTINGS.flatMap((setting) => ["-c", setting]);
    return new Promise((resolvePromise, reject) => {
      execFile(
        "git",
        [...settings, ...args],
        { cwd, env: this.environment, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          const code = error ? typeof error.code === "number" ? error.code : -1 : 0;
          const result = { code, stdout, stderr };
          if (code === 0 || allowedCodes.includes(code)) return resolvePromise(result);
          const reason = error?.killed ? `timed out after ${GIT_TIMEOUT_MS / 1e3} s` : explain(result);
          reject(new PagesError(failure ?? `git ${args[0]} for ${this.description} failed: ${reason}`));
        }
      );
    });
  }
};
var LOST_RACE = /\[rejected\]|\[remote rejected\].*(cannot lock ref|failed to update ref|incorrect old value|reference already exists)/;
function httpOrigin(remote) {
  try {
    const url = new URL(remote);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : void 0;
  } catch {
    return void 0;
  }
}
function explain(result, refStatus) {
  const lines = `${result.stderr}
${refStatus ?? ""}`.split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("hint:"));
  const text = lines.slice(-6).join(" / ") || `exit code ${result.code}`;
  if (/\b403\b|permission to .* denied/i.test(text)) {
    return `${text} (the workflow needs \`permissions: contents: write\` for the token to push)`;
  }
  if (/could not read username|authentication failed|\b401\b/i.test(text)) {
    return `${text} (the server refused the request without valid credentials: check the token input)`;
  }
  return text;
}
async function commitMessage(clone, changed, folder) {
  const prefix = folder ? `${folder}/` : "";
  const published = [];
  for (const path of changed) {
    if (!path.startsWith(prefix) || !path.endsWith("/latest.txt")) continue;
    const [board, channel] = path.slice(prefix.length).split("/").slice(0, -1);
    const bytes = await readFile(join(clone, ...path.split("/"))).catch(() => void 0);
    if (!bytes || !board) continue;
    published.push(`${board} ${readVersionLine(bytes)}${channel ? ` (${channel})` : ""}`);
  }
  return published.length ? `static-ota: publish ${published.join(", ")}` : "static-ota: update mirror";
}
export {
  PagesError,
  PagesTarget
};
