// Attaches images and manifests to the GitHub Release of the tag, creating the
// release when missing. The API base comes from GITHUB_API_URL (GitHub
// Enterprise), the upload URL from the release itself.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { holdTemporary } from '../common/interrupt.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { MANIFEST_FILE } from '../protocol/manifest.js';
import type { SignedRelease } from './sign.js';

export interface ReleaseAssetsOptions {
  token: string;
  /** owner/name */
  repository: string;
  tag: string;
  /** Whether a release created for the tag is marked as a pre-release (the released version is one). */
  prerelease: boolean;
}

export interface ReleaseAsset {
  name: string;
  path: string;
  contentType: string;
}

type Octokit = ReturnType<typeof getOctokit>;

interface Release {
  id: number;
  upload_url: string;
}

const statusOf = (error: unknown): number | undefined => (error as { status?: number } | undefined)?.status;

function describe(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const text = status ? `HTTP ${status}: ${message}` : message;
  return status === 403 || status === 404
    ? `${text} (the token needs \`permissions: contents: write\` on the repository)`
    : text;
}

/**
 * Attaches each signed release's image and latest.txt, named after its board
 * (`nodemcuv2-firmware-1.4.2.bin`, `nodemcuv2-latest.txt`) so boards do not collide.
 */
export async function attachSignedReleases(
  options: ReleaseAssetsOptions,
  releases: readonly SignedRelease[],
): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'static-ota-assets-'));
  const forget = holdTemporary(folder);
  try {
    const assets: ReleaseAsset[] = [];
    for (const release of releases) {
      const manifestName = `${release.board}-${MANIFEST_FILE}`;
      const manifestFile = join(folder, manifestName);
      await writeFile(manifestFile, release.manifestText, 'latin1');
      assets.push(
        { name: `${release.board}-${release.file}`, path: release.imageFile, contentType: 'application/octet-stream' },
        { name: manifestName, path: manifestFile, contentType: 'text/plain' },
      );
    }
    await attachReleaseAssets(options, assets);
  } finally {
    await rm(folder, { recursive: true, force: true });
    forget();
  }
}

export async function attachReleaseAssets(
  options: ReleaseAssetsOptions,
  assets: readonly ReleaseAsset[],
): Promise<void> {
  const [owner, repo, ...rest] = options.repository.split('/');
  if (!owner || !repo || rest.length)
    throw new Error(`repository must be owner/name, got ${JSON.stringify(options.repository)}`);
  const names = new Set(assets.map((asset) => asset.name));
  if (names.size !== assets.length) throw new Error('two release assets have the same name');
  const where = `tag ${options.tag} of ${options.repository}`;
  const step = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw new Error(`${what} for ${where} failed: ${describe(error)}`, { cause: error });
    }
  };

  const octokit = getOctokit(options.token);
  const release = await step('finding or creating the release', () => releaseFor(octokit, owner, repo, options));
  const existing = await step('listing the assets', () =>
    octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: release.id, per_page: 100 }),
  );
  for (const asset of assets) {
    const data = await readFile(asset.path).catch((error: Error) => {
      throw new Error(`cannot read ${asset.path} for asset ${asset.name}: ${error.message}`);
    });
    // GitHub refuses a second asset of the same name: replace it.
    for (const old of existing.filter((candidate) => candidate.name === asset.name)) {
      await step(`deleting the old asset ${asset.name}`, () =>
        octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: old.id }),
      );
    }
    await step(`uploading ${asset.name}`, () =>
      octokit.request({
        method: 'POST',
        url: release.upload_url,
        name: asset.name,
        headers: { 'content-type': asset.contentType, 'content-length': data.length },
        data,
      }),
    );
  }
}

async function releaseFor(
  octokit: Octokit,
  owner: string,
  repo: string,
  { tag, prerelease }: ReleaseAssetsOptions,
): Promise<Release> {
  const byTag = async (): Promise<Release | undefined> => {
    try {
      return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };
  const found = await byTag();
  if (found) return found;
  try {
    return (await octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, name: tag, prerelease })).data;
  } catch (error) {
    // 422: another job of the same workflow created it a moment ago.
    const created = statusOf(error) === 422 ? await byTag() : undefined;
    if (created) return created;
    throw error;
  }
}
