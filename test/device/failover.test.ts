// Mirror failover, end to end: the simulated device is given up to three
// manifest URLs on 127.0.0.1. A primary that is down (closed port, 500,
// hanging), that cannot serve the image it offers, or that trickles its
// manifest passes the poll to the next mirror within the poll's time bound,
// and a primary that is stale but validly signed is probed past.
import { cpSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { removeTemporaryFolders } from '../helpers.js';
import { serveMirror, type Mirror } from './simulator.js';
import { BOARD, startFleet, type Fleet } from '../maintain/support.js';

const READ_TIMEOUT_MS = 1000;
const UPDATE_TIMEOUT_MS = 6000;
const MIRROR_PROBE_INTERVAL = 9; // kMirrorProbeInterval
const LATEST = `/${BOARD}/latest.txt`;

const servers: Mirror[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
afterAll(removeTemporaryFolders);

async function fleetWithRelease(): Promise<Fleet> {
  const fleet = await startFleet();
  servers.push(fleet.server);
  await fleet.publish('1.1.0');
  return fleet;
}

async function mirrorOf(folder: string): Promise<Mirror> {
  const server = await serveMirror(folder);
  servers.push(server);
  return server;
}

/** A URL on 127.0.0.1 where nothing listens. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${LATEST}`;
}

const timeouts = ['--timeout-ms', String(READ_TIMEOUT_MS), '--update-timeout-ms', String(UPDATE_TIMEOUT_MS)];

describe('mirror failover', () => {
  it.each([
    ['closed port', 'closed'],
    ['500', 'error'],
    ['hanging', 'hang'],
  ] as const)(
    'with the primary down (%s), the second mirror serves the update within the time bound',
    async (_name, mode) => {
      const fleet = await fleetWithRelease();
      const backup = await mirrorOf(fleet.mirrorFolder);
      let primary = await closedPortUrl();
      if (mode !== 'closed') {
        const broken = await mirrorOf(fleet.mirrorFolder);
        broken.fault = (_request, response) => {
          if (mode === 'error') response.writeHead(500, { 'Content-Length': 5 }).end('error');
          return true; // 'hang': never answered
        };
        primary = `${broken.url}${LATEST}`;
      }
      const started = Date.now();
      const run = await fleet.device({ version: '1.0.0', urls: [primary, `${backup.url}${LATEST}`], extra: timeouts });
      expect(Date.now() - started).toBeLessThan(UPDATE_TIMEOUT_MS);
      expect(run).toMatchObject({ result: 'updated', fields: { offered: '1.1.0', mirror: '1' } });
      // The image came from beside the manifest that was accepted.
      expect(backup.requests).toEqual([LATEST, `/${BOARD}/firmware-1.1.0.bin`]);
    },
  );

  it('with three mirrors, the first down and the second answering 404, the third serves', async () => {
    const fleet = await fleetWithRelease();
    const empty = await mirrorOf(join(fleet.folder, 'nothing-here'));
    const third = await mirrorOf(fleet.mirrorFolder);
    const urls = [await closedPortUrl(), `${empty.url}${LATEST}`, `${third.url}${LATEST}`];
    const run = await fleet.device({ version: '1.0.0', urls, extra: timeouts });
    expect(run).toMatchObject({ result: 'updated', fields: { mirror: '2' } });
    expect(empty.requests).toEqual([LATEST]);
  });

  it('reports the failure of the last mirror when every mirror fails', async () => {
    const fleet = await fleetWithRelease();
    const run = await fleet.device({
      version: '1.0.0',
      urls: [await closedPortUrl(), await closedPortUrl()],
      extra: timeouts,
    });
    expect(run).toMatchObject({ result: 'network', fields: { detail: 'connect', mirror: '1' } });
  });

  it('a primary offering a release whose image it answers 404 for passes the poll to the fallback', async () => {
    const fleet = await fleetWithRelease();
    const primary = await mirrorOf(fleet.mirrorFolder);
    primary.fault = (request, response) => {
      if (!request.url?.endsWith('.bin')) return false;
      response.writeHead(404, { 'Content-Length': 9 }).end('not found');
      return true;
    };
    const backup = await mirrorOf(fleet.mirrorFolder);
    const urls = [`${primary.url}${LATEST}`, `${backup.url}${LATEST}`];
    const run = await fleet.device({ version: '1.0.0', urls, extra: timeouts });
    expect(run).toMatchObject({ result: 'updated', fields: { offered: '1.1.0', mirror: '1' } });
    const image = `/${BOARD}/firmware-1.1.0.bin`;
    expect(primary.requests).toEqual([LATEST, image]);
    expect(backup.requests).toEqual([LATEST, image]);
  });

  it('a primary trickling latest.txt, each byte within the read timeout, leaves the fallback its share of the time bound', async () => {
    const fleet = await fleetWithRelease();
    const primary = await mirrorOf(fleet.mirrorFolder);
    primary.fault = (_request, response, body) => {
      if (!body) return false;
      response.writeHead(200, { 'Content-Length': body.length });
      let sent = 0;
      const trickle = setInterval(() => {
        if (sent < body.length) response.write(body.subarray(sent, ++sent));
      }, READ_TIMEOUT_MS / 4);
      response.on('close', () => clearInterval(trickle));
      return true;
    };
    const backup = await mirrorOf(fleet.mirrorFolder);
    const started = Date.now();
    const urls = [`${primary.url}${LATEST}`, `${backup.url}${LATEST}`];
    const run = await fleet.device({ version: '1.0.0', urls, extra: timeouts });
    expect(Date.now() - started).toBeLessThan(UPDATE_TIMEOUT_MS);
    expect(run).toMatchObject({ result: 'updated', fields: { offered: '1.1.0', mirror: '1' } });
    expect(backup.requests).toEqual([LATEST, `/${BOARD}/firmware-1.1.0.bin`]);
  });

  it('a primary replaying an older signed release does not hide a newer one on the fallback from a device with a version store', async () => {
    const fleet = await startFleet();
    servers.push(fleet.server);
    await fleet.publish('1.5.0');
    const replayFolder = join(fleet.folder, 'replay');
    cpSync(fleet.mirrorFolder, replayFolder, { recursive: true });
    // 2.0.0 is first offered to 10 %: a device without an id records the offer and waits.
    await fleet.publish('2.0.0', ['--rollout', '10']);
    const state = join(fleet.folder, 'device-state.txt');
    expect((await fleet.device({ version: '1.0.0', state, extra: timeouts })).result).toBe('not_in_rollout');
    expect(readFileSync(state, 'latin1')).toMatch(/^offer=2\.0\.0 0$/m);
    await fleet.rollout(100);
    const replay = await mirrorOf(replayFolder);
    const fresh = await mirrorOf(fleet.mirrorFolder);
    const urls = [`${replay.url}${LATEST}`, `${fresh.url}${LATEST}`];
    const run = await fleet.device({ version: '1.0.0', state, urls, extra: timeouts });
    expect(run).toMatchObject({ result: 'updated', fields: { offered: '2.0.0', mirror: '1' } });
    expect(readFileSync(state, 'latin1')).toMatch(/^highest=2\.0\.0$/m);
  });

  it('a stale primary with a validly signed older manifest is probed past within the probe interval; idle polls ask the primary only', async () => {
    const fleet = await fleetWithRelease();
    // The primary still holds the mirror as it was at 1.0.0 (a lagging sync).
    const staleFolder = join(fleet.folder, 'stale');
    cpSync(fleet.mirrorFolder, staleFolder, { recursive: true });
    await fleet.publish('1.2.0');
    const stale = await mirrorOf(staleFolder);
    const fresh = await mirrorOf(fleet.mirrorFolder);
    const state = join(fleet.folder, 'device-state.txt');
    const results: string[] = [];
    for (let poll = 1; poll <= MIRROR_PROBE_INTERVAL; poll++) {
      const run = await fleet.device({
        version: '1.1.0',
        state,
        urls: [`${stale.url}${LATEST}`, `${fresh.url}${LATEST}`],
        extra: timeouts,
      });
      results.push(`${run.result}@${run.fields.mirror}:${run.fields.http_status}`);
      if (poll < MIRROR_PROBE_INTERVAL) expect(fresh.requests).toEqual([]);
    }
    expect(results.slice(0, 2)).toEqual(['no_update@0:200', 'no_update@0:200']);
    // Once the primary's validators repeat, idle polls cost it one 304 each.
    expect(results.slice(2, MIRROR_PROBE_INTERVAL - 1).every((result) => result === 'no_update@0:304')).toBe(true);
    expect(results[MIRROR_PROBE_INTERVAL - 1]).toBe('updated@1:200');
    expect(readFileSync(join(fleet.mirrorFolder, BOARD, 'latest.txt'), 'latin1')).toMatch(/^1\.2\.0\n/);
    // The probe poll asks the fallback first, and its offer ends the poll before the primary is asked.
    expect(stale.requests.filter((path) => path === LATEST)).toHaveLength(MIRROR_PROBE_INTERVAL - 1);
  });
});
