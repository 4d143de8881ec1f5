// Release assets through @actions/github against an HTTP server on 127.0.0.1
// that answers the few REST calls used, like api.github.com and the uploads
// host do (GITHUB_API_URL points at it, as on GitHub Enterprise).
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { listen, removeTemporaryFolders, temporaryFolder, type RunningServer } from '../helpers.js';

const TOKEN = 'ghs_releaseTokenValue123456';
const REPOSITORY = 'octo/widget';

interface StoredAsset {
  id: number;
  name: string;
  contentType: string;
  data: Buffer;
}

interface StoredRelease {
  id: number;
  tag: string;
  name: string;
  prerelease: boolean;
  assets: StoredAsset[];
}

/** The GitHub REST API for one repository's releases, in memory. */
class FakeGitHub {
  releases: StoredRelease[] = [];
  calls: string[] = [];
  /** Status to answer instead, for calls whose "METHOD path" matches. */
  refuse: { match: RegExp; status: number; message: string } | undefined;
  /** Simulates another job creating the release between our lookup and our create. */
  createdElsewhere: StoredRelease | undefined;
  private nextId = 1;
  server!: RunningServer;

  async start(): Promise<void> {
    this.server = await listen((request, response) => void this.handle(request, response));
  }

  private uploadUrl(release: StoredRelease): string {
    return `${this.server.url}/uploads/repos/${REPOSITORY}/releases/${release.id}/assets{?name,label}`;
  }

  private json(response: ServerResponse, status: number, body?: unknown): void {
    response
      .writeHead(status, { 'Content-Type': 'application/json' })
      .end(body === undefined ? '' : JSON.stringify(body));
  }

  private view(release: StoredRelease) {
    return {
      id: release.id,
      tag_name: release.tag,
      name: release.name,
      prerelease: release.prerelease,
      upload_url: this.uploadUrl(release),
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', this.server.url);
    const call = `${request.method} ${url.pathname}`;
    this.calls.push(call);
    if (request.headers.authorization !== `token ${TOKEN}`)
      return this.json(response, 401, { message: 'Bad credentials' });
    if (this.refuse?.match.test(call)) return this.json(response, this.refuse.status, { message: this.refuse.message });
    const repo = `/repos/${REPOSITORY}`;
    let match: RegExpExecArray | null;
    if ((match = new RegExp(`^GET ${repo}/releases/tags/(.+)$`).exec(call))) {
      const release = this.releases.find((candidate) => candidate.tag === decodeURIComponent(match![1]));
      return release
        ? this.json(response, 200, this.view(release))
        : this.json(response, 404, { message: 'Not Found' });
    }
    if (call === `POST ${repo}/releases`) {
      const input = JSON.parse(body.toString()) as { tag_name: string; name: string; prerelease?: boolean };
      if (this.createdElsewhere) {
        this.releases.push(this.createdElsewhere);
        this.createdElsewhere = undefined;
      }
      if (this.releases.some((release) => release.tag === input.tag_name)) {
        return this.json(response, 422, {
          message: 'Validation Failed',
          errors: [{ code: 'already_exists', field: 'tag_name' }],
        });
      }
      const release = {
        id: this.nextId++,
        tag: input.tag_name,
        name: input.name,
        prerelease: Boolean(input.prerelease),
        assets: [],
      };
      this.releases.push(release);
      return this.json(response, 201, this.view(release));
    }
    if ((match = new RegExp(`^GET ${repo}/releases/(\\d+)/assets$`).exec(call))) {
      const release = this.releases.find((candidate) => candidate.id === Number(match![1]));
      return this.json(
        response,
        200,
        (release?.assets ?? []).map(({ id, name }) => ({ id, name })),
      );
    }
    if ((match = new RegExp(`^DELETE ${repo}/releases/assets/(\\d+)$`).exec(call))) {
      for (const release of this.releases)
        release.assets = release.assets.filter((asset) => asset.id !== Number(match![1]));
      return this.json(response, 204);
    }
    if ((match = new RegExp(`^POST /uploads${repo}/releases/(\\d+)/assets$`).exec(call))) {
      const release = this.releases.find((candidate) => candidate.id === Number(match![1]));
      const name = url.searchParams.get('name') ?? '';
      if (!release) return this.json(response, 404, { message: 'Not Found' });
      if (release.assets.some((asset) => asset.name === name))
        return this.json(response, 422, { message: 'already_exists' });
      const asset = { id: this.nextId++, name, contentType: request.headers['content-type'] ?? '', data: body };
      release.assets.push(asset);
      return this.json(response, 201, { id: asset.id, name });
    }
    this.json(response, 404, { message: `no fake for ${call}` });
  }
}

let github: FakeGitHub;
let attachReleaseAssets: typeof import('../../src/release/release-assets.js').attachReleaseAssets;
const savedApiUrl = process.env.GITHUB_API_URL;

beforeAll(async () => {
  github = new FakeGitHub();
  await github.start();
  // @actions/github reads GITHUB_API_URL when it is loaded.
  process.env.GITHUB_API_URL = github.server.url;
  ({ attachReleaseAssets } = await import('../../src/release/release-assets.js'));
});

afterAll(async () => {
  if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL;
  else process.env.GITHUB_API_URL = savedApiUrl;
  await github.server.close();
  removeTemporaryFolders();
});

beforeEach(() => {
  github.releases = [];
  github.calls = [];
  github.refuse = undefined;
  github.createdElsewhere = undefined;
});

function assetFiles(version: string) {
  const folder = temporaryFolder('static-ota-assets-');
  const image = Buffer.from([0xe9, 0x03, 0x02, 0x40, ...Buffer.from(`image ${version}`)]);
  const manifest = `${version}\nformat=static-ota/1\n`;
  writeFileSync(join(folder, 'firmware.bin'), image);
  writeFileSync(join(folder, 'latest.txt'), manifest);
  return {
    image,
    manifest,
    assets: [
      {
        name: `nodemcuv2-firmware-${version}.bin`,
        path: join(folder, 'firmware.bin'),
        contentType: 'application/octet-stream',
      },
      { name: 'nodemcuv2-latest.txt', path: join(folder, 'latest.txt'), contentType: 'text/plain; charset=utf-8' },
    ],
  };
}

describe('attachReleaseAssets', () => {
  it('creates the missing release for the tag and uploads every asset with its content type', async () => {
    const { image, manifest, assets } = assetFiles('1.4.2');
    await attachReleaseAssets({ token: TOKEN, repository: REPOSITORY, tag: 'v1.4.2', prerelease: false }, assets);

    expect(github.releases).toHaveLength(1);
    const [release] = github.releases;
    expect(release).toMatchObject({ tag: 'v1.4.2', name: 'v1.4.2', prerelease: false });
    expect(release.assets.map(({ name, contentType, data }) => [name, contentType, data])).toEqual([
      ['nodemcuv2-firmware-1.4.2.bin', 'application/octet-stream', image],
      ['nodemcuv2-latest.txt', 'text/plain; charset=utf-8', Buffer.from(manifest)],
    ]);
  });

  it('marks the release of a pre-release tag as a pre-release', async () => {
    await attachReleaseAssets(
      { token: TOKEN, repository: REPOSITORY, tag: 'v1.5.0-beta.2', prerelease: true },
      assetFiles('1.5.0-beta.2').assets,
    );
    expect(github.releases[0]).toMatchObject({ tag: 'v1.5.0-beta.2', prerelease: true });
  });

  it('replaces an asset of the same name in an existing release and leaves the others', async () => {
    github.releases.push({
      id: 100,
      tag: 'v1.4.2',
      name: 'Release 1.4.2',
      prerelease: false,
      assets: [
        { id: 101, name: 'nodemcuv2-latest.txt', contentType: 'text/plain', data: Buffer.from('old') },
        { id: 102, name: 'notes.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF') },
      ],
    });
    const { manifest, assets } = assetFiles('1.4.2');
    await attachReleaseAssets({ token: TOKEN, repository: REPOSITORY, tag: 'v1.4.2', prerelease: false }, assets);

    expect(github.calls).not.toContain(`POST /repos/${REPOSITORY}/releases`);
    expect(github.calls).toContain(`DELETE /repos/${REPOSITORY}/releases/assets/101`);
    const [release] = github.releases;
    expect(release.name).toBe('Release 1.4.2');
    expect(release.assets.map((asset) => asset.name).sort()).toEqual([
      'nodemcuv2-firmware-1.4.2.bin',
      'nodemcuv2-latest.txt',
      'notes.pdf',
    ]);
    expect(release.assets.find((asset) => asset.name === 'nodemcuv2-latest.txt')?.data.toString()).toBe(manifest);
  });

  it('uses the release another job created a moment earlier', async () => {
    github.createdElsewhere = { id: 200, tag: 'v2.0.0', name: 'v2.0.0', prerelease: false, assets: [] };
    await attachReleaseAssets(
      { token: TOKEN, repository: REPOSITORY, tag: 'v2.0.0', prerelease: false },
      assetFiles('2.0.0').assets,
    );
    expect(github.releases).toHaveLength(1);
    expect(github.releases[0].assets).toHaveLength(2);
  });

  it('fails with what it was doing and a hint when the token may not write, never quoting the token', async () => {
    github.refuse = { match: /^POST .*\/releases$/, status: 403, message: 'Resource not accessible by integration' };
    const failure = await attachReleaseAssets(
      { token: TOKEN, repository: REPOSITORY, tag: 'v1.4.2', prerelease: false },
      assetFiles('1.4.2').assets,
    ).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /^finding or creating the release for tag v1\.4\.2 of octo\/widget failed: HTTP 403: Resource not accessible by integration.*permissions: contents: write/,
    );
    expect((failure as Error).message).not.toContain(TOKEN);
  });

  it('fails naming the asset whose upload failed', async () => {
    github.refuse = { match: /^POST \/uploads\//, status: 502, message: 'Bad Gateway' };
    await expect(
      attachReleaseAssets(
        { token: TOKEN, repository: REPOSITORY, tag: 'v1.4.2', prerelease: false },
        assetFiles('1.4.2').assets,
      ),
    ).rejects.toThrow(/^uploading nodemcuv2-firmware-1\.4\.2\.bin for tag v1\.4\.2 of octo\/widget failed: HTTP 502/);
  });

  it('checks the repository and the asset files', async () => {
    const { assets } = assetFiles('1.4.2');
    await expect(
      attachReleaseAssets({ token: TOKEN, repository: 'widget', tag: 'v1.4.2', prerelease: false }, assets),
    ).rejects.toThrow(/owner\/name/);
    await expect(
      attachReleaseAssets({ token: TOKEN, repository: REPOSITORY, tag: 'v1.4.2', prerelease: false }, [
        { ...assets[0], path: join(temporaryFolder(), 'missing.bin') },
      ]),
    ).rejects.toThrow(/cannot read .*missing\.bin for asset nodemcuv2-firmware-1\.4\.2\.bin/);
  });
});
