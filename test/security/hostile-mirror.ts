// A hostile mirror for the attack battery: a raw TCP server on 127.0.0.1 that
// speaks just enough HTTP/1.1 to be asked for a path, then answers however the
// test wants, down to the socket: wrong lengths, endless or trickled bodies,
// chunked encoding, resets in the middle of a body, redirect loops.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

export interface HostileRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
}

/** Writes a whole answer on the socket, however malformed. */
export type Responder = (socket: Socket, request: HostileRequest) => void;

/** Paths (e.g. /nodemcuv2/latest.txt) and what each one gets; anything else is a 404. */
export type Routes = Record<string, Responder>;

/** Requests larger than this are a test bug or a confused client: the socket is dropped. */
const MAX_REQUEST_HEAD = 16 * 1024;

export interface HostileMirror {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Replaces every route; the answers apply from the next request on. */
  serve(routes: Routes): void;
  close(): Promise<void>;
}

function parseRequestHead(head: string): HostileRequest {
  const [requestLine, ...headerLines] = head.split('\r\n');
  const [method = '', target = '/'] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method, path: new URL(target, 'http://mirror').pathname, headers };
}

export async function startHostileMirror(): Promise<HostileMirror> {
  let routes: Routes = {};
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that hangs up first (the device refusing early) is expected.
    socket.on('error', () => socket.destroy());
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > MAX_REQUEST_HEAD) socket.destroy();
        return;
      }
      socket.off('data', onData);
      const request = parseRequestHead(received.subarray(0, end).toString('latin1'));
      (routes[request.path] ?? respond(404, 'not found'))(socket, request);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (next) => {
      routes = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

type Headers = Record<string, string | number>;

/** The status line and headers of an answer, ending with the blank line. */
export function responseHead(status: number, headers: Headers = {}): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} Hostile\r\n${lines.join('')}Connection: close\r\n\r\n`;
}

const asBuffer = (body: Buffer | string): Buffer => (typeof body === 'string' ? Buffer.from(body, 'latin1') : body);

/** A complete answer; Content-Length is the body's unless the headers say otherwise (or `null` to leave it out). */
export function respond(
  status: number,
  body: Buffer | string,
  headers: Record<string, string | number | null> = {},
): Responder {
  const bytes = asBuffer(body);
  const merged: Headers = {};
  for (const [name, value] of Object.entries({ 'Content-Length': bytes.length, ...headers })) {
    if (value !== null) merged[name] = value;
  }
  return (socket) => {
    socket.end(Buffer.concat([Buffer.from(responseHead(status, merged), 'latin1'), bytes]));
  };
}

/** Strong validator of a body, as static hosts derive it from the content. */
export const etagOf = (body: Buffer | string): string =>
  `"${createHash('sha256').update(asBuffer(body)).digest('hex').slice(0, 16)}"`;

/** What an honest static host does: 200 with Content-Length and ETag, 304 when the client already has this body. */
export function faithfully(body: Buffer | string): Responder {
  const etag = etagOf(body);
  const fresh = respond(200, body, { ETag: etag });
  const unchanged = respond(304, '', { ETag: etag, 'Content-Length': null });
  return (socket, request) => (request.headers['if-none-match'] === etag ? unchanged : fresh)(socket, request);
}

/** The body with no length: it ends when the connection closes. */
export const withoutLength = (body: Buffer | string): Responder => respond(200, body, { 'Content-Length': null });

/** The body in HTTP/1.1 chunked transfer coding, correctly framed, with no Content-Length. */
export function chunked(body: Buffer | string): Responder {
  const bytes = asBuffer(body);
  return (socket) => {
    socket.write(responseHead(200, { 'Transfer-Encoding': 'chunked' }));
    socket.end(Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')]));
  };
}

/** Writes the head, then filler bytes for as long as the client keeps reading. */
export function endless(head: string, filler: string | number = 'x'): Responder {
  const block = Buffer.alloc(64 * 1024, filler);
  return (socket) => {
    socket.write(head);
    const pump = (): void => {
      while (!socket.destroyed && socket.write(block));
    };
    socket.on('drain', pump);
    pump();
  };
}

/** One byte of the body per interval, after the head at once, or with `headToo` one byte of the head per interval as well. */
export function trickle(body: Buffer | string, options: { headToo?: boolean; intervalMs?: number } = {}): Responder {
  const { headToo = false, intervalMs = 1000 } = options;
  const head = Buffer.from(responseHead(200, { 'Content-Length': asBuffer(body).length }), 'latin1');
  const bytes = headToo ? Buffer.concat([head, asBuffer(body)]) : asBuffer(body);
  return (socket) => {
    if (!headToo) socket.write(head);
    let sent = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || sent === bytes.length) {
        clearInterval(timer);
        socket.end();
        return;
      }
      socket.write(bytes.subarray(sent, ++sent));
    }, intervalMs);
    socket.on('close', () => clearInterval(timer));
  };
}

/** Sends the head and the first `offset` body bytes, then nothing: the connection stays open until the client leaves. */
export function stallAfter(body: Buffer | string, offset: number): Responder {
  const bytes = asBuffer(body);
  return (socket) => {
    socket.write(
      Buffer.concat([
        Buffer.from(responseHead(200, { 'Content-Length': bytes.length }), 'latin1'),
        bytes.subarray(0, offset),
      ]),
    );
  };
}

/** Sends the head and the first `offset` body bytes, then resets the connection (TCP RST). */
export function resetAfter(body: Buffer | string, offset: number, headers: Headers = {}): Responder {
  const bytes = asBuffer(body);
  return (socket) => {
    const head = Buffer.from(responseHead(200, { 'Content-Length': bytes.length, ...headers }), 'latin1');
    // The reset waits until the bytes are handed to the kernel, so the device sees them first.
    socket.write(Buffer.concat([head, bytes.subarray(0, offset)]), () => socket.resetAndDestroy());
  };
}

/** Closes the connection without answering at all. */
export const hangUp: Responder = (socket) => {
  socket.end();
};
