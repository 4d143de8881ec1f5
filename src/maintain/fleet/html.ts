// `static-ota fleet --html`: the report as one self-contained page. Charts are
// SVG drawn here, at build time: no script, no font, no request leaving the
// file (its Content-Security-Policy forbids them), so it opens from a mail
// attachment or an artifact store on any phone. Every text from the logs is
// escaped; every drawn series carries its numbers (data-values) for scripts and tests.
import type { FleetReport, GroupSeries, VersionStatus } from './tally.js';
import type { MirrorRollout } from './mirror.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const WIDTH = 480;
const HEIGHT = 200;
const LEFT = 52;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 26;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
/** Colour-blind-safe (Okabe-Ito), newest version first. */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#999999'];
const colourOf = (index: number): string => PALETTE[index % PALETTE.length];

/** 1, 2 or 5 times a power of ten, at least `value`: an axis maximum people can read. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) as number) * power;
}

const round = (value: number): string => String(Math.round(value * 10) / 10);

interface Axis {
  x: (index: number) => number;
  y: (value: number) => number;
}

function axisFor(count: number, maximum: number): Axis {
  const span = Math.max(count - 1, 1);
  return {
    x: (index) => LEFT + (count === 1 ? PLOT_WIDTH / 2 : (index / span) * PLOT_WIDTH),
    y: (value) => TOP + PLOT_HEIGHT - (value / maximum) * PLOT_HEIGHT,
  };
}

/** Bucket labels: `11-23` by the day, `11-23 14h` by the hour (UTC). */
const bucketLabel = (iso: string, hourly: boolean): string =>
  hourly ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(5, 10);

/** Grid, y ticks (0, half, maximum, with `unit`) and the first, middle and last bucket labels. */
function frame(buckets: string[], hourly: boolean, maximum: number, axis: Axis, unit = ''): string {
  const ticks = [0, maximum / 2, maximum].map(
    (value) =>
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${round(axis.y(value))}" y2="${round(axis.y(value))}" class="grid"/>` +
      `<text x="${LEFT - 6}" y="${round(axis.y(value) + 4)}" text-anchor="end">${round(value)}${unit}</text>`,
  );
  const labelled = [...new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])];
  const labels = labelled.map((index) => {
    const anchor =
      buckets.length === 1 ? 'middle' : index === 0 ? 'start' : index === buckets.length - 1 ? 'end' : 'middle';
    return `<text x="${round(axis.x(index))}" y="${HEIGHT - 8}" text-anchor="${anchor}">${escapeHtml(bucketLabel(buckets[index], hourly))}</text>`;
  });
  return [...ticks, ...labels].join('');
}

const points = (values: number[], axis: Axis): string[] =>
  values.map((value, index) => `${round(axis.x(index))},${round(axis.y(value))}`);

/** A line through `values`; one bucket is a dot. */
function line(values: number[], axis: Axis, colour: string, name: string, dashed = false): string {
  const data = `data-series="${escapeHtml(name)}" data-values="${values.join(',')}"`;
  if (values.length === 1)
    return `<circle cx="${round(axis.x(0))}" cy="${round(axis.y(values[0]))}" r="4" fill="${colour}" ${data}/>`;
  const dash = dashed ? ' stroke-dasharray="5 4"' : '';
  return `<polyline points="${points(values, axis).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dash} ${data}/>`;
}

function svg(kind: string, label: string, body: string): string {
  return (
    `<svg data-chart="${kind}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">` +
    `${body}</svg>`
  );
}

const legend = (entries: Array<{ name: string; colour: string; dashed?: boolean }>): string =>
  `<ul class="legend">${entries
    .map(
      ({ name, colour, dashed }) =>
        `<li><span class="swatch${dashed ? ' dashed' : ''}" style="--c:${colour}"></span>${escapeHtml(name)}</li>`,
    )
    .join('')}</ul>`;

/** Devices per version, stacked (oldest version at the bottom), so the top edge is the devices seen per bucket. */
function devicesChart(group: GroupSeries, buckets: string[], hourly: boolean): string {
  const stacked = [...group.versions].reverse();
  const totals = buckets.map((_, index) => stacked.reduce((sum, version) => sum + version.devices[index], 0));
  const maximum = niceCeiling(Math.max(...totals));
  const axis = axisFor(buckets.length, maximum);
  const below = buckets.map(() => 0);
  const bands = stacked.map((version) => {
    const colour = colourOf(group.versions.indexOf(version));
    const lower = [...below];
    version.devices.forEach((value, index) => (below[index] += value));
    const data = `data-series="${escapeHtml(version.version)}" data-values="${version.devices.join(',')}"`;
    if (buckets.length === 1) {
      const [x, top, bottom] = [axis.x(0), axis.y(below[0]), axis.y(lower[0])];
      return `<rect x="${round(x - 40)}" y="${round(top)}" width="80" height="${round(bottom - top)}" fill="${colour}" ${data}/>`;
    }
    const outline = [...points(below, axis), ...points(lower, axis).reverse()].join(' ');
    return `<polygon points="${outline}" fill="${colour}" fill-opacity="0.85" ${data}/>`;
  });
  return (
    svg(
      'devices',
      `devices per version, ${group.board} ${group.channel}`,
      frame(buckets, hourly, maximum, axis) + bands.join(''),
    ) + legend(group.versions.map((version, index) => ({ name: version.version, colour: colourOf(index) })))
  );
}

/** Share of the bucket's devices running each version, with the offered release's rollout share as a dashed line. */
function adoptionChart(group: GroupSeries, buckets: string[], hourly: boolean, rollout?: MirrorRollout): string {
  const axis = axisFor(buckets.length, 100);
  const share = (devices: number[]): number[] =>
    devices.map((value, index) =>
      group.devices[index] === 0 ? 0 : Math.round((value / group.devices[index]) * 1000) / 10,
    );
  const lines = group.versions.map((version, index) =>
    line(share(version.devices), axis, colourOf(index), version.version),
  );
  const entries: Array<{ name: string; colour: string; dashed?: boolean }> = group.versions.map((version, index) => ({
    name: version.version,
    colour: colourOf(index),
  }));
  let marker = '';
  if (rollout) {
    const offered = group.versions.findIndex((version) => version.version === rollout.version);
    const colour = offered < 0 ? '#555555' : colourOf(offered);
    const y = round(axis.y(rollout.rollout));
    marker =
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4" ` +
      `data-rollout="${rollout.rollout}" data-version="${escapeHtml(rollout.version)}"/>`;
    entries.push({ name: `${rollout.version} offered to ${rollout.rollout} %`, colour, dashed: true });
  }
  return (
    svg(
      'adoption',
      `adoption, ${group.board} ${group.channel}`,
      frame(buckets, hourly, 100, axis, ' %') + lines.join('') + marker,
    ) + legend(entries)
  );
}

/** Polls and image fetches, then failures and failed image fetches, on their own scales. */
function requestCharts(group: GroupSeries, buckets: string[], hourly: boolean): [string, string] {
  const chart = (kind: string, label: string, series: Array<[string, number[], string]>): string => {
    const maximum = niceCeiling(Math.max(...series.flatMap(([, values]) => values)));
    const axis = axisFor(buckets.length, maximum);
    return (
      svg(
        kind,
        `${label}, ${group.board} ${group.channel}`,
        frame(buckets, hourly, maximum, axis) +
          series.map(([name, values, colour]) => line(values, axis, colour, name)).join(''),
      ) + legend(series.map(([name, , colour]) => ({ name, colour })))
    );
  };
  return [
    chart('requests', 'polls and image fetches', [
      ['polls', group.polls, '#0072b2'],
      ['image fetches', group.imageFetches, '#009e73'],
    ]),
    chart('failures', 'failures', [
      ['failures (4xx/5xx)', group.failures, '#d55e00'],
      ['failed image fetches', group.imageFailures, '#000000'],
    ]),
  ];
}

const COLUMNS: Array<[keyof VersionStatus, string]> = [
  ['version', 'version'],
  ['clients', 'clients'],
  ['current', 'current'],
  ['polls', 'polls'],
  ['pollingClients', 'polling'],
  ['imageFetches', 'images'],
  ['fetchingClients', 'fetching'],
  ['failures', 'failed'],
];

function table(rows: VersionStatus[]): string {
  const head = COLUMNS.map(([, title]) => `<th>${title}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${COLUMNS.map(([key]) => `<td data-key="${key}">${escapeHtml(String(row[key]))}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const STYLE = `
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:12px;color:#1a1a1a;background:#fff}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.6em 0 .3em;border-top:1px solid #ddd;padding-top:.8em}
h3{font-size:1em;margin:1em 0 .2em;color:#444}p{margin:.3em 0}.note{color:#555;font-size:.9em}
svg{width:100%;height:auto;display:block}svg text{font-size:14px;fill:#444}.grid{stroke:#e5e5e5}
.legend{list-style:none;padding:0;margin:.2em 0 .6em;display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:.9em}
.swatch{display:inline-block;width:1em;height:.7em;margin-right:.35em;background:var(--c)}
.swatch.dashed{height:0;border-top:2px dashed var(--c);vertical-align:middle;background:none}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 24px}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:.25em .6em;text-align:right;border-bottom:1px solid #eee;white-space:nowrap}th:first-child,td:first-child{text-align:left}
`;

function section(report: FleetReport, group: GroupSeries, rollouts: MirrorRollout[]): string {
  const { buckets, bucket } = report.series as NonNullable<FleetReport['series']>;
  const hourly = bucket === 'hour';
  const rollout = rollouts.find((entry) => entry.board === group.board && entry.channel === group.channel);
  const rows = report.versions.filter((row) => row.board === group.board && row.channel === group.channel);
  const [requests, failures] = requestCharts(group, buckets, hourly);
  const offered = rollout ? ` · offered: ${escapeHtml(rollout.version)} to ${rollout.rollout} % of devices` : '';
  return (
    `<section data-board="${escapeHtml(group.board)}" data-channel="${escapeHtml(group.channel)}">` +
    `<h2>${escapeHtml(group.board)} · ${escapeHtml(group.channel)}</h2><p class="note">devices seen per ${bucket} (UTC)${offered}</p>` +
    `<div class="charts"><div><h3>Devices per version</h3>${devicesChart(group, buckets, hourly)}</div>` +
    `<div><h3>Adoption (share of devices seen)</h3>${adoptionChart(group, buckets, hourly, rollout)}</div>` +
    `<div><h3>Polls and image fetches</h3>${requests}</div><div><h3>Failures</h3>${failures}</div></div>` +
    `<h3>Today's table</h3>${table(rows)}</section>`
  );
}

/** The whole page. `rollouts`: what the mirror offers now (--mirror), to mark on the adoption charts. */
export function renderFleetPage(report: FleetReport, rollouts: MirrorRollout[] = []): string {
  const window = report.from
    ? `${report.deviceRequests} requests from static-ota devices, ${escapeHtml(report.from)} to ${escapeHtml(report.to ?? '')}`
    : 'no requests from static-ota devices';
  const skipped = report.overlongLines ? `, ${report.overlongLines} overlong lines skipped` : '';
  const groups = report.series?.groups ?? [];
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="static-ota fleet">' +
    `<title>Fleet report</title><style>${STYLE}</style></head><body><h1>Fleet report</h1>` +
    `<p>${window} (${report.otherLines} other log lines ignored${skipped}).</p>` +
    `<p class="note">A device is a device id where the sketch sends one, else an address running a board and channel.</p>` +
    groups.map((group) => section(report, group, rollouts)).join('') +
    '</body></html>\n'
  );
}
