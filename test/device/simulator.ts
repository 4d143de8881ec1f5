// Builds and runs the device simulator (firmware/host, static-ota-device) for
// the end-to-end tests, and serves a mirror folder the way a static host does
// (Content-Length, ETag, 304), with hooks to misbehave.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { listen, SIMULATOR, type RunningServer } from '../helpers.js';

export interface DeviceRun {
  result: string;
  fields: Record<string, string>;
  line: string;
  exitCode: number;
}

/** The result of a run that `timeoutMs` had to end: the device's own timeouts did not stop it. */
export const KILLED = 'killed';

/** Runs one poll of the simulated device; the first token of its output line is result=<code>. */
export function runDevice(args: string[], timeoutMs = 30_000): Promise<DeviceRun> {
  return new Promise((resolve, reject) => {
    execFile(SIMULATOR, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const line = stdout.trim();
      if (error?.killed) {
        resolve({ result: KILLED, fields: {}, line, exitCode: -1 });
        return;
      }
      const fields = Object.fromEntries(
        [...line.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((match) => [match[1], match[2]]),
      );
      if (!fields.result) {
        reject(new Error(`no result line from static-ota-device: ${stdout}${stderr}${error?.message ?? ''}`));
        return;
      }
      const exitCode = error && typeof error.code === 'number' ? error.code : 0;
      resolve({ result: fields.result, fields, line, exitCode });
    });
  });
}

/** Handles a request itself and returns true, or returns false to let the mirror serve it. */
export type Fault = (request: IncomingMessage, response: ServerResponse, body: Buffer | undefined) => boolean;

export interface Mirror extends RunningServer {
  /** Replaced by each test; undefined serves the folder faithfully. */
  fault: Fault | undefined;
  requests: string[];
}

export async function serveMirror(root: string): Promise<Mirror> {
  // The handler reads the object the tests change, so a fault set later applies to the next request.
  const hooks: Pick<Mirror, 'fault' | 'requests'> = { fault: undefined, requests: [] };
  const server = await listen(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    hooks.requests.push(path);
    const body = path.includes('..') ? undefined : await readFile(join(root, path)).catch(() => undefined);
    if (hooks.fault?.(request, response, body)) return;
    if (!body) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { ETag: etag }).end();
      return;
    }
    response
      .writeHead(200, { 'Content-Length': body.length, ETag: etag, 'Content-Type': 'application/octet-stream' })
      .end(body);
  });
  return Object.assign(hooks, server);
}
