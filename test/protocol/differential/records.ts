// Differential records: generated (trusted keys, manifest) pairs that the
// TypeScript protocol module and the C++ core (static-ota-differential,
// firmware/test/differential_harness.cpp) must judge alike, to the byte of
// one output line. Used by test/protocol/differential.test.ts and `npm run fuzz`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { keyIdOf, publicKeyProblem, signBytes } from '../../../src/protocol/crypto.js';
import { formatSignatureLine, ManifestError, openManifest } from '../../../src/protocol/manifest.js';
import { openPatchManifest } from '../../../src/protocol/patch.js';

interface VectorKey {
  name: string;
  seed: string;
  public: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../vectors/manifests.json', import.meta.url), 'utf8')) as {
  keys: VectorKey[];
  colliding_keys: VectorKey[];
  valid: Array<{ manifest: string }>;
  invalid: Array<{ manifest: string }>;
  patches: { valid: Array<{ manifest: string }>; invalid: Array<{ manifest: string }> };
  public_keys: Array<{ public: string; problem: string }>;
};

interface Signer {
  seed: Buffer;
  publicKey: Buffer;
  keyId: string;
}
const SIGNERS: Signer[] = [...vectors.keys, ...vectors.colliding_keys].map((key) => {
  const publicKey = Buffer.from(key.public, 'hex');
  return { seed: Buffer.from(key.seed, 'hex'), publicKey, keyId: keyIdOf(publicKey) };
});
/** Keys a device might be configured with: the signers', and every case of the public key vectors. */
const KEY_POOL = [
  ...SIGNERS.map((signer) => signer.publicKey),
  ...vectors.public_keys.map((key) => Buffer.from(key.public, 'hex')),
];
const SEEDS = [...vectors.valid, ...vectors.patches.valid].map((vector) => Buffer.from(vector.manifest, 'latin1'));
const ALL_VECTORS = [
  ...SEEDS,
  ...[...vectors.invalid, ...vectors.patches.invalid].map((vector) => Buffer.from(vector.manifest, 'latin1')),
];

export interface DifferentialRecord {
  trusted: Buffer[];
  manifest: Buffer;
}

export const formatRecord = ({ trusted, manifest }: DifferentialRecord): string =>
  `${trusted.map((key) => key.toString('hex')).join(',')}:${manifest.toString('hex')}`;

/** The code of a protocol error, or the fields when the open succeeded. */
function verdict(open: () => string): string {
  try {
    return `ok ${open()}`;
  } catch (error) {
    if (error instanceof ManifestError) return error.code;
    throw error;
  }
}

/** The TypeScript verdict, in the harness's format: the bytes opened as a release manifest, then as a patch manifest. */
export function judge({ trusted, manifest }: DifferentialRecord): string {
  const codes = trusted.map((key) => publicKeyProblem(key) ?? 'ok');
  const usable = trusted.filter((_key, index) => codes[index] === 'ok');
  const release = verdict(() => {
    const opened = openManifest(manifest, usable);
    return (
      `version=${opened.version} board=${opened.board} channel=${opened.channel} file=${opened.file} ` +
      `size=${opened.size} sha256=${opened.sha256} expires=${opened.expires ?? '-'} encoding=${opened.encoding ?? '-'} ` +
      `inflated_size=${opened.inflatedSize ?? '-'} signed_length=${opened.signedLength} key_index=${opened.verifiedKeyIndex}`
    );
  });
  const patch = verdict(() => {
    const opened = openPatchManifest(manifest, usable);
    return (
      `version=${opened.version} file=${opened.file} size=${opened.size} expires=${opened.expires ?? '-'} ` +
      `base=${opened.baseVersion}/${opened.baseSize}/${opened.baseSha256} ` +
      `result=${opened.resultSize}/${opened.resultSha256} signed_length=${opened.signedLength}`
    );
  });
  return `keys=${codes.join(',')} result=${release} patch=${patch}`;
}

const printable = (min: number, max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    minLength: min,
    maxLength: max,
  });
const token = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const digits = token('0123456789', 1, 12);
const lowerHex = token('0123456789abcdef', 64, 64);

const FIELD_KEYS: string[] = [
  'format',
  'board',
  'channel',
  'file',
  'size',
  'sha256',
  'expires',
  'encoding',
  'inflated-size',
];
/** A patch manifest's own fields (src/protocol/patch.ts). */
const PATCH_KEYS: string[] = ['base-version', 'base-size', 'base-sha256', 'result-size', 'result-sha256'];
/** Values near the rules' edges: valid forms, leading zeros, huge numbers, upper-case hex, long and odd text. */
const fieldValue: Record<string, fc.Arbitrary<string>> = {
  format: fc.constantFrom('static-ota/1', 'static-ota/2', 'static-ota/1 ', 'STATIC-OTA/1', 'static-ota-patch/1'),
  board: fc.oneof(token('abcxyzAZ09_.-', 1, 70), token('a/b.', 1, 5)),
  channel: fc.oneof(fc.constantFrom('stable', 'beta'), token('abz09-A_', 1, 34)),
  file: fc.oneof(fc.constant('firmware-1.4.2.bin'), token('abz09_.-/', 1, 130)),
  size: fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map(String),
    digits,
    fc.constantFrom('4294967296', '0', '00', '-1', '1e3', ' 1'),
  ),
  sha256: fc.oneof(
    lowerHex,
    lowerHex.map((hex) => hex.toUpperCase()),
    token('0123456789abcdef', 63, 65),
  ),
  expires: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map(String), digits, fc.constantFrom('soon', '4294967296')),
  encoding: fc.oneof(
    fc.constantFrom('gzip', 'GZIP', 'gzip ', 'deflate', 'identity', 'gzip;level=9', 'gz'),
    token('gzipx', 1, 6),
  ),
  'inflated-size': fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map(String),
    digits,
    fc.constantFrom('4294967296', '0', '01', '-1', '1e3'),
  ),
  'base-version': fc.oneof(fc.constantFrom('1.4.2', '1.4.2+7', 'v1.4.2', '1.4', '01.4.2'), token('0123.-+a', 1, 10)),
  'base-size': fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map(String), digits, fc.constantFrom('0', '01', '-1')),
  'base-sha256': fc.oneof(
    lowerHex,
    lowerHex.map((hex) => hex.toUpperCase()),
    token('0123456789abcdef', 63, 65),
  ),
  'result-size': fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map(String),
    digits,
    fc.constantFrom('0', '4294967296'),
  ),
  'result-sha256': fc.oneof(lowerHex, token('0123456789abcdefg', 63, 65)),
};
const fieldLine = fc.oneof(
  ...Object.entries(fieldValue).map(([key, value]) => value.map((text) => `${key}=${text}`)),
  { weight: 7, arbitrary: fc.tuple(token('abz09_-', 1, 8), printable(1, 40)).map(([key, value]) => `${key}=${value}`) },
  printable(0, 30),
);
/** Mostly true: each field rule is reached only when every earlier one passes. */
const mostly = fc.integer({ min: 0, max: 11 }).map((roll) => roll > 0);
const versionLine = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('1.4.2', '2.0.0-rc.1', '0.0.1+build.5', '10.20.30') },
  fc
    .tuple(
      fc.nat(20),
      fc.nat(20),
      fc.nat(20),
      fc.option(token('a0.-', 1, 8), { nil: undefined }),
      fc.option(token('b1.', 1, 5), { nil: undefined }),
    )
    .map(
      ([major, minor, patch, pre, build]) =>
        `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}${build ? `+${build}` : ''}`,
    ),
  fc.constantFrom(
    '01.2.3',
    'v1.2.3',
    '1.2',
    '1.2.3-',
    `1.0.0-${'a'.repeat(60)}`,
    '999999999999999.0.0',
    '1000000000000000.0.0',
  ),
);

/** A signature line: right, over the wrong bytes, malformed, or for an unknown key. */
function signatureLine(body: Buffer, signer: Signer, defect: number): string {
  const line = formatSignatureLine({ keyId: signer.keyId, signature: signBytes(body, signer.seed) });
  switch (defect) {
    case 1:
      return formatSignatureLine({ keyId: signer.keyId, signature: signBytes(body.subarray(1), signer.seed) });
    case 2:
      return line.toUpperCase().replace('SIG=', 'sig=');
    case 3:
      return line.slice(0, -3) + '\n';
    case 4:
      return line.replace(/:/, '');
    default:
      return line;
  }
}

/** Manifests built field by field over `keys`: a release's (FIELD_KEYS) or a patch manifest's (with PATCH_KEYS). */
const structuredOver = (keys: string[]) =>
  fc
    .record({
      version: versionLine,
      required: fc.oneof({ weight: 4, arbitrary: fc.constant(keys) }, fc.shuffledSubarray(keys)),
      valid: fc.array(mostly, { minLength: keys.length, maxLength: keys.length }),
      extra: fc.array(fieldLine, { maxLength: 2 }),
      signers: fc.array(
        fc.tuple(fc.nat(SIGNERS.length - 1), fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, fc.nat(6))),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
      after: fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, printable(0, 10)),
    })
    .chain((plan) =>
      fc.tuple(fc.constant(plan), fc.tuple(...plan.required.map((key) => fieldValue[key])), fc.nat(plan.extra.length)),
    )
    .map(([plan, values, insertAt]) => {
      const good: Record<string, string> = {
        format: 'static-ota/1',
        board: 'nodemcuv2',
        channel: 'stable',
        file: 'firmware-1.4.2.bin',
        size: '412736',
        sha256: 'ab'.repeat(32),
        expires: '1893456000',
        encoding: 'gzip',
        'inflated-size': '1048576',
        'base-version': '1.4.2',
        'base-size': '412736',
        'base-sha256': 'cd'.repeat(32),
        'result-size': '412800',
        'result-sha256': 'ef'.repeat(32),
      };
      if (keys.includes('base-version')) good.format = 'static-ota-patch/1';
      const lines = plan.required.map((key, index) => `${key}=${plan.valid[index] ? good[key] : values[index]}`);
      lines.splice(insertAt, 0, ...plan.extra);
      const body = Buffer.from(`${[plan.version, ...lines].join('\n')}\n`, 'latin1');
      const signatures = plan.signers.map(([signer, defect]) => signatureLine(body, SIGNERS[signer], defect)).join('');
      return Buffer.concat([
        body,
        Buffer.from(signatures + (plan.after === undefined ? '' : `${plan.after}\n`), 'latin1'),
      ]);
    });

/** Byte mutations of the shared vectors: each mimics a mirror, an editor or an attacker. */
type Mutation = (bytes: Buffer, at: number, extra: number) => Buffer;
const replaceText = (bytes: Buffer, from: RegExp, to: (match: string) => string): Buffer =>
  Buffer.from(bytes.toString('latin1').replace(from, to), 'latin1');
const MUTATIONS: Mutation[] = [
  (bytes) => replaceText(bytes, /\n/g, () => '\r\n'),
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), Buffer.from([0]), bytes.subarray(at)]),
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), Buffer.from('é→', 'utf8'), bytes.subarray(at)]),
  (bytes, at, extra) => Buffer.concat([bytes.subarray(0, at), Buffer.alloc(200 + extra * 4, 'x'), bytes.subarray(at)]),
  (bytes) => replaceText(bytes, /size=/, () => 'size=000'),
  (bytes) => replaceText(bytes, /^\d/, (digit) => `0${digit}`),
  (bytes) => replaceText(bytes, /sha256=[0-9a-f]+/, (line) => `sha256=${line.slice(7).toUpperCase()}`),
  (bytes) => replaceText(bytes, /size=\d+/, () => 'size=99999999999999999999'),
  (bytes) => replaceText(bytes, /\n(?:board|size|file)=[^\n]*/, (line) => line + line),
  (bytes) => {
    const [version, ...rest] = bytes.toString('latin1').split('\n');
    const fields = rest.filter((line) => line && !line.startsWith('sig='));
    const signatures = rest.filter((line) => line.startsWith('sig='));
    return Buffer.from(`${[version, ...fields.reverse(), ...signatures].join('\n')}\n`, 'latin1');
  },
  (bytes) => replaceText(bytes, /sig=[^\n]*\n/, (line) => line + line),
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]),
  (bytes, at, extra) => {
    const copy = Buffer.from(bytes);
    if (copy.length) copy[at % copy.length] ^= 1 << (extra % 8);
    return copy;
  },
  (bytes, _at, extra) => {
    // Padded to 1023-1100 bytes with a note field before the signatures.
    const text = bytes.toString('latin1');
    const sig = text.indexOf('sig=');
    const target = 1023 + (extra % 78);
    const note = 'note=';
    const fill = Math.max(1, target - text.length - note.length - 1);
    const insert = `${note}${'n'.repeat(fill)}\n`;
    return Buffer.from(sig < 0 ? text + insert : text.slice(0, sig) + insert + text.slice(sig), 'latin1');
  },
  (bytes, at) => bytes.subarray(0, at),
];

/** Signs the body again with the signer of the first `sig=` line, so the field rules behind the signature are reached. */
function resign(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const match = /(^|\n)sig=([0-9a-f]{8}):[0-9a-f]{128}\n/.exec(text);
  const signer = match && SIGNERS.find((candidate) => candidate.keyId === match[2]);
  if (!match || !signer) return bytes;
  const start = match.index + match[1].length;
  const body = Buffer.from(text.slice(0, start), 'latin1');
  const line = formatSignatureLine({ keyId: signer.keyId, signature: signBytes(body, signer.seed) });
  return Buffer.from(text.slice(0, start) + line + text.slice(start + match[0].length - match[1].length), 'latin1');
}

const mutated = fc
  .tuple(
    fc.constantFrom(...ALL_VECTORS),
    fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(1100), fc.nat(100)), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([seed, steps, reSign]) => {
    let bytes: Buffer = seed;
    for (const [mutation, at, extra] of steps) bytes = MUTATIONS[mutation](bytes, Math.min(at, bytes.length), extra);
    return reSign ? resign(bytes) : bytes;
  });

const trustedKeys = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.shuffledSubarray(
      SIGNERS.map((signer) => signer.publicKey),
      { minLength: 2, maxLength: 4 },
    ),
  },
  { weight: 2, arbitrary: fc.shuffledSubarray(KEY_POOL, { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((key) => Buffer.from(key)),
      { maxLength: 4 },
    ),
  },
);

const record: fc.Arbitrary<DifferentialRecord> = fc.record({
  trusted: trustedKeys,
  manifest: fc.oneof(
    { weight: 6, arbitrary: structuredOver(FIELD_KEYS) },
    { weight: 4, arbitrary: mutated },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1100 }).map((bytes) => Buffer.from(bytes)) },
  ),
});

/** Patch manifests built field by field, and mutations of every vector. */
const patchRecord: fc.Arbitrary<DifferentialRecord> = fc.record({
  trusted: trustedKeys,
  manifest: fc.oneof(
    { weight: 3, arbitrary: structuredOver([...FIELD_KEYS, ...PATCH_KEYS]) },
    { weight: 1, arbitrary: mutated },
  ),
});

/** `count` records and half as many patch-shaped ones, the same for the same seed. */
export function generateRecords(count: number, seed: number): DifferentialRecord[] {
  return [
    ...fc.sample(record, { numRuns: count, seed }),
    ...fc.sample(patchRecord, { numRuns: Math.ceil(count / 2), seed }),
  ];
}

/** The core's verdicts, one line per record, from the harness built by firmware/CMakeLists.txt. */
export function judgeInCore(harness: string, records: readonly DifferentialRecord[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(harness, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${harness} exited with ${code}`));
      else resolve(Buffer.concat(chunks).toString('latin1').split('\n').slice(0, -1));
    });
    child.stdin.end(records.map((entry) => `${formatRecord(entry)}\n`).join(''));
  });
}

/** Both sides' lines for every record, and the records on which they differ. */
export async function compareWithCore(harness: string, records: readonly DifferentialRecord[]) {
  const core = await judgeInCore(harness, records);
  if (core.length !== records.length)
    throw new Error(`the harness answered ${core.length} of ${records.length} records`);
  const typescript = records.map(judge);
  const disagreements = records.flatMap((entry, index) =>
    typescript[index] === core[index]
      ? []
      : [{ record: formatRecord(entry), typescript: typescript[index], core: core[index] }],
  );
  return { typescript, disagreements };
}
