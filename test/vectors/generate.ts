// Builds test/vectors/manifests.json: the shared vectors both the TypeScript
// publisher and the C++ device core are tested against. Ed25519 is
// deterministic, so regenerating must reproduce the committed file byte for byte
// (test/vectors.test.ts checks it; `npm run vectors` rewrites it).
import { createHash } from 'node:crypto';
import { signBytes, publicKeyOf, keyIdOf } from '../../src/crypto.js';
import { formatSignatureLine, rolloutBucket, serializeBody, type ManifestFields } from '../../src/manifest.js';

const seedOf = (label: string): Uint8Array => createHash('sha256').update(label).digest();
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const KEYS = ['primary', 'rotation', 'untrusted'].map((name) => {
  const seed = seedOf(`static-ota test key ${name}`);
  const publicKey = publicKeyOf(seed);
  return { name, seed, publicKey, keyId: keyIdOf(publicKey) };
});
const [PRIMARY, ROTATION, UNTRUSTED] = KEYS;
type Key = (typeof KEYS)[number];

const IMAGE_SHA256 = createHash('sha256').update('static-ota test image').digest('hex');
const BASE: ManifestFields = {
  version: '1.4.2',
  board: 'nodemcuv2',
  channel: 'stable',
  file: 'firmware-1.4.2.bin',
  size: 412736,
  sha256: IMAGE_SHA256,
};

/** The group order L of Ed25519: S must be below it. */
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

const sigLine = (body: string, key: Key): string =>
  formatSignatureLine({ keyId: key.keyId, signature: signBytes(Buffer.from(body, 'latin1'), key.seed) });
const signed = (body: string, keys: Key[] = [PRIMARY]): string => body + keys.map((key) => sigLine(body, key)).join('');
const bodyOf = (changes: Partial<ManifestFields> = {}): string => serializeBody({ ...BASE, ...changes });
/** A body whose lines are written out by hand, for defects serializeBody cannot produce. */
const rawBody = (...lines: string[]): string => lines.map((line) => `${line}\n`).join('');
const baseLines = (): string[] => bodyOf().slice(0, -1).split('\n');
const replaceLine = (prefix: string, replacement: string | null): string[] => {
  const lines = baseLines();
  const at = lines.findIndex((line) => line.startsWith(prefix));
  if (replacement === null) lines.splice(at, 1);
  else lines[at] = replacement;
  return lines;
};

/** Adds L to the S half of a signature: the same signature in a non-canonical, malleable form. */
function withNonCanonicalS(signature: Uint8Array): Uint8Array {
  const s = BigInt(`0x${hex(Uint8Array.from(signature.subarray(32)).reverse())}`) + GROUP_ORDER;
  const sBytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
  return Buffer.concat([signature.subarray(0, 32), sBytes]);
}

/** A body padded with a `note` field so that, signed by one key, the manifest is `total` bytes long. */
function bodyPaddedTo(total: number): string {
  const unpadded = signed(bodyOf({ extra: [['note', '']] })).length;
  return bodyOf({ extra: [['note', 'x'.repeat(total - unpadded)]] });
}

function validCases() {
  const trusted = [hex(PRIMARY.publicKey)];
  const both = [hex(PRIMARY.publicKey), hex(ROTATION.publicKey)];
  const padded = bodyPaddedTo(1024);
  const cases: Array<{ name: string; manifest: string; trusted: string[]; fields: ManifestFields; signedLength: number; required?: number }> = [
    { name: 'stable release', manifest: signed(bodyOf()), trusted, fields: BASE, signedLength: bodyOf().length },
    ...[
      { name: 'beta channel pre-release', changes: { version: '1.5.0-beta.2', channel: 'beta', file: 'firmware-1.5.0-beta.2.bin' } },
      { name: 'with expiry', changes: { expires: 1893456000 } },
      { name: 'unknown field is ignored', changes: { extra: [['min-bootloader', '3']] as Array<[string, string]> } },
      { name: 'build metadata in version', changes: { version: '2.0.0+build.7' } },
      { name: 'board with dots and dashes', changes: { board: 'esp32-c3.dev_1' } },
      { name: 'largest size', changes: { size: 4294967295 } },
      { name: 'staged rollout with seq', changes: { rollout: 25, seq: 3 } },
      { name: 'rollout halted (0)', changes: { rollout: 0, seq: 4294967295 } },
      { name: 'full rollout written out', changes: { rollout: 100 } },
    ].map(({ name, changes }) => {
      const body = bodyOf(changes);
      return { name, manifest: signed(body), trusted, fields: { ...BASE, ...changes }, signedLength: body.length };
    }),
    {
      name: 'exactly 1024 bytes',
      manifest: signed(padded),
      trusted,
      fields: BASE,
      signedLength: padded.length,
    },
    {
      name: 'two signatures, first key trusted',
      manifest: signed(bodyOf(), [PRIMARY, ROTATION]),
      trusted,
      fields: BASE,
      signedLength: bodyOf().length,
    },
    {
      name: 'two signatures, only the rotated key trusted',
      manifest: signed(bodyOf(), [PRIMARY, ROTATION]),
      trusted: [hex(ROTATION.publicKey)],
      fields: BASE,
      signedLength: bodyOf().length,
    },
    {
      name: 'unknown keyid before a trusted signature is skipped',
      manifest: signed(bodyOf(), [UNTRUSTED, PRIMARY]),
      trusted,
      fields: BASE,
      signedLength: bodyOf().length,
    },
    {
      name: 'trusted list with several keys',
      manifest: signed(bodyOf(), [ROTATION]),
      trusted: [hex(PRIMARY.publicKey), hex(ROTATION.publicKey)],
      fields: BASE,
      signedLength: bodyOf().length,
    },
    {
      name: 'two of two required, both signed',
      manifest: signed(bodyOf(), [PRIMARY, ROTATION]),
      trusted: both,
      fields: BASE,
      signedLength: bodyOf().length,
      required: 2,
    },
    {
      name: 'two required, an unknown key and the same key twice do not hide two distinct valid ones',
      manifest: signed(bodyOf(), [UNTRUSTED, PRIMARY, PRIMARY, ROTATION]),
      trusted: both,
      fields: BASE,
      signedLength: bodyOf().length,
      required: 2,
    },
  ];
  return cases.map(({ name, manifest, trusted: keys, fields, signedLength, required }) => ({
    name,
    manifest,
    trusted: keys,
    ...(required === undefined ? {} : { required }),
    expect: {
      version: fields.version,
      board: fields.board,
      channel: fields.channel,
      file: fields.file,
      size: fields.size,
      sha256: fields.sha256,
      expires: fields.expires ?? null,
      rollout: fields.rollout ?? 100,
      seq: fields.seq ?? 0,
      signed_length: signedLength,
    },
  }));
}

function invalidCases() {
  const good = signed(bodyOf());
  const goodSignature = Buffer.from(good.slice(good.indexOf('sig=') + 13, -1), 'hex');
  const bodyWithLines = (lines: string[]): string => signed(rawBody(...lines));
  const cases: Array<[string, string, string]> = [
    ['empty', '', 'empty'],
    ['1025 bytes', signed(bodyPaddedTo(1025)), 'too_large'],
    ['CRLF line endings', good.replace(/\n/g, '\r\n'), 'crlf'],
    ['NUL byte', good.replace('nodemcuv2', 'node\u0000mcu'), 'bad_char'],
    ['tab character', good.replace('board=', 'board=\t'), 'bad_char'],
    ['no final newline', good.slice(0, -1), 'missing_newline'],
    ['v prefix on version line', signed(rawBody('v1.4.2', ...baseLines().slice(1))), 'bad_version'],
    ['leading zero in version', signed(rawBody('01.4.2', ...baseLines().slice(1))), 'bad_version'],
    ['version too long', signed(rawBody(`1.0.0-${'a'.repeat(60)}`, ...baseLines().slice(1))), 'bad_version'],
    ['empty version line', signed(rawBody('', ...baseLines().slice(1))), 'bad_version'],
    ['no signature', bodyOf(), 'unsigned'],
    ['field after signature', `${good}note=late\n`, 'trailing_data'],
    ['blank line after signature', `${good}\n`, 'trailing_data'],
    ['uppercase hex in signature', good.replace(/sig=([0-9a-f]{8}):/, (line) => line.toUpperCase().replace('SIG=', 'sig=')), 'bad_sig_line'],
    ['short signature', good.replace(/[0-9a-f]{2}\n$/, '\n'), 'bad_sig_line'],
    ['missing keyid', good.replace(/sig=[0-9a-f]{8}:/, 'sig='), 'bad_sig_line'],
    ['five signatures', signed(bodyOf(), [UNTRUSTED, UNTRUSTED, UNTRUSTED, UNTRUSTED, PRIMARY]), 'too_many_signatures'],
    ['signed by an untrusted key only', signed(bodyOf(), [UNTRUSTED]), 'untrusted_key'],
    [
      'second valid-looking signature from an unknown key only',
      `${bodyOf()}${sigLine(bodyOf(), UNTRUSTED)}${sigLine(bodyOf(), ROTATION)}`,
      'untrusted_key',
    ],
    ['size changed after signing', good.replace('size=412736', 'size=412737'), 'bad_signature'],
    ['image hash changed after signing', good.replace(IMAGE_SHA256, IMAGE_SHA256.replace(/^./, (c) => (c === '0' ? '1' : '0'))), 'bad_signature'],
    ['version raised after signing', good.replace(/^1\.4\.2/, '9.4.2'), 'bad_signature'],
    [
      'signature over a prefix only',
      `${bodyOf()}${formatSignatureLine({ keyId: PRIMARY.keyId, signature: signBytes(Buffer.from(bodyOf().slice(0, 6)), PRIMARY.seed) })}`,
      'bad_signature',
    ],
    [
      'non-canonical S (S + L)',
      `${bodyOf()}${formatSignatureLine({ keyId: PRIMARY.keyId, signature: withNonCanonicalS(goodSignature) })}`,
      'bad_signature',
    ],
    [
      'signature copied from another manifest',
      `${bodyOf({ board: 'esp32dev' })}${good.slice(good.indexOf('sig='))}`,
      'bad_signature',
    ],
    ['line without equals sign', bodyWithLines([...baseLines(), 'garbage']), 'bad_line'],
    ['empty value', bodyWithLines([...baseLines(), 'note=']), 'bad_line'],
    ['empty key', bodyWithLines([...baseLines(), '=value']), 'bad_line'],
    ['uppercase key', bodyWithLines([...baseLines(), 'Note=x']), 'bad_line'],
    ['blank line among fields', bodyWithLines([...baseLines(), '']), 'bad_line'],
    ['duplicate size with two values', bodyWithLines([...baseLines(), 'size=1']), 'duplicate_field'],
    ['duplicate unknown field', bodyWithLines([...baseLines(), 'note=a', 'note=b']), 'duplicate_field'],
    ['duplicate field before a malformed line (every line is checked first)', bodyWithLines([...baseLines(), 'size=1', 'garbage']), 'bad_line'],
    ['missing sha256', bodyWithLines(replaceLine('sha256=', null)), 'missing_field'],
    ['missing format', bodyWithLines(replaceLine('format=', null)), 'missing_field'],
    ['signed for another purpose (format)', bodyWithLines(replaceLine('format=', 'format=static-ota/2')), 'bad_format'],
    ['board with slash', signed(bodyOf({ board: 'a/b' })), 'bad_board'],
    ['board starting with a dot', signed(bodyOf({ board: '..' })), 'bad_board'],
    ['uppercase channel', signed(bodyOf({ channel: 'Beta' })), 'bad_channel'],
    ['file with parent directory', signed(bodyOf({ file: '../firmware.bin' })), 'bad_file'],
    ['file with a path', signed(bodyOf({ file: 'a/firmware.bin' })), 'bad_file'],
    ['size zero', bodyWithLines(replaceLine('size=', 'size=0')), 'bad_size'],
    ['size with leading zero', bodyWithLines(replaceLine('size=', 'size=0412736')), 'bad_size'],
    ['size over 32 bits', bodyWithLines(replaceLine('size=', 'size=4294967296')), 'bad_size'],
    ['negative size', bodyWithLines(replaceLine('size=', 'size=-1')), 'bad_size'],
    ['uppercase sha256', bodyWithLines(replaceLine('sha256=', `sha256=${IMAGE_SHA256.toUpperCase()}`)), 'bad_sha256'],
    ['short sha256', bodyWithLines(replaceLine('sha256=', `sha256=${IMAGE_SHA256.slice(1)}`)), 'bad_sha256'],
    ['expires not a number', bodyWithLines([...baseLines(), 'expires=soon']), 'bad_expires'],
    ['rollout over 100', bodyWithLines([...baseLines(), 'rollout=101']), 'bad_rollout'],
    ['rollout with leading zero', bodyWithLines([...baseLines(), 'rollout=025']), 'bad_rollout'],
    ['rollout with percent sign', bodyWithLines([...baseLines(), 'rollout=25%']), 'bad_rollout'],
    ['seq over 32 bits', bodyWithLines([...baseLines(), 'seq=4294967296']), 'bad_seq'],
    ['negative seq', bodyWithLines([...baseLines(), 'seq=-1']), 'bad_seq'],
  ];
  const both = [hex(PRIMARY.publicKey), hex(ROTATION.publicKey)];
  const withRotation = (body: string): string => `${body}${sigLine(bodyOf(), ROTATION).replace(/[0-9a-f]{2}\n$/, (last) => `${last[0] === '0' ? '1' : '0'}${last[1]}\n`)}`;
  // k of n: signatures from `required` distinct trusted keys (docs/protocol.md, step 10).
  const thresholds: Array<[string, string, string[], number, string]> = [
    ['two required, one signature', good, both, 2, 'too_few_signatures'],
    ['two required, the same key signing twice', signed(bodyOf(), [PRIMARY, PRIMARY]), both, 2, 'too_few_signatures'],
    ['two required, the trusted list naming one key twice', good, [hex(PRIMARY.publicKey), hex(PRIMARY.publicKey)], 2, 'too_few_signatures'],
    ['two required, the second signature from an untrusted key', signed(bodyOf(), [PRIMARY, UNTRUSTED]), both, 2, 'too_few_signatures'],
    ['two required, the second trusted signature does not verify', withRotation(good), both, 2, 'too_few_signatures'],
    ['two required, no signature verifies', signed(bodyOf(), [UNTRUSTED]), both, 2, 'untrusted_key'],
  ];
  return [
    ...cases.map(([name, manifest, error]) => ({ name, manifest, trusted: [hex(PRIMARY.publicKey)], error })),
    ...thresholds.map(([name, manifest, trusted, required, error]) => ({ name, manifest, trusted, required, error })),
  ];
}

/** Precedence examples from SemVer 2.0.0 section 11 and edge cases; cmp is sign(compare(a, b)). */
const VERSION_CHAIN = [
  '0.0.1', '0.1.0', '1.0.0-0', '1.0.0-1', '1.0.0-2', '1.0.0-10', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta',
  '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0-a-b',
  '2.0.0', '10.0.0', '999999999999999.0.0',
];
function versionCases(): Array<[string, string, number]> {
  const pairs: Array<[string, string, number]> = [];
  VERSION_CHAIN.forEach((a, i) => {
    pairs.push([a, a, 0]);
    if (i + 1 < VERSION_CHAIN.length) pairs.push([a, VERSION_CHAIN[i + 1], -1], [VERSION_CHAIN[i + 1], a, 1]);
  });
  pairs.push(['1.0.0+build.1', '1.0.0+build.2', 0], ['1.0.0-rc.1+x', '1.0.0-rc.1', 0], ['1.0.0-alpha.1+b', '1.0.0-alpha.2', -1]);
  return pairs;
}

/** RFC 8032 section 7.1: TEST 1, 2, 3 and SHA(abc). */
const RFC8032 = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    secret: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    public: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

/** Signatures a lax verifier accepts and a strict RFC 8032 verifier must refuse. */
function strictnessCases() {
  const test1 = RFC8032[0];
  const identity = `01${'00'.repeat(31)}`;
  return [
    {
      name: 'non-canonical S (S + L) on RFC 8032 test 1',
      public: test1.public,
      message: test1.message,
      signature: hex(withNonCanonicalS(Buffer.from(test1.signature, 'hex'))),
      valid: false,
    },
    {
      name: 'small-order public key (identity) with R = identity, S = 0',
      public: identity,
      message: '00',
      signature: identity + '00'.repeat(32),
      valid: false,
    },
    {
      name: 'small-order public key of order 2 (y = -1)',
      public: `ec${'ff'.repeat(30)}7f`,
      message: '00',
      signature: identity + '00'.repeat(32),
      valid: false,
    },
    {
      name: 'non-canonical public key encoding (y = p)',
      public: `ed${'ff'.repeat(30)}7f`,
      message: '00',
      signature: identity + '00'.repeat(32),
      valid: false,
    },
  ];
}

/** Staged-rollout buckets (docs/protocol.md, "Staged rollout") for chip-style and free-form device ids. */
function rolloutCases() {
  const devices = ['00a1b2c3', '240ac4123456', 'device-0', 'device-1', 'lab:bench/7', 'x'.repeat(64)];
  return ['1.4.2', '1.5.0-beta.2+build.7'].flatMap((version) =>
    devices.map((deviceId) => ({ board: BASE.board, version, device_id: deviceId, bucket: rolloutBucket(BASE.board, version, deviceId) })),
  );
}

export function buildVectors() {
  return {
    description:
      'static-ota shared test vectors: see docs/protocol.md. Manifests are ASCII JSON strings; errors are the codes of the "Opening a manifest" table. Regenerate with `npm run vectors`.',
    keys: KEYS.map((key) => ({ name: key.name, seed: hex(key.seed), public: hex(key.publicKey), keyid: key.keyId })),
    valid: validCases(),
    invalid: invalidCases(),
    versions: versionCases(),
    rfc8032: RFC8032,
    strictness: strictnessCases(),
    rollout: rolloutCases(),
  };
}

export const serializeVectors = (): string => `${JSON.stringify(buildVectors(), null, 2)}\n`;
