// A week of a fleet's nginx `combined` access log, for the fleet benchmark (scripts/bench-fleet.mjs) and tests:
// devices poll latest.txt; when a release reaches them (staged by the device's place in the rollout) they fetch its
// image and poll with the new version from then on; a few polls fail; browsers and monitors add other lines.
// Deterministic: the same arguments write the same bytes.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 10, 23);
const RELEASES = [
  {
    board: 'nodemcuv2',
    channel: 'stable',
    versions: [
      ['1.0.0', 0, 100],
      ['1.1.0', 2, 100],
      ['1.2.0', 5, 40],
    ],
  },
  {
    board: 'esp32dev',
    channel: 'stable',
    versions: [
      ['2.3.0', 0, 100],
      ['2.4.0', 3, 100],
    ],
  },
  {
    board: 'esp32dev',
    channel: 'beta',
    versions: [
      ['2.4.0-beta.1', 0, 100],
      ['2.5.0-beta.1', 4, 100],
    ],
  },
];
const NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value) => String(value).padStart(2, '0');

/** nginx's $time_local, in UTC. */
export function logTime(ms) {
  const date = new Date(ms);
  return (
    `${pad(date.getUTCDate())}/${NAMES[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** xorshift32: fast, seeded, good enough to spread devices. */
function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/**
 * Writes `lines` lines from `devices` devices over `days` days to `file`; half the devices send an id, the others
 * are known by their address. Resolves to the number of device lines.
 */
export async function writeFleetLog(file, { lines, devices, days = 7, library = '1.0.0', seed = 7 }) {
  const next = random(seed);
  const current = new Int8Array(devices);
  const groupOf = (device) => device % RELEASES.length;
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const step = (days * DAY_MS) / lines;
  let batch = '';
  let deviceLines = 0;
  for (let index = 0; index < lines; index++) {
    const time = START + Math.floor(index * step);
    const device = Math.floor(next() * devices);
    if (next() < 0.02) {
      batch += `203.0.113.${device % 250} - - [${logTime(time)}] "GET / HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"\n`;
    } else {
      const { board, channel, versions } = RELEASES[groupOf(device)];
      const offered = versions.findLastIndex(
        ([, day, rollout]) => time >= START + day * DAY_MS && (device * 7919) % 100 < rollout,
      );
      const running = versions[current[device]][0];
      const folder = channel === 'stable' ? board : `${board}/${channel}`;
      const id = device % 2 === 0 ? `; dev-${device.toString(36)}` : '';
      const agent = `static-ota/${library} (${board}; ${running}; ${channel}${id})`;
      const address = `10.${(device >> 16) & 255}.${(device >> 8) & 255}.${device & 255}`;
      let request = `GET /${folder}/latest.txt HTTP/1.1`;
      let status = next() < 0.005 ? 503 : 200;
      if (offered > current[device] && status === 200) {
        request = `GET /${folder}/firmware-${versions[offered][0]}.bin HTTP/1.1`;
        current[device] = offered;
      } else if (status === 200 && next() < 0.002) status = 404;
      batch += `${address} - - [${logTime(time)}] "${request}" ${status} 312 "-" "${agent}"\n`;
      deviceLines++;
    }
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  return deviceLines;
}
