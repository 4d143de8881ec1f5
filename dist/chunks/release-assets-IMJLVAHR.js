import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  getOctokit
} from "./chunk-ZAJM64AG.js";
import "./chunk-A37WB6L3.js";
import {
  holdTemporary
} from "./chunk-BMPRNOTX.js";
import {
  MANIFEST_FILE
} from "./chunk-U5GXGXOB.js";
import "./chunk-3CYM4YX4.js";
import "./chunk-PUMHU2BD.js";

// src/release/release-assets.ts
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var statusOf = (error) => error?.status;
function describe(error) {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const text = status ? `HTTP ${status}: ${message}` : message;
  return status === 403 || status === 404 ? `${text} (the token needs \`permissions: contents: write\` on the repository)` : text;
}
async function attachSignedReleases(options, releases) {
  const folder = await mkdtemp(join(tmpdir(), "static-ota-assets-"));
  const forget = holdTemporary(folder);
  try {
    const assets = [];
    for (const release of releases) {
      const manifestName = `${release.board}-${MANIFEST_FILE}`;
      const manifestFile = join(folder, manifestName);
      await writeFile(manifestFile, release.manifestText, "latin1");
      assets.push(
        { name: `${release.board}-${release.file}`, path: release.imageFile, contentType: "application/octet-stream" },
        { name: manifestName, path: manifestFile, contentType: "text/plain" }
      );
    }
    await attachReleaseAssets(options, assets);
  } finally {
    await rm(folder, { recursive: true, force: true });
    forget();
  }
}
async function attachReleaseAssets(options, assets) {
  const [owner, repo, ...rest] = options.repository.split("/");
  if (!owner || !repo || rest.length)
    throw new Error(`repository must be owner/name, got ${JSON.stringify(options.repository)}`);
  const names = new Set(assets.map((asset) => asset.name));
  if (names.size !== assets.length) throw new Error("two release assets have the same name");
  const where = `tag ${options.tag} of ${options.repository}`;
  const step = async (what, call) => {
    try {
      return await call();
    } catch (error) {
      throw new Error(`${what} for ${where} failed: ${describe(error)}`, { cause: error });
    }
  };
  const octokit = getOctokit(options.token);
  const release = await step("finding or creating the release", () => releaseFor(octokit, owner, repo, options));
  const existing = await step(
    "listing the assets",
    () => octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: release.id, per_page: 100 })
  );
  for (const asset of assets) {
    const data = await readFile(asset.path).catch((error) => {
      throw new Error(`cannot read ${asset.path} for asset ${asset.name}: ${error.message}`);
    });
    for (const old of existing.filter((candidate) => candidate.name === asset.name)) {
      await step(
        `deleting the old asset ${asset.name}`,
        () => octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: old.id })
      );
    }
    await step(
      `uploading ${asset.name}`,
      () => octokit.request({
        method: "POST",
        url: release.upload_url,
        name: asset.name,
        headers: { "content-type": asset.contentType, "content-length": data.length },
        data
      })
    );
  }
}
async function releaseFor(octokit, owner, repo, { tag, prerelease }) {
  const byTag = async () => {
    try {
      return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
    } catch (error) {
      if (statusOf(error) === 404) return void 0;
      throw error;
    }
  };
  const found = await byTag();
  if (found) return found;
  try {
    return (await octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, name: tag, prerelease })).data;
  } catch (error) {
    const created = statusOf(error) === 422 ? await byTag() : void 0;
    if (created) return created;
    throw error;
  }
}
export {
  attachReleaseAssets,
  attachSignedReleases
};
