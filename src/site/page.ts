// The release page: index.html and its JSON twin index.json at the mirror root,
// plus each release folder's ESP Web Tools manifest.json, regenerated from what
// the mirror holds after every publish. A view for people and scripts, never a
// source of truth for devices (they read latest.txt and verify it).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FULL_ROLLOUT,
  imagePath,
  isValidBoard,
  isValidChannel,
  isValidFileName,
  isValidVersion,
  MANIFEST_FILE,
  manifestPath,
  ManifestError,
  type MirrorRelease,
  judgeManifest,
  type OpenedManifest,
  readVersionLine,
  releaseFolder,
  STABLE_CHANNEL,
  versionOfImageFile,
} from '../protocol/manifest.js';
import { compareVersions } from '../release/version.js';
import { ConflictError, MAX_CONFLICT_RETRIES, type MirrorSession, type ObjectHeaders } from '../mirror/target.js';
import { isChipFamily } from '../release/flash-layout.js';
import { versionManifestFileName } from './web-install.js';
import { readPatchViews, type PatchView } from './patch-view.js';

export const INDEX_HTML = 'index.html';
/** Where the page goes when the mirror root already has an index.html of its own (a project site on Pages). */
export const FALLBACK_HTML = 'releases.html';
const GENERATOR_TAG = '<meta name="generator" content="static-ota">';
export const INDEX_JSON = 'index.json';
/** ESP Web Tools, bundled (no CDN: the page must work from a LAN mirror without internet). */
export const INSTALL_FOLDER = 'install';
export const INSTALL_SCRIPT = `${INSTALL_FOLDER}/install-button.js`;
/** Beside each latest.txt: the current version's ESP Web Tools manifest. */
export const WEB_INSTALL_MANIFEST = 'manifest.json';

const VIEW = { cacheControl: 'no-cache' };
const HTML_HEADERS: ObjectHeaders = { ...VIEW, contentType: 'text/html; charset=utf-8' };
const JSON_HEADERS: ObjectHeaders = { ...VIEW, contentType: 'application/json' };
const SCRIPT_HEADERS: ObjectHeaders = {
  contentType: 'text/javascript; charset=utf-8',
  cacheControl: 'public, max-age=3600',
};

/** A release folder's latest.txt as the page shows it. */
export interface ReleaseView extends MirrorRelease {
  keyIds: string[];
  rollout?: string;
  expires?: string;
  /** When this page first saw the version offered (ISO 8601). */
  published: string;
  /** Present when the version can be flashed from the browser. */
  install?: { manifest: string; chipFamily: string };
  /** Without install: why, as the publish recorded it (or that it recorded nothing). */
  noInstall?: string;
  /** Other images still in the folder, newest first. */
  older: Array<{ version: string; image: string }>;
  /** Delta patches to this version (patch-view.ts), newest base first. */
  patches?: PatchView[];
}

/** No generation time: a publish that changes nothing on the mirror changes nothing here either (no empty Pages commit). */
export interface SiteIndex {
  generator: 'static-ota';
  releases: ReleaseView[];
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** What a publish knows of its releases that the mirror does not hold: why one has no install button. */
export type InstallNotes = ReadonlyArray<Pick<MirrorRelease, 'board' | 'version' | 'sha256'> & { noInstall?: string }>;

/** For a release published before reasons were recorded, or by a caller that gave none. */
export const NO_INSTALL_RECORDED = 'no flash layout was recorded when this version was published';
const MAX_REASON_LENGTH = 200;

/**
 * A reason as the page keeps it: printable ASCII (the page is written as latin1 text, and platform names come
 * from platformio.ini), bounded, and a string at all (an index.json on the mirror may hold anything).
 */
const cleanReason = (reason: unknown): string | undefined =>
  typeof reason === 'string' && reason ? reason.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_REASON_LENGTH) : undefined;

/**
 * What the page may show: releases whose latest.txt verifies under `keys` (the publisher's trusted keys), as a
 * device of that board and channel would open it. Everything else on the mirror is skipped, and `warn` says so.
 */
export interface SiteTrust {
  keys: readonly Uint8Array[];
  warn?: (message: string) => void;
}

/**
 * Names that pass the protocol's rules, or undefined: only such names reach a path or a link (a folder named
 * `javascript:alert(1)` would be a script link). A foreign folder is skipped, with a warning when it holds a latest.txt.
 */
async function validName(
  session: MirrorSession,
  folder: string,
  valid: (name: string) => boolean,
  trust: SiteTrust,
): Promise<string | undefined> {
  const name = lastSegment(folder);
  if (valid(name)) return name;
  if ((await session.list(folder)).includes(`${folder}/${MANIFEST_FILE}`))
    trust.warn?.(
      `${JSON.stringify(folder)} holds a ${MANIFEST_FILE} but is not a valid board or channel name: not on the release page`,
    );
  return undefined;
}

/** Boards are the root's folders (not install/ or dot folders); channels other than stable are their sub-folders. */
async function releaseFolders(
  session: MirrorSession,
  trust: SiteTrust,
): Promise<Array<{ board: string; channel: string }>> {
  const found = [];
  for (const boardFolder of (await session.folders('')).sort()) {
    if (lastSegment(boardFolder) === INSTALL_FOLDER || lastSegment(boardFolder).startsWith('.')) continue;
    const board = await validName(session, boardFolder, isValidBoard, trust);
    if (board === undefined) continue;
    found.push({ board, channel: STABLE_CHANNEL });
    for (const channelFolder of (await session.folders(boardFolder)).sort()) {
      const channel = await validName(session, channelFolder, isValidChannel, trust);
      if (channel !== undefined) found.push({ board, channel });
    }
  }
  return found;
}

interface FolderState {
  view: ReleaseView;
  /** The version's ESP Web Tools manifest, copied to manifest.json. */
  webManifest?: Buffer;
}

/** The folder's latest.txt judged as its devices judge it; undefined (with a warning) when they would refuse it. */
function openForFolder(
  bytes: Buffer,
  { board, channel }: { board: string; channel: string },
  now: string,
  trust: SiteTrust,
): OpenedManifest | undefined {
  const verdict = judgeManifest(bytes, {
    trustedKeys: trust.keys,
    requiredSignatures: 1,
    board,
    channel,
    now: Math.floor(Date.parse(now) / 1000),
  });
  if (verdict.accepted) return verdict.manifest;
  trust.warn?.(`${manifestPath(board, channel)} is not on the release page: ${verdict.reason}`);
  return undefined;
}

/** The chip family of a version's ESP Web Tools manifest; undefined (with a warning) for one that is not. */
function chipFamilyOf(path: string, bytes: Buffer, trust: SiteTrust): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    trust.warn?.(`${path} is not JSON (${(error as Error).message}): no install button for it`);
    return undefined;
  }
  const builds = typeof parsed === 'object' && parsed !== null ? (parsed as { builds?: unknown }).builds : undefined;
  const first: unknown = Array.isArray(builds) ? builds[0] : undefined;
  const family =
    typeof first === 'object' && first !== null ? (first as { chipFamily?: unknown }).chipFamily : undefined;
  if (typeof family === 'string' && isChipFamily(family)) return family;
  trust.warn?.(`${path} names no known chip family: no install button for it`);
  return undefined;
}

async function readFolder(
  session: MirrorSession,
  { board, channel }: { board: string; channel: string },
  { previous, notes, now }: { previous: SiteIndex | undefined; notes: InstallNotes; now: string },
  trust: SiteTrust,
): Promise<FolderState | undefined> {
  const manifest = manifestPath(board, channel);
  const bytes = await session.read(manifest);
  const opened = bytes && openForFolder(bytes, { board, channel }, now, trust);
  if (!opened) return undefined;
  const folder = releaseFolder(board, channel);
  const files = new Set((await session.list(folder)).map(lastSegment));
  const older = [...files]
    .filter((name) => name !== opened.file && isValidFileName(name))
    .map((name) => ({ name, version: versionOfImageFile(name) }))
    .filter((entry): entry is { name: string; version: string } => isValidVersion(entry.version ?? ''))
    .sort((a, b) => compareVersions(b.version, a.version))
    .map(({ name, version }) => ({ version, image: imagePath(board, channel, name) }));
  const seen = previous?.releases.find(
    (release) =>
      release.manifest === manifest && release.version === opened.version && release.sha256 === opened.sha256,
  );
  const view: ReleaseView = {
    board,
    channel,
    version: opened.version,
    manifest,
    image: imagePath(board, channel, opened.file),
    size: opened.size,
    sha256: opened.sha256,
    keyIds: opened.verifiedKeys,
    ...(opened.rollout === FULL_ROLLOUT ? {} : { rollout: String(opened.rollout) }),
    ...(opened.expires === undefined ? {} : { expires: new Date(opened.expires * 1000).toISOString() }),
    published: seen?.published ?? now,
    older,
  };
  const patches = await readPatchViews(session, opened, files, trust.keys, trust.warn);
  if (patches.length) view.patches = patches;
  const versionManifest = versionManifestFileName(opened.version);
  const note = notes.find(
    (release) => release.board === board && release.version === opened.version && release.sha256 === opened.sha256,
  );
  const recorded = cleanReason(note?.noInstall) ?? cleanReason(seen?.noInstall) ?? NO_INSTALL_RECORDED;
  if (!files.has(versionManifest)) return { view: { ...view, noInstall: recorded } };
  const webManifest = await session.read(`${folder}/${versionManifest}`);
  const chipFamily = webManifest && chipFamilyOf(`${folder}/${versionManifest}`, webManifest, trust);
  if (!webManifest || !chipFamily)
    return { view: { ...view, noInstall: `its ${versionManifest} is not an ESP Web Tools manifest of a known chip` } };
  return { view: { ...view, install: { manifest: `${folder}/${WEB_INSTALL_MANIFEST}`, chipFamily } }, webManifest };
}

/** Whether the release page lists a manifest's version with that image: a publish whose page is behind is unfinished. */
export interface PageListing {
  lists(manifest: string, version: string, sha256: string): boolean;
}

/** The page's index.json as the mirror holds it; one that cannot be read or parsed lists nothing. */
export async function readPageListing(session: MirrorSession): Promise<PageListing> {
  const index = parseIndex(await session.read(INDEX_JSON).catch(() => undefined));
  return {
    lists: (manifest, version, sha256) =>
      index?.releases.some(
        (release) => release.manifest === manifest && release.version === version && release.sha256 === sha256,
      ) ?? false,
  };
}

/** A previous index.json, keeping only entries with what the page reads of them (it may hold anything). */
function parseIndex(bytes: Buffer | undefined): SiteIndex | undefined {
  if (!bytes) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const releases: unknown = typeof parsed === 'object' && parsed !== null ? (parsed as SiteIndex).releases : undefined;
  if (!Array.isArray(releases)) return undefined;
  const usable = (entry: unknown): entry is ReleaseView =>
    typeof entry === 'object' &&
    entry !== null &&
    ['manifest', 'version', 'sha256', 'published'].every(
      (key) => typeof (entry as Record<string, unknown>)[key] === 'string',
    ) &&
    !Number.isNaN(Date.parse((entry as ReleaseView).published));
  return { generator: 'static-ota', releases: releases.filter(usable) };
}

/** The bundled ESP Web Tools: dist/install beside the action bundle (dist/*.js or dist/chunks/*.js), or dist/install from the sources. */
export function installAssetsFolder(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [
    join(here, INSTALL_FOLDER),
    join(here, '..', INSTALL_FOLDER),
    join(here, '..', '..', 'dist', INSTALL_FOLDER),
  ];
  const found = candidates.find((folder) => existsSync(join(folder, 'install-button.js')));
  if (!found)
    throw new Error(`the bundled ESP Web Tools are missing (looked in ${candidates.join(', ')}): run npm run bundle`);
  return found;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/**
 * Copies the bundled ESP Web Tools into install/. Chunk names are content
 * hashes that the entry imports, so an unchanged entry means unchanged chunks:
 * it is compared alone, and written last, once every chunk it names is there.
 */
async function writeInstallAssets(session: MirrorSession): Promise<void> {
  const assets = installAssetsFolder();
  const text = async (file: string) => (await readFile(join(assets, file))).toString('latin1');
  const entry = lastSegment(INSTALL_SCRIPT);
  if ((await session.read(INSTALL_SCRIPT))?.equals(await readFile(join(assets, entry)))) return;
  for (const file of await filesUnder(assets)) {
    if (file !== entry) await writeIfChanged(session, `${INSTALL_FOLDER}/${file}`, await text(file), SCRIPT_HEADERS);
  }
  await writeIfChanged(session, INSTALL_SCRIPT, await text(entry), SCRIPT_HEADERS);
}

/**
 * Writes `text` unless the mirror already holds it; conditional on what was read, like latest.txt. `expected`, when
 * the caller can tell what the file most likely holds, is checked with `holds` first: no read when it matches.
 */
async function writeIfChanged(
  session: MirrorSession,
  path: string,
  text: string,
  headers: ObjectHeaders,
  expected?: string,
): Promise<void> {
  const current = await readUnlessHeld(session, path, expected);
  if (current && current.equals(Buffer.from(text, 'latin1'))) return;
  await session.writeManifest(path, text, current, headers);
}

/** The bytes at `path`: `expected` itself when the session says it holds exactly that, so nothing is fetched. */
async function readUnlessHeld(session: MirrorSession, path: string, expected?: string): Promise<Buffer | undefined> {
  if (expected !== undefined && (await session.holds?.(path, expected))) return Buffer.from(expected, 'latin1');
  return session.read(path);
}

/**
 * Asks the session for what the page reads per folder, in two batches (a Pages partial clone fetches the missing
 * objects of a batch in one request, not one each): every latest.txt and manifest.json, then the web install
 * manifest of each offered version.
 */
async function prefetchFolders(
  session: MirrorSession,
  found: ReadonlyArray<{ board: string; channel: string }>,
): Promise<void> {
  if (!session.prefetch) return;
  await session.prefetch(
    found.flatMap(({ board, channel }) => [
      manifestPath(board, channel),
      `${releaseFolder(board, channel)}/${WEB_INSTALL_MANIFEST}`,
    ]),
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

/** Writes the page and index.json; returns the page's path at the mirror root. */
async function writeOnce(session: MirrorSession, trust: SiteTrust, notes: InstallNotes, now: Date): Promise<string> {
  const previousIndex = parseIndex(await session.read(INDEX_JSON));
  const found = await releaseFolders(session, trust);
  await prefetchFolders(session, found);
  const folders = [];
  for (const location of found) {
    const state = await readFolder(
      session,
      location,
      { previous: previousIndex, notes, now: now.toISOString() },
      trust,
    );
    if (state) folders.push(state);
  }
  for (const { view, webManifest } of folders) {
    const path = `${releaseFolder(view.board, view.channel)}/${WEB_INSTALL_MANIFEST}`;
    if (webManifest) await writeIfChanged(session, path, webManifest.toString('latin1'), JSON_HEADERS);
    // A version without a first-install layout: the old manifest.json would flash the previous version.
    else if (await session.read(path)) await session.remove(path);
  }
  if (folders.some(({ webManifest }) => webManifest)) await writeInstallAssets(session);
  const index: SiteIndex = { generator: 'static-ota', releases: folders.map(({ view }) => view) };
  // Everything on the page comes from manifests, which are printable ASCII, so MirrorSession's latin1 text writes keep it exact.
  await writeIfChanged(session, INDEX_JSON, `${JSON.stringify(index, null, 2)}\n`, JSON_HEADERS);
  // The page last written is the previous index.json rendered, byte for byte: a session that can tell it holds that
  // (Pages, from object ids) need not fetch a page listing every older image to learn that it is ours.
  const previousPage = previousIndex && renderedOrUndefined(previousIndex);
  const page = await pagePath(session, previousPage);
  await writeIfChanged(session, page, renderPage(index), HTML_HEADERS, previousPage);
  return page;
}

/** The page an index.json read from the mirror renders to; undefined when its entries lack what rendering needs. */
function renderedOrUndefined(index: SiteIndex): string | undefined {
  try {
    return renderPage(index);
  } catch {
    return undefined;
  }
}

/** index.html, unless one that static-ota did not write is there: that one is kept. */
async function pagePath(session: MirrorSession, previousPage: string | undefined): Promise<string> {
  const existing = await readUnlessHeld(session, INDEX_HTML, previousPage);
  return !existing || existing.includes(GENERATOR_TAG) ? INDEX_HTML : FALLBACK_HTML;
}

/**
 * Regenerates the release page from the mirror. Every write is conditional, so
 * when a concurrent publisher changes a view between this run's read and write,
 * the page is read and written again (bounded); the last writer has seen every
 * latest.txt written before its read. Returns the page's path at the mirror root:
 * index.html, or releases.html beside a site's own index.html.
 */
export async function writeSite(
  session: MirrorSession,
  trust: SiteTrust,
  notes: InstallNotes = [],
  now = new Date(),
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeOnce(session, trust, notes, now);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (attempt >= MAX_CONFLICT_RETRIES) {
        throw new Error(
          `the release page kept changing under concurrent publishes (${error.message}); the next publish rewrites it`,
          { cause: error },
        );
      }
    }
  }
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string,
  );

function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;
}

function renderRelease(release: ReleaseView): string {
  const link = (path: string, text: string) => `<a href="${escapeHtml(path)}">${escapeHtml(text)}</a>`;
  const rows: Array<[string, string]> = [
    ['Image', `${link(release.image, lastSegment(release.image))}, ${formatSize(release.size)}`],
    ['SHA-256', `<code>${escapeHtml(release.sha256)}</code>`],
    ['Signed by', release.keyIds.map((keyId) => `<code>${escapeHtml(keyId)}</code>`).join(' ') || 'no signature'],
    [
      'Published',
      `<time datetime="${escapeHtml(release.published)}">${escapeHtml(release.published.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time>`,
    ],
    ['Manifest', link(release.manifest, release.manifest)],
  ];
  if (release.rollout !== undefined) rows.splice(3, 0, ['Rollout', `${escapeHtml(release.rollout)} %`]);
  if (release.expires !== undefined) rows.push(['Expires', escapeHtml(release.expires)]);
  if (release.older.length)
    rows.push(['Older images', release.older.map((older) => link(older.image, older.version)).join(', ')]);
  if (release.patches?.length)
    rows.push([
      'Delta patches',
      release.patches
        .map(
          (patch) =>
            `${link(patch.patch, `from ${patch.from}`)} (${formatSize(patch.size)}, ${link(patch.manifest, 'manifest')})`,
        )
        .join(', '),
    ]);
  return `<section class="release" data-board="${escapeHtml(release.board)}" data-channel="${escapeHtml(release.channel)}">
<h3><span class="channel">${escapeHtml(release.channel)}</span> <span class="version">${escapeHtml(release.version)}</span></h3>
<dl>${rows.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join('')}</dl>
${renderInstall(release)}
</section>`;
}

/**
 * ESP Web Tools renders one of the button's slots: `activate` where the browser has Web Serial
 * (`'serial' in navigator`) and the page is a secure context, else the note saying which is missing.
 * A release without a browser install says why instead.
 */
/** The install button in the page's colours; hidden until ESP Web Tools defines it, so no dead button shows. */
const INSTALL_STYLE = `esp-web-install-button{display:block;margin:.5rem 0}
esp-web-install-button:not(:defined){display:none}
.install{font:inherit;font-weight:600;color:#fff;background:#1a3d8f;border:0;border-radius:6px;padding:.45rem 1rem;cursor:pointer}
.install:hover{background:#132e6c}
.install:focus-visible{outline:3px solid #9db4ef;outline-offset:2px}
.install .chip{font-weight:400;font-size:.85rem;opacity:.85;margin-left:.3rem}
esp-web-install-button[active] .install{opacity:.6;cursor:progress}
`;

function renderInstall(release: ReleaseView): string {
  if (!release.install) {
    return release.noInstall === undefined
      ? ''
      : `<p class="install-note no-install">No install button: ${escapeHtml(release.noInstall)}.</p>`;
  }
  return `<esp-web-install-button manifest="${escapeHtml(release.install.manifest)}">
<button slot="activate" class="install">Install ${escapeHtml(release.version)} <span class="chip">${escapeHtml(release.install.chipFamily)}</span></button>
<p slot="unsupported" class="install-note">No install from this browser: it has no Web Serial. Use Chrome or Edge on a computer, with this page over https or on localhost.</p>
<p slot="not-allowed" class="install-note">No install from this page: Web Serial works only over https or on localhost.</p>
</esp-web-install-button>`;
}

export function renderPage(index: SiteIndex): string {
  const boards = [...new Set(index.releases.map((release) => release.board))];
  const sections = boards.map((board) => {
    const releases = index.releases.filter((release) => release.board === board);
    return `<article class="board" id="board-${escapeHtml(board)}"><h2>${escapeHtml(board)}</h2>\n${releases.map(renderRelease).join('\n')}</article>`;
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
${hasInstall ? INSTALL_STYLE : ''}</style>
${hasInstall ? `<script type="module" src="${INSTALL_SCRIPT}"></script>\n` : ''}</head>
<body>
<h1>Firmware releases</h1>
<p class="note">Devices read each board's <code>latest.txt</code> and check its Ed25519 signature; this page is a view of the mirror. Machine-readable: <a href="${INDEX_JSON}">${INDEX_JSON}</a>.</p>
${hasInstall ? '<p class="note">Install flashes a board over USB from the browser (ESP Web Tools). Web Serial needs Chrome or Edge on a computer, and this page over https (a <code>*.github.io</code> Pages site is https; devices can keep polling a plain-http custom domain).</p>\n' : ''}${sections.join('\n') || '<p>No releases yet.</p>'}
<p class="note">Generated by static-ota.</p>
</body>
</html>
`;
}
