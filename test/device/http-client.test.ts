// The simulator's HTTP client (firmware/host/posix_http.cpp) against raw
// sockets on loopback: each malformed answer a mirror or CDN could send, and
// what the device makes of it. docs/protocol.md ("What the chips' HTTPClient
// does") says what the ESP8266 and ESP32 clients do in the same cases; the
// simulator is never more lenient than they are.
import { createServer, type Server, type Socket } from 'node:net';
import { parseSigningKey, signManifest } from '../../src/release/sign.js';
import { runDevice } from './simulator.js';

const key = parseSigningKey(Buffer.alloc(32, 9).toString('hex'), 'http test key');
const MANIFEST = signManifest(
  {
    version: '2.0.0',
    board: 'nodemcuv2',
    channel: 'stable',
    file: 'firmware-2.0.0.bin',
    size: 4096,
    sha256: 'ab'.repeat(32),
  },
  [key],
);
const ok = `HTTP/1.1 200 OK\r\nContent-Length: ${MANIFEST.length}\r\nConnection: close\r\n\r\n${MANIFEST}`;

interface RawServer {
  port: number;
  /** Every request head received, as raw text. */
  requests: string[];
  close(): Promise<void>;
}

/** Answers the n-th request with answers[n] (the last one repeats), written as given. */
async function rawServer(host: string, answers: string[]): Promise<RawServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      requests.push(received);
      socket.end(Buffer.from(answers[Math.min(requests.length - 1, answers.length - 1)], 'latin1'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function check(answers: string[], host = '127.0.0.1', urlHost = host) {
  const server = await rawServer(host, answers);
  try {
    const run = await runDevice([
      '--url',
      `http://${urlHost}:${server.port}/nodemcuv2/latest.txt`,
      '--pubkey',
      Buffer.from(key.publicKey).toString('hex'),
      '--version',
      '1.0.0',
      '--board',
      'nodemcuv2',
      '--check',
      '--timeout-ms',
      '2000',
      '--update-timeout-ms',
      '5000',
    ]);
    return { ...run, requests: server.requests };
  } finally {
    await server.close();
  }
}

const redirectTo = (location: string): string =>
  `HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;

describe('the simulated device HTTP client', () => {
  it('takes a well-formed answer (the control case)', async () => {
    const run = await check([ok]);
    expect([run.result, run.fields.offered]).toEqual(['update_available', '2.0.0']);
  });

  it('follows a clean redirect to a path', async () => {
    const run = await check([redirectTo('/elsewhere/latest.txt'), ok]);
    expect(run.result).toBe('update_available');
    expect(run.requests[1]).toMatch(/^GET \/elsewhere\/latest\.txt HTTP\/1\.1\r\n/);
  });

  it.each([
    ['a bare LF', '/x\nCookie: injected=1'],
    ['a space', '/x HTTP/1.1\r\nCookie: injected=1'.replace('\r\n', ' ')],
    ['a control character', '/x\u0001y'],
    ['a bare CR', '/x\rCookie: injected=1'],
    ['a non-ASCII byte', '/caf\u00e9'],
  ])('refuses a Location with %s and sends nothing more', async (_name, location) => {
    const run = await check([redirectTo(location), ok]);
    expect([run.result, run.fields.detail]).toEqual(['network', 'bad_response']);
    expect(run.requests).toHaveLength(1);
    expect(run.requests.join('')).not.toMatch(/cookie/i);
  });

  it('stops at a relative Location ("p", not "/p"), as the chips do, with the 3xx status', async () => {
    const run = await check([redirectTo('elsewhere/latest.txt'), ok]);
    expect([run.result, run.fields.http_status, run.requests.length]).toEqual(['http_status', '302', 1]);
  });

  it.each([['HTTP/1.1 2:0 OK'], ['HTTP/1.1 20 OK'], ['HTTP/1.1 2000 OK'], ['HTTP/1.1 +20 OK'], ['HTTP/1.x 200 OK']])(
    'refuses the status line %j',
    async (statusLine) => {
      const run = await check([ok.replace('HTTP/1.1 200 OK', statusLine)]);
      expect([run.result, run.fields.detail]).toEqual(['network', 'bad_response']);
    },
  );

  it('takes a status line without a reason phrase', async () => {
    const run = await check([ok.replace('HTTP/1.1 200 OK', 'HTTP/1.1 200')]);
    expect(run.result).toBe('update_available');
  });

  it.each([
    ['every line', ok.replace(/\r\n/g, '\n')],
    ['one header line', ok.replace('Content-Length', 'X-Padding: a\nContent-Length')],
    ['the status line', ok.replace('HTTP/1.1 200 OK\r\n', 'HTTP/1.1 200 OK\n')],
  ])('refuses a bare LF ending %s of the head', async (_name, answer) => {
    const run = await check([answer]);
    expect([run.result, run.fields.detail]).toEqual(['network', 'bad_response']);
  });

  it.each([['100 Continue'], ['103 Early Hints']])(
    'ends at an interim %s with its status, as the chips do',
    async (interim) => {
      const run = await check([`HTTP/1.1 ${interim}\r\nLink: </x.css>; rel=preload\r\n\r\n${ok}`]);
      expect([run.result, run.fields.http_status]).toEqual(['http_status', interim.slice(0, 3)]);
    },
  );

  it('connects to an IPv6 literal, with the brackets in the Host header', async () => {
    const run = await check([ok], '::1', '[::1]');
    expect(run.result).toBe('update_available');
    expect(run.requests[0]).toMatch(/\r\nHost: \[::1\]:\d+\r\n/);
  });

  it.each([['[::1'], ['[::1]x'], ['[zz::1]'], ['[]']])('refuses the malformed IPv6 authority %s', async (authority) => {
    const run = await runDevice([
      '--url',
      `http://${authority}:80/nodemcuv2/latest.txt`,
      '--pubkey',
      Buffer.from(key.publicKey).toString('hex'),
      '--version',
      '1.0.0',
      '--board',
      'nodemcuv2',
      '--check',
      '--timeout-ms',
      '500',
    ]);
    expect([run.result, run.fields.detail]).toEqual(['network', 'bad_url']);
  });
});
