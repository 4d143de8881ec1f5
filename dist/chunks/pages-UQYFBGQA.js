import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  holdTemporary
} from "./chunk-BMPRNOTX.js";
import {
  isManifestPath,
  readVersionLine
} from "./chunk-U5GXGXOB.js";
import {
  ConflictError,
  retryOnConflict
} from "./chunk-IEVPXDZW.js";
import "./chunk-3CYM4YX4.js";
import "./chunk-PUMHU2BD.js";

// src/mirror/pages.ts
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
var COMMITTER_NAME = "github-actions[bot]";
var COMMITTER_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com";
var GIT_TIMEOUT_MS = 10 * 60 * 1e3;
var GIT_SETTINGS = [
  "core.autocrlf=false",
  "core.symlinks=false",
  "commit.gpgsign=false",
  "gc.auto=0",
  "maintenance.auto=false",
  "core.bigFileThreshold=1m",
  "core.packedGitWindowSize=1m",
  "core.packedGitLimit=8m",
  `user.name=${COMMITTER_NAME}`,
  `user.email=${COMMITTER_EMAIL}`
];
var FILE_MODE = "100644";
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
var PagesTarget = class {
  description;
  commitsAtEnd = true;
  branch;
  folder;
  remote;
  history;
  environment;
  /** The branch's CNAME (a custom domain), as the last checkout found it. */
  customDomain;
  constructor(config, log) {
    if (!config.remoteUrl || config.remoteUrl.startsWith("-"))
      throw new Error("the github-pages target needs a git remote URL");
    this.branch = config.branch;
    this.folder = config.folder;
    this.remote = config.remoteUrl;
    this.history = config.history ?? "keep";
    const remoteForMessages = withoutCredentials(config.remoteUrl);
    this.description = `branch ${this.branch}${this.folder ? `, folder ${this.folder},` : ""} of ${remoteForMessages}`;
    this.environment = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_LITERAL_PATHSPECS: "1", LC_ALL: "C" };
    const origin = httpOrigin(config.remoteUrl);
    if (config.token && origin) {
      const basic = Buffer.from(`x-access-token:${config.token}`).toString("base64");
      log?.mask?.(basic);
      Object.assign(this.environment, {
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: `http.${origin}/.extraheader`,
        GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`
      });
    }
  }
  transaction(work, reads = []) {
    return retryOnConflict(() => this.attempt(work, reads));
  }
  /**
   * The path on the Pages site, for a site published from the branch's root: at the custom domain of the branch's
   * CNAME, else at OWNER.github.io/REPO/ (OWNER.github.io/ for the OWNER.github.io repository).
   */
  publicUrl(path) {
    const site = this.customDomain ? `https://${this.customDomain}/` : githubIoSite(this.remote);
    return site && new URL(this.inBranch(path).split("/").map(encodeURIComponent).join("/"), site).href;
  }
  /** One clone, one run of `work`, one commit and one push; a lost race throws ConflictError. */
  async attempt(work, reads) {
    const clone = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), "static-ota-pages-"));
    const forget = holdTemporary(clone);
    try {
      const fetched = await this.checkOut(clone, reads);
      this.customDomain = fetched && await readCustomDomain(clone);
      const session = this.session(clone);
      const result = await work(session);
      const changed = fetched ? (await this.git(clone, ["diff-index", "--cached", "--name-only", "--no-renames", "-z", fetched, "--"])).stdout : (await this.git(clone, ["ls-files", "-z"])).stdout;
      if (changed === "") return result;
      const message = await commitMessage(session, changed.split("\0").filter(Boolean), this.folder);
      const tree = (await this.git(clone, ["write-tree"])).stdout.trim();
      const parent = fetched && this.history === "keep" ? ["-p", fetched] : [];
      const commit = (await this.git(clone, ["commit-tree", tree, ...parent, "-m", message])).stdout.trim();
      await this.push(clone, commit, fetched);
      return result;
    } finally {
      await rm(clone, { recursive: true, force: true });
      forget();
    }
  }
  /**
   * The branch's newest commit as a partial clone (depth 1, trees only) with
   * a sparse checkout of `reads`, whose blobs come in one more request; or a
   * new orphan branch holding `.nojekyll`. Returns the fetched commit, if any.
   */
  async checkOut(clone, reads) {
    await this.git(
      clone,
      ["check-ref-format", `refs/heads/${this.branch}`],
      `pages-branch ${JSON.stringify(this.branch)} is not a valid branch name`
    );
    await this.git(clone, ["init", "--quiet", `--initial-branch=${this.branch}`]);
    await this.git(clone, ["remote", "add", "origin", this.remote]);
    await this.git(clone, ["config", "core.sparseCheckout", "true"]);
    await writeFile(
      join(clone, ".git", "info", "sparse-checkout"),
      // CNAME comes with the reads' blobs, in the same request: where the page is (publicUrl).
      ["CNAME", ...reads.map((path) => sparsePattern(this.inBranch(path)))].map((pattern) => `/${pattern}
`).join("")
    );
    const fetched = await this.git(
      clone,
      ["fetch", "--quiet", "--depth", "1", "--filter=blob:none", "--no-tags", "origin", `refs/heads/${this.branch}`],
      void 0,
      [128]
    );
    if (fetched.code !== 0) {
      if (!MISSING_BRANCH.test(fetched.stderr))
        throw new Error(`git fetch for ${this.description} failed: ${explain(fetched)}`);
      await this.stage(clone, ".nojekyll", await this.storeBlob(clone, ["--stdin"], ""));
      return void 0;
    }
    await this.git(clone, ["reset", "--quiet", "--hard", "FETCH_HEAD"]);
    return (await this.git(clone, ["rev-parse", "--verify", "FETCH_HEAD^{commit}"])).stdout.trim();
  }
  /**
   * The mirror as the clone's index: reads come from it (git fetches a blob
   * outside the sparse checkout on demand), writes and removals go to it, and
   * files the publish does not touch stay in it byte for byte, never fetched.
   */
  session(clone) {
    const entry = async (path) => (await this.objectsAt(clone, [this.inBranch(path)]))[0];
    return {
      read: async (path) => {
        const found = await this.gitBytes(clone, ["cat-file", "--batch"], `:${this.inBranch(path)}
`);
        const header = found.subarray(0, found.indexOf(10)).toString("latin1");
        if (header.endsWith(" missing")) return void 0;
        const size = Number(header.split(" ")[2]);
        return found.subarray(header.length + 1, header.length + 1 + size);
      },
      compareImage: async (path, localFile) => {
        const stored = await entry(path);
        if (stored === void 0) return "missing";
        const local = (await this.git(clone, ["hash-object", "--no-filters", "--", resolve(localFile)])).stdout.trim();
        return local === stored ? "same" : "different";
      },
      prefetch: async (paths) => {
        const wanted = await this.objectsAt(
          clone,
          paths.map((path) => this.inBranch(path))
        );
        const local = new Set(
          (await this.git(clone, ["cat-file", "--batch-all-objects", "--batch-check=%(objectname)"])).stdout.split(
            "\n"
          )
        );
        const missing = [...new Set(wanted)].filter((object) => !local.has(object));
        if (missing.length === 0) return;
        await this.git(
          clone,
          [
            "-c",
            "fetch.negotiationAlgorithm=noop",
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--recurse-submodules=no",
            "--filter=blob:none",
            "--stdin",
            "origin"
          ],
          void 0,
          [],
          missing.map((object) => `${object}
`).join("")
        );
      },
      holds: async (path, text) => await entry(path) === (await this.git(clone, ["hash-object", "--no-filters", "--stdin"], void 0, [], text)).stdout.trim(),
      list: async (folder) => (await this.entriesUnder(clone, folder)).filter((rest) => !rest.includes("/")).map((rest) => inFolder(folder, rest)),
      folders: async (folder) => {
        const names = (await this.entriesUnder(clone, folder)).filter((rest) => rest.includes("/")).map((rest) => rest.split("/")[0]);
        return [...new Set(names)].map((name) => inFolder(folder, name));
      },
      // git runs in the clone: a path relative to our working directory (`.pio/build/...`) must not be read from there.
      writeImage: async (path, localFile) => this.stage(clone, this.inBranch(path), await this.storeBlob(clone, ["--", resolve(localFile)])),
      writeManifest: async (path, text) => this.stage(clone, this.inBranch(path), await this.storeBlob(clone, ["--stdin"], text)),
      remove: async (path) => void await this.git(clone, ["update-index", "--force-remove", "--", this.inBranch(path)])
    };
  }
  /** Object ids of the index entries at `branchPaths` (absent paths have none). */
  async objectsAt(clone, branchPaths) {
    if (branchPaths.length === 0) return [];
    const listed = (await this.git(clone, ["ls-files", "--stage", "-z", "--", ...branchPaths])).stdout;
    return listed.split("\0").filter(Boolean).map((line) => line.split(" ")[1]);
  }
  /** Paths of every file below the mirror's `folder` (from the index: nothing is fetched), relative to that folder. */
  async entriesUnder(clone, folder) {
    const base = this.inBranch(folder).replace(/\/$/, "");
    const prefix = base ? `${base}/` : "";
    const listed = (await this.git(clone, ["ls-files", "-z", "--", prefix || "."])).stdout;
    return listed.split("\0").filter(Boolean).map((path) => path.slice(prefix.length));
  }
  /** Writes bytes (a file, or `input` on stdin) into the clone's objects exactly as they are; returns the object id. */
  async storeBlob(clone, source, input) {
    return (await this.git(clone, ["hash-object", "-w", "--no-filters", ...source], void 0, [], input)).stdout.trim();
  }
  /** Puts the object at `branchPath` (relative to the branch's top, not the mirror folder) in the next commit. */
  async stage(clone, branchPath, blob) {
    await this.git(clone, ["update-index", "--add", "--cacheinfo", `${FILE_MODE},${blob},${branchPath}`]);
  }
  inBranch(path) {
    return this.folder ? `${this.folder}/${path}` : path;
  }
  /** Never forced in `keep` mode; in `squash` mode forced only over exactly the commit this attempt fetched. */
  async push(clone, commit, fetched) {
    const ref = `refs/heads/${this.branch}`;
    const lease = this.history === "squash" ? [`--force-with-lease=${ref}:${fetched ?? ""}`] : [];
    const pushed = await this.git(
      clone,
      ["-c", "pack.window=0", "push", "--porcelain", "--no-verify", ...lease, "origin", `${commit}:${ref}`],
      void 0,
      [1]
    );
    if (pushed.code === 0) return;
    const refStatus = pushed.stdout.split("\n").find((line) => line.startsWith("!"));
    if (refStatus && LOST_RACE.test(refStatus)) {
      throw new ConflictError(`another publish updated ${this.branch} first (${refStatus.split("	").pop()})`);
    }
    throw new Error(`git push to ${this.description} failed: ${explain(pushed, refStatus)}`);
  }
  /** Runs git without a shell; a non-zero exit (other than `allowedCodes`) becomes a Error without secrets. */
  git(cwd, args, failure, allowedCodes = [], input) {
    return this.run(cwd, args, "utf8", failure, allowedCodes, input);
  }
  async gitBytes(cwd, args, input) {
    return (await this.run(cwd, args, "buffer", void 0, [], input)).stdout;
  }
  run(cwd, args, encoding, failure, allowedCodes, input) {
    const settings = GIT_SETTINGS.flatMap((setting) => ["-c", setting]);
    return new Promise((resolvePromise, reject) => {
      const child = execFile(
        "git",
        [...settings, ...args],
        { cwd, env: this.environment, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding },
        (error, stdout, stderr) => {
          const code = error ? typeof error.code === "number" ? error.code : -1 : 0;
          const result = { code, stdout, stderr: stderr.toString() };
          if (code === 0 || allowedCodes.includes(code)) return resolvePromise(result);
          const reason = error?.killed ? `timed out after ${GIT_TIMEOUT_MS / 1e3} s` : explain(result);
          reject(new Error(failure ?? `git ${args[0]} for ${this.description} failed: ${reason}`));
        }
      );
      child.stdin?.on("error", () => void 0);
      child.stdin?.end(input ?? "", "latin1");
    });
  }
};
var inFolder = (folder, name) => folder ? `${folder}/${name}` : name;
async function readCustomDomain(clone) {
  const text = await readFile(join(clone, "CNAME"), "utf8").catch(() => "");
  const host = text.trim().split(/\s+/)[0].toLowerCase();
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : void 0;
}
function githubIoSite(remote) {
  const [owner, repository] = remote.replace(/(\.git)?\/*$/, "").split("/").slice(-2);
  if (!/^[a-z0-9-]+$/i.test(owner ?? "") || !/^[\w.-]+$/.test(repository ?? "")) return void 0;
  const host = `${owner.toLowerCase()}.github.io`;
  return repository.toLowerCase() === host ? `https://${host}/` : `https://${host}/${repository}/`;
}
var sparsePattern = (path) => path.replace(/[\\*?[\]!#\s]/g, "\\$&");
var MISSING_BRANCH = /couldn't find remote ref/;
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
async function commitMessage(session, changed, folder) {
  const prefix = folder ? `${folder}/` : "";
  const published = [];
  for (const path of changed) {
    if (!path.startsWith(prefix) || !isManifestPath(path)) continue;
    const [board, channel] = path.slice(prefix.length).split("/").slice(0, -1);
    const bytes = await session.read(path.slice(prefix.length));
    if (!bytes || !board) continue;
    published.push(`${board} ${readVersionLine(bytes)}${channel ? ` (${channel})` : ""}`);
  }
  return published.length ? `static-ota: publish ${published.join(", ")}` : "static-ota: update mirror";
}
export {
  PagesTarget
};
