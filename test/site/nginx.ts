// A real nginx serving a mirror folder on 127.0.0.1, as users serve mirrors,
// writing the access log in nginx's default `combined` format.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { temporaryFolder } from '../helpers.js';

export interface RunningNginx {
  url: string;
  accessLog: string;
  /** Stops nginx and waits for it to exit (the access log is complete then). */
  stop(): Promise<void>;
}

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? 'nginx';
const START_TIMEOUT_MS = 10_000;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP connect, not an HTTP request: the access log holds only the test's requests. */
export const accepts = (port: number): Promise<boolean> =>
  new Promise((resolveAccepts) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolveAccepts(true);
    });
    socket.on('error', () => resolveAccepts(false));
  });

async function waitForPort(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`nginx exited: ${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port} within ${START_TIMEOUT_MS} ms`);
}

/** Starts nginx in the foreground on a free loopback port with Debian's mime.types. */
export async function startNginx(root: string): Promise<RunningNginx> {
  const folder = temporaryFolder('static-ota-nginx-');
  const port = await freePort();
  const accessLog = join(folder, 'access.log');
  const errorLog = join(folder, 'error.log');
  // Workers run as the test's user: the mirror is in a private temporary folder.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(
    join(folder, 'nginx.conf'),
    `${user}daemon off;
worker_processes 1;
pid ${join(folder, 'nginx.pid')};
error_log ${errorLog} warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${accessLog} combined;
  client_body_temp_path ${folder}/body;
  proxy_temp_path ${folder}/proxy;
  fastcgi_temp_path ${folder}/fastcgi;
  uwsgi_temp_path ${folder}/uwsgi;
  scgi_temp_path ${folder}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`,
  );
  const child = spawn(NGINX, ['-p', folder, '-c', join(folder, 'nginx.conf')], { stdio: 'ignore' });
  await waitForPort(port, child, errorLog);
  return {
    url: `http://127.0.0.1:${port}`,
    accessLog,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}
