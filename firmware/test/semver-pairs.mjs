// Writes deterministic version pairs ordered by npm `semver`, and validity
// cases, for the differential test of the C++ version rules (core_tests semver).
//   cmp <a> <b> <-1|0|1>     semver.compare(a, b)
//   valid <text> <0|1>       SemVer 2.0.0 grammar within the protocol's bounds
import { writeFileSync } from 'node:fs';
import semver from 'semver';

const output = process.argv[2];
if (!output) {
  console.error('usage: node semver-pairs.mjs OUTPUT');
  process.exit(2);
}

// mulberry32: a fixed seed gives the same cases on every run.
let state = 0x5eed1234;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];

function number() {
  const roll = random();
  if (roll < 0.6) return pick(['0', '1', '2', '9', '10', '11', '99', '100']);
  const digits = 1 + Math.floor(random() * 15);
  let text = String(1 + Math.floor(random() * 9));
  while (text.length < digits) text += String(Math.floor(random() * 10));
  return text;
}

const WORDS = ['alpha', 'beta', 'rc', 'a', 'b', 'A', 'Z', '-', 'a-1', '0a', '1a', 'x9', 'beta-2', 'zz'];
const identifier = () => (random() < 0.5 ? number() : pick(WORDS));

function version() {
  let text = `${number()}.${number()}.${number()}`;
  if (random() < 0.6) text += '-' + Array.from({ length: 1 + Math.floor(random() * 3) }, identifier).join('.');
  if (random() < 0.2) text += '+' + pick(['build', '001', 'sha.5114f85', 'x-y']);
  return text;
}

// Near neighbours make equal prefixes common, which is where ordering rules differ.
function neighbour(text) {
  const core = text.split('+')[0];
  switch (Math.floor(random() * 6)) {
    case 0: return core;
    case 1: return `${core}${core.includes('-') ? '.' : '-'}${identifier()}`;
    case 2: return core.split('-')[0];
    case 3: return `${core}+${pick(['other', '999'])}`;
    case 4: return core.replace(/\d+$/, (digits) => String(BigInt(digits) + 1n));
    default: return version();
  }
}

const MAX_LENGTH = 64;
const MAX_DIGITS = 15;
// The grammar from semver.org, then the protocol's length and digit bounds.
const GRAMMAR =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
function withinProtocol(text) {
  const match = GRAMMAR.exec(text);
  if (!match || text.length > MAX_LENGTH) return false;
  const ids = [match[1], match[2], match[3], ...(match[4] ? match[4].split('.') : [])];
  return ids.every((id) => !/^\d+$/.test(id) || id.length <= MAX_DIGITS);
}

const lines = [];
let pairs = 0;
while (pairs < 5000) {
  const a = version();
  const b = random() < 0.7 ? neighbour(a) : version();
  if (!withinProtocol(a) || !withinProtocol(b)) continue;
  lines.push(`cmp ${a} ${b} ${semver.compare(a, b)}`);
  pairs += 1;
}

const MUTATIONS = [
  (text) => `0${text}`,
  (text) => `v${text}`,
  (text) => text.replace('.', '..'),
  (text) => `${text}-`,
  (text) => `${text}+`,
  (text) => `${text}-01`,
  (text) => `${text}-a..b`,
  (text) => `${text}.0`,
  (text) => text.split('.').slice(0, 2).join('.'),
  (text) => `${text}-${'9'.repeat(16)}`,
  (text) => `${text}-${'x'.repeat(60)}`,
  (text) => `${text}_`,
  (text) => text,
];
for (let i = 0; i < 1000; i++) {
  const text = pick(MUTATIONS)(version());
  if (/\s/.test(text) || text === '') continue;
  const expected = withinProtocol(text);
  // npm semver agrees on the grammar wherever its loose extras (a leading v) are absent.
  if (expected && semver.valid(text) === null) throw new Error(`semver rejects ${text}`);
  lines.push(`valid ${text} ${expected ? 1 : 0}`);
}

writeFileSync(output, lines.join('\n') + '\n');
console.log(`wrote ${pairs} pairs and ${lines.length - pairs} validity cases to ${output}`);
