// Shared test fixtures: temporary folders, sample ESP images, keys and a static HTTP server.
import { createServer, type Server, type ServerResponse, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { generateKey, type GeneratedKey } from '../src/release/sign.js';

const ROOT = join(import.meta.dirname, '..');

/** The action bundled from the current sources by test/global-setup.mjs. */
export function bundledActionEntry(): string {
  const bundle = process.env.STATIC_OTA_TEST_BUNDLE;
  if (!bundle)
    throw new Error(
      'STATIC_OTA_TEST_BUNDLE is not set: run the tests through jest (test/global-setup.mjs bundles the action)',
    );
  return join(bundle, 'index.js');
}

/** The CLI bundled by test/global-setup.mjs (dist/cli.js as users run it). */
export const bundledCli = (): string => join(dirname(bundledActionEntry()), 'cli.js');

/** The device simulator (firmware/host), built by test/global-setup.mjs. */
export const SIMULATOR = join(ROOT, 'firmware', 'build', 'static-ota-device');

const temporaryFolders: string[] = [];

export function temporaryFolder(prefix = 'static-ota-test-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** `static-ota publish` of `firmware` as `version` for nodemcuv2, signed with one key file; the mirror options follow. */
export const publishCommand = (firmware: string, keyPath: string, version: string): string[] => [
  'publish',
  '--firmware',
  firmware,
  '--version',
  version,
  '--board',
  'nodemcuv2',
  '--key',
  keyPath,
];

/** An ESP application image (magic 0xE9) that embeds the given public key, as real firmware does. */
export function writeEspImage(
  path: string,
  options: { publicKey?: Uint8Array; size?: number; marker?: string } = {},
): Buffer {
  const { publicKey = new Uint8Array(), size = 4096, marker = '' } = options;
  const content = Buffer.concat([Buffer.from([0xe9, 0x03, 0x02, 0x40]), Buffer.from(marker), Buffer.from(publicKey)]);
  const image = Buffer.concat([content, Buffer.alloc(Math.max(0, size - content.length), 0xa5)]);
  writeFileSync(path, image);
  return image;
}

export interface KeyFile extends GeneratedKey {
  path: string;
  publicHex: string;
}

export function writeKeyFile(folder: string, name = 'key.pem'): KeyFile {
  const key = generateKey();
  const path = join(folder, name);
  writeFileSync(path, key.privatePem, { mode: 0o600 });
  return { ...key, path, publicHex: Buffer.from(key.publicKey).toString('hex') };
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 with an ephemeral port. */
export async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<RunningServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves a folder read-only, as a static mirror does (with Content-Length). */
export function serveFolder(root: string): Promise<RunningServer> {
  return listen(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    if (path.includes('..')) {
      response.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(join(root, path));
      response.writeHead(200, { 'Content-Length': body.length, 'Content-Type': 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
}
