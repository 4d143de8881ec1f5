// Builds test/vectors/manifests.json: the shared vectors both the TypeScript
// publisher and the C++ device core are tested against. Ed25519 is
// deterministic, so regenerating must reproduce the committed file byte for byte
// (test/protocol/vectors.test.ts checks it; `npm run vectors` rewrites it).
import { createHash } from 'node:crypto';
import { Point } from '@noble/ed25519';
import { signBytes, publicKeyOf, keyIdOf, GROUP_ORDER } from '../../src/protocol/crypto.js';
import { formatSignatureLine, rolloutBucket, serializeBody, type ManifestFields } from '../../src/protocol/manifest.js';
import { serializePatchBody, type PatchManifestFields } from '../../src/protocol/patch.js';

const seedOf = (label: string): Uint8Array => createHash('sha256').update(label).digest();
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const KEYS = ['primary', 'rotation', 'untrusted'].map((name) => {
  const seed = seedOf(`static-ota test key ${name}`);
  const publicKey = publicKeyOf(seed);
  return { name, seed, publicKey, keyId: keyIdOf(publicKey) };
});
const [PRIMARY, ROTATION, UNTRUSTED] = KEYS;
type Key = (typeof KEYS)[number];

/**
 * Two keys whose 32-bit keyids collide: seeds `static-ota colliding key N`,
 * found by a birthday search over N (about 57,000 keys, a minute with
 * node:crypto). Committed rather than searched on every run.
 */
const COLLIDING_KEYS = [56183, 57242].map((index) => {
  const seed = seedOf(`static-ota colliding key ${index}`);
  const publicKey = publicKeyOf(seed);
  return { name: `colliding ${index}`, seed, publicKey, keyId: keyIdOf(publicKey) };
});
if (COLLIDING_KEYS[0].keyId !== COLLIDING_KEYS[1].keyId) throw new Error('the colliding keys do not collide');
const [COLLIDING_A, COLLIDING_B] = COLLIDING_KEYS;

const IMAGE_SHA256 = createHash('sha256').update('static-ota test image').digest('hex');
const BASE: ManifestFields = {
  version: '1.4.2',
  board: 'nodemcuv2',
  channel: 'stable',
  file: 'firmware-1.4.2.bin',
  size: 412736,
  sha256: IMAGE_SHA256,
};

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

/** Adds L (times) to the S half of a signature: the same signature in a non-canonical, malleable form. */
function withNonCanonicalS(signature: Uint8Array, times = 1n): Uint8Array {
  const s = BigInt(`0x${hex(Uint8Array.from(signature.subarray(32)).reverse())}`) + times * GROUP_ORDER;
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
  const mixed = mixedOrderManifest(killsTorsion(8n));
  const colliding = [hex(COLLIDING_A.publicKey), hex(COLLIDING_B.publicKey)];
  const cases: Array<{
    name: string;
    manifest: string;
    trusted: string[];
    fields: ManifestFields;
    signedLength: number;
    keyIndex?: number;
    required?: number;
  }> = [
    { name: 'stable release', manifest: signed(bodyOf()), trusted, fields: BASE, signedLength: bodyOf().length },
    ...[
      {
        name: 'beta channel pre-release',
        changes: { version: '1.5.0-beta.2', channel: 'beta', file: 'firmware-1.5.0-beta.2.bin' },
      },
      { name: 'with expiry', changes: { expires: 1893456000 } },
      { name: 'gzip image', changes: { encoding: 'gzip' as const, size: 287301 } },
      { name: 'gzip image with expiry', changes: { expires: 1893456000, encoding: 'gzip' as const } },
      {
        name: 'gzip image with its inflated size',
        changes: { encoding: 'gzip' as const, size: 287301, inflatedSize: 412736 },
      },
      { name: 'largest inflated size', changes: { encoding: 'gzip' as const, inflatedSize: 4294967295 } },
      {
        name: 'inflated_size (underscore) is an unknown field',
        changes: { encoding: 'gzip' as const, extra: [['inflated_size', '0']] as Array<[string, string]> },
      },
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
      keyIndex: 1,
    },
    {
      name: 'colliding keyids: signed by the first of two trusted keys with the same keyid',
      manifest: signed(bodyOf(), [COLLIDING_A]),
      trusted: colliding,
      fields: BASE,
      signedLength: bodyOf().length,
    },
    {
      name: 'colliding keyids: signed by the second of two trusted keys with the same keyid',
      manifest: signed(bodyOf(), [COLLIDING_B]),
      trusted: colliding,
      fields: BASE,
      signedLength: bodyOf().length,
      keyIndex: 1,
    },
    {
      name: 'mixed-order key, k divisible by 8 (valid under both equations)',
      manifest: mixed.manifest,
      trusted: [hex(MIXED_ORDER_KEY.publicKey)],
      fields: BASE,
      signedLength: mixed.body.length,
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
  return cases.map(({ name, manifest, trusted: keys, fields, signedLength, keyIndex = 0, required }) => ({
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
      encoding: fields.encoding ?? null,
      inflated_size: fields.inflatedSize ?? null,
      signed_length: signedLength,
      key_index: keyIndex,
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
    [
      'uppercase hex in signature',
      good.replace(/sig=([0-9a-f]{8}):/, (line) => line.toUpperCase().replace('SIG=', 'sig=')),
      'bad_sig_line',
    ],
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
    [
      'image hash changed after signing',
      good.replace(
        IMAGE_SHA256,
        IMAGE_SHA256.replace(/^./, (c) => (c === '0' ? '1' : '0')),
      ),
      'bad_signature',
    ],
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
    [
      'duplicate field before a malformed line (every line is checked first)',
      bodyWithLines([...baseLines(), 'size=1', 'garbage']),
      'bad_line',
    ],
    ['missing sha256', bodyWithLines(replaceLine('sha256=', null)), 'missing_field'],
    ['missing format', bodyWithLines(replaceLine('format=', null)), 'missing_field'],
    ['signed for another purpose (format)', bodyWithLines(replaceLine('format=', 'format=static-ota/2')), 'bad_format'],
    ['a patch manifest served as latest.txt', signed(serializePatchBody(PATCH)), 'bad_format'],
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
    ['unknown encoding', bodyWithLines([...baseLines(), 'encoding=deflate']), 'bad_encoding'],
    ['uppercase encoding', bodyWithLines([...baseLines(), 'encoding=GZIP']), 'bad_encoding'],
    ['identity encoding (absent means raw)', bodyWithLines([...baseLines(), 'encoding=identity']), 'bad_encoding'],
    ['encoding with a parameter', bodyWithLines([...baseLines(), 'encoding=gzip;level=9']), 'bad_encoding'],
    ['duplicate encoding', bodyWithLines([...baseLines(), 'encoding=gzip', 'encoding=gzip']), 'duplicate_field'],
    [
      'inflated-size without encoding=gzip',
      bodyWithLines([...baseLines(), 'inflated-size=412736']),
      'bad_inflated_size',
    ],
    ['inflated-size zero', bodyWithLines([...baseLines(), 'encoding=gzip', 'inflated-size=0']), 'bad_inflated_size'],
    [
      'inflated-size with leading zero',
      bodyWithLines([...baseLines(), 'encoding=gzip', 'inflated-size=0412736']),
      'bad_inflated_size',
    ],
    [
      'inflated-size over 32 bits',
      bodyWithLines([...baseLines(), 'encoding=gzip', 'inflated-size=4294967296']),
      'bad_inflated_size',
    ],
    [
      'inflated-size with a unit',
      bodyWithLines([...baseLines(), 'encoding=gzip', 'inflated-size=400KB']),
      'bad_inflated_size',
    ],
    [
      'inflated-size beside an unknown encoding',
      bodyWithLines([...baseLines(), 'inflated-size=412736', 'encoding=deflate']),
      'bad_encoding',
    ],
    [
      'duplicate inflated-size',
      bodyWithLines([...baseLines(), 'encoding=gzip', 'inflated-size=1', 'inflated-size=1']),
      'duplicate_field',
    ],
    ['rollout over 100', bodyWithLines([...baseLines(), 'rollout=101']), 'bad_rollout'],
    ['rollout with leading zero', bodyWithLines([...baseLines(), 'rollout=025']), 'bad_rollout'],
    ['rollout with percent sign', bodyWithLines([...baseLines(), 'rollout=25%']), 'bad_rollout'],
    ['seq over 32 bits', bodyWithLines([...baseLines(), 'seq=4294967296']), 'bad_seq'],
    ['negative seq', bodyWithLines([...baseLines(), 'seq=-1']), 'bad_seq'],
  ];
  const both = [hex(PRIMARY.publicKey), hex(ROTATION.publicKey)];
  const withRotation = (body: string): string =>
    `${body}${sigLine(bodyOf(), ROTATION).replace(/[0-9a-f]{2}\n$/, (last) => `${last[0] === '0' ? '1' : '0'}${last[1]}\n`)}`;
  // k of n: signatures from `required` distinct trusted keys (docs/protocol.md, step 10).
  const thresholds: Array<[string, string, string[], number, string]> = [
    ['two required, one signature', good, both, 2, 'too_few_signatures'],
    ['two required, the same key signing twice', signed(bodyOf(), [PRIMARY, PRIMARY]), both, 2, 'too_few_signatures'],
    [
      'two required, the trusted list naming one key twice',
      good,
      [hex(PRIMARY.publicKey), hex(PRIMARY.publicKey)],
      2,
      'too_few_signatures',
    ],
    [
      'two required, the second signature from an untrusted key',
      signed(bodyOf(), [PRIMARY, UNTRUSTED]),
      both,
      2,
      'too_few_signatures',
    ],
    ['two required, the second trusted signature does not verify', withRotation(good), both, 2, 'too_few_signatures'],
    ['two required, no signature verifies', signed(bodyOf(), [UNTRUSTED]), both, 2, 'untrusted_key'],
  ];
  const cofactoredOnly = mixedOrderManifest(keepsTorsion(8n)).manifest;
  const withTrusted =
    (trusted: Array<{ publicKey: Uint8Array }>) =>
    ([name, manifest, error]: [string, string, string]) => ({
      name,
      manifest,
      trusted: trusted.map((key) => hex(key.publicKey)),
      error,
    });
  return [
    ...cases.map(withTrusted([PRIMARY])),
    withTrusted([MIXED_ORDER_KEY])([
      'mixed-order key, signature valid only under the cofactored equation',
      cofactoredOnly,
      'bad_signature',
    ]),
    withTrusted([COLLIDING_A])([
      'colliding keyid, signed by the other key only',
      signed(bodyOf(), [COLLIDING_B]),
      'bad_signature',
    ]),
    ...thresholds.map(([name, manifest, trusted, required, error]) => ({ name, manifest, trusted, required, error })),
  ];
}

/** Precedence examples from SemVer 2.0.0 section 11 and edge cases; cmp is sign(compare(a, b)). */
const VERSION_CHAIN = [
  '0.0.1',
  '0.1.0',
  '1.0.0-0',
  '1.0.0-1',
  '1.0.0-2',
  '1.0.0-10',
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
  '1.0.1',
  '1.2.0',
  '1.10.0',
  '2.0.0-a-b',
  '2.0.0',
  '10.0.0',
  '999999999999999.0.0',
];
function versionCases(): Array<[string, string, number]> {
  const pairs: Array<[string, string, number]> = [];
  VERSION_CHAIN.forEach((a, i) => {
    pairs.push([a, a, 0]);
    if (i + 1 < VERSION_CHAIN.length) pairs.push([a, VERSION_CHAIN[i + 1], -1], [VERSION_CHAIN[i + 1], a, 1]);
  });
  pairs.push(
    ['1.0.0+build.1', '1.0.0+build.2', 0],
    ['1.0.0-rc.1+x', '1.0.0-rc.1', 0],
    ['1.0.0-alpha.1+b', '1.0.0-alpha.2', -1],
  );
  return pairs;
}

/** RFC 8032 section 7.1, TEST 1024: a 1023-byte message. */
const RFC8032_TEST_1024_MESSAGE = [
  '08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1',
  'e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d',
  '658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a',
  '7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e',
  '06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10',
  '3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1',
  '85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d',
  '502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270',
  '88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b',
  'eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba',
  'b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b',
  'e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7',
  '51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d',
  'cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df',
  'f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7',
  '984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4',
  '88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09',
  '43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f',
  'b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161',
  '0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d',
  'b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca',
  'c60c905c15fc910840b94c00a0b9d0',
].join('');

/** RFC 8032 section 7.1: TEST 1, 2, 3, 1024 and SHA(abc). */
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
    secret: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
    public: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
    message: RFC8032_TEST_1024_MESSAGE,
    signature:
      '0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03',
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

// Point arithmetic for signatures no honest signer makes. @noble/ed25519 is
// used for this in the tests only: the product signs and verifies with OpenSSL.
const FIELD_PRIME = 2n ** 255n - 19n;
const fromLittleEndian = (bytes: Uint8Array): bigint =>
  BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
const toLittleEndian = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse();
const hashToScalar = (...parts: Array<Uint8Array | string>): bigint =>
  fromLittleEndian(
    createHash('sha512')
      .update(Buffer.concat(parts.map((part) => Buffer.from(part))))
      .digest(),
  ) % GROUP_ORDER;
/** The encoding of y (below 2^255) with the sign bit of x. */
const encodeY = (y: bigint, signBit = false): Buffer => {
  const bytes = toLittleEndian(y);
  if (signBit) bytes[31] |= 0x80;
  return bytes;
};
const IDENTITY = encodeY(1n);
const ORDER_8_Y = 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n;
const ORDER_8_Y_OTHER = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n;
/** The eight points of order dividing 8, as canonical encodings. */
const SMALL_ORDER_POINTS: Array<[string, Buffer]> = [
  ['identity (order 1)', encodeY(1n)],
  ['order 2 (y = p - 1)', encodeY(FIELD_PRIME - 1n)],
  ['order 4 (y = 0)', encodeY(0n)],
  ['order 4 (y = 0, sign bit)', encodeY(0n, true)],
  ['order 8', encodeY(ORDER_8_Y)],
  ['order 8, sign bit', encodeY(ORDER_8_Y, true)],
  ['order 8, other y', encodeY(ORDER_8_Y_OTHER)],
  ['order 8, other y, sign bit', encodeY(ORDER_8_Y_OTHER, true)],
];
const decodes = (encoding: Uint8Array, zip215: boolean): boolean => {
  try {
    Point.fromBytes(encoding, zip215);
    return true;
  } catch {
    return false;
  }
};

interface ScalarKey {
  label: string;
  secret: bigint;
  publicKey: Uint8Array;
}

/** secret·B + torsion: a key of mixed order when the torsion point is not the identity. */
function scalarKey(label: string, torsion: Uint8Array = IDENTITY): ScalarKey {
  const secret = hashToScalar(label);
  return { label, secret, publicKey: Point.BASE.multiply(secret).add(Point.fromBytes(torsion)).toBytes() };
}

/**
 * R = rB, S = r + k·secret with k = SHA-512(R || A || M) mod L. With a key of
 * mixed order it satisfies the cofactored equation 8SB = 8R + 8kA always, the
 * cofactorless SB = R + kA only when k kills the torsion (8 divides k).
 */
function signWithScalar(key: ScalarKey, message: Uint8Array): { signature: Buffer; k: bigint } {
  const r = hashToScalar('nonce', key.label, message);
  const R = Point.BASE.multiply(r).toBytes();
  const k = hashToScalar(R, key.publicKey, message);
  return { signature: Buffer.concat([R, toLittleEndian((r + k * key.secret) % GROUP_ORDER)]), k };
}

/** The first of `candidates(i)` whose k satisfies `wanted`, signed. */
function firstSigned(key: ScalarKey, candidates: (index: number) => string, wanted: (k: bigint) => boolean) {
  for (let index = 0; ; index++) {
    const message = candidates(index);
    const { signature, k } = signWithScalar(key, Buffer.from(message, 'latin1'));
    if (wanted(k)) return { message, signature };
  }
}

const MIXED_ORDER_KEY = scalarKey('static-ota mixed-order key', encodeY(ORDER_8_Y));
const MIXED_ORDER_2_KEY = scalarKey('static-ota mixed-order key, order 2 torsion', encodeY(FIELD_PRIME - 1n));
const killsTorsion = (order: bigint) => (k: bigint) => k % order === 0n;
const keepsTorsion = (order: bigint) => (k: bigint) => k % order !== 0n;

/** Manifests signed with a mixed-order key: refused unless k kills the torsion, as on the devices. */
function mixedOrderManifest(wanted: (k: bigint) => boolean) {
  const { message, signature } = firstSigned(
    MIXED_ORDER_KEY,
    (index) => bodyOf({ extra: [['note', `mixed-${index}`]] }),
    wanted,
  );
  return {
    body: message,
    manifest: message + formatSignatureLine({ keyId: keyIdOf(MIXED_ORDER_KEY.publicKey), signature }),
  };
}

/**
 * Signatures under keys of mixed order: `valid` is the cofactorless verdict
 * (OpenSSL, rweather's Crypto, hence both verifiers), `cofactored` what the
 * cofactored equation (@noble/ed25519) says.
 */
function equationCases() {
  const cases = [
    ['order-8 torsion, signature valid only under the cofactored equation', MIXED_ORDER_KEY, keepsTorsion(8n), false],
    ['order-8 torsion, k divisible by 8: valid under both', MIXED_ORDER_KEY, killsTorsion(8n), true],
    ['order-2 torsion, odd k: valid only under the cofactored equation', MIXED_ORDER_2_KEY, keepsTorsion(2n), false],
    ['order-2 torsion, even k: valid under both', MIXED_ORDER_2_KEY, killsTorsion(2n), true],
  ] as const;
  return cases.map(([name, key, wanted, valid]) => {
    const signed = firstSigned(key, (index) => `static-ota equation ${index}`, wanted);
    return {
      name,
      public: hex(key.publicKey),
      message: hex(Buffer.from(signed.message)),
      signature: hex(signed.signature),
      valid,
      cofactored: true,
    };
  });
}

/** Signatures a lax verifier accepts and a strict one refuses before any backend runs. */
function strictnessCases() {
  const test1 = RFC8032[0];
  const smallOrderSignature = hex(Buffer.concat([IDENTITY, Buffer.alloc(32)]));
  // R = identity, S = 0 satisfies SB = R + kA for a small-order A whenever 8 divides k.
  const smallOrderKeys = [
    ...SMALL_ORDER_POINTS,
    ['identity with the sign bit (non-canonical)', encodeY(1n, true)],
    ['order 2 with the sign bit (non-canonical)', encodeY(FIELD_PRIME - 1n, true)],
    ['order 4 as y = p (non-canonical)', encodeY(FIELD_PRIME)],
    ['identity as y = p + 1 (non-canonical)', encodeY(FIELD_PRIME + 1n)],
  ] as Array<[string, Buffer]>;
  const smallOrderCases = smallOrderKeys.map(([name, publicKey]) => {
    let index = 0;
    while (hashToScalar(IDENTITY, publicKey, `static-ota small order ${index}`) % 8n !== 0n) index++;
    return {
      name: `small-order public key: ${name}, R = identity, S = 0`,
      public: hex(publicKey),
      message: hex(Buffer.from(`static-ota small order ${index}`)),
      signature: smallOrderSignature,
      valid: false,
    };
  });
  // R = identity written as y = p + 1 and S = k·a: SB = kA = R + kA once y is reduced mod p.
  const honest = scalarKey('static-ota honest scalar key');
  const nonCanonicalR = encodeY(FIELD_PRIME + 1n);
  const message = Buffer.from('static-ota non-canonical R');
  const k = hashToScalar(nonCanonicalR, honest.publicKey, message);
  // R = identity, S = k·a satisfies both equations; OpenSSL 3.0 accepts it, OpenSSL 3.5 does not.
  const identityMessage = Buffer.from('static-ota identity R');
  const identityK = hashToScalar(IDENTITY, honest.publicKey, identityMessage);
  const sPlus = (times: bigint) => hex(withNonCanonicalS(Buffer.from(test1.signature, 'hex'), times));
  return [
    {
      name: 'non-canonical S (S + L) on RFC 8032 test 1',
      public: test1.public,
      message: test1.message,
      signature: sPlus(1n),
      valid: false,
    },
    {
      name: 'non-canonical S (S + 2L) on RFC 8032 test 1',
      public: test1.public,
      message: test1.message,
      signature: sPlus(2n),
      valid: false,
    },
    ...smallOrderCases,
    {
      name: 'non-canonical R (identity as y = p + 1) that passes once reduced',
      public: hex(honest.publicKey),
      message: hex(message),
      signature: hex(Buffer.concat([nonCanonicalR, toLittleEndian((k * honest.secret) % GROUP_ORDER)])),
      valid: false,
    },
    {
      name: 'small-order R (identity) with S = k·a, valid under both equations',
      public: hex(honest.publicKey),
      message: hex(identityMessage),
      signature: hex(Buffer.concat([IDENTITY, toLittleEndian((identityK * honest.secret) % GROUP_ORDER)])),
      valid: false,
    },
    ...[FIELD_PRIME, 2n ** 255n - 1n].map((y) => ({
      name: `non-canonical R (y = ${y === FIELD_PRIME ? 'p' : '2^255 - 1'}) on RFC 8032 test 1`,
      public: test1.public,
      message: test1.message,
      signature: hex(Buffer.concat([encodeY(y), Buffer.from(test1.signature, 'hex').subarray(32)])),
      valid: false,
    })),
    {
      name: 'non-canonical public key encoding (y = p)',
      public: hex(encodeY(FIELD_PRIME)),
      message: '00',
      signature: smallOrderSignature,
      valid: false,
    },
  ];
}

/** Staged-rollout buckets (docs/protocol.md, "Staged rollout") for chip-style and free-form device ids. */
function rolloutCases() {
  const devices = ['00a1b2c3', '240ac4123456', 'device-0', 'device-1', 'lab.bench_7', 'x'.repeat(32)];
  return ['1.4.2', '1.5.0-beta.2+build.7'].flatMap((version) =>
    devices.map((deviceId) => ({
      board: BASE.board,
      version,
      device_id: deviceId,
      bucket: rolloutBucket(BASE.board, version, deviceId),
    })),
  );
}

const PATCH: PatchManifestFields = {
  version: '1.4.3',
  board: 'nodemcuv2',
  channel: 'stable',
  file: 'firmware-1.4.3.bin.from-1.4.2.patch',
  size: 5113,
  sha256: createHash('sha256').update('static-ota test patch').digest('hex'),
  baseVersion: '1.4.2',
  baseSize: 412736,
  baseSha256: createHash('sha256').update('static-ota test base').digest('hex'),
  resultSize: 412800,
  resultSha256: IMAGE_SHA256,
};

/** Patch manifests (docs/protocol.md, "Delta updates"): the same framing and signatures, their own fields. */
function patchCases() {
  const trusted = [hex(PRIMARY.publicKey)];
  const patchLines = (changes: Partial<PatchManifestFields> = {}): string[] =>
    serializePatchBody({ ...PATCH, ...changes })
      .slice(0, -1)
      .split('\n');
  const withLine = (prefix: string, replacement: string | null): string => {
    const lines = patchLines();
    const at = lines.findIndex((line) => line.startsWith(prefix));
    if (replacement === null) lines.splice(at, 1);
    else lines[at] = replacement;
    return signed(rawBody(...lines));
  };
  const expectOf = (fields: PatchManifestFields) => ({
    version: fields.version,
    board: fields.board,
    channel: fields.channel,
    file: fields.file,
    size: fields.size,
    sha256: fields.sha256,
    expires: fields.expires ?? null,
    base_version: fields.baseVersion,
    base_size: fields.baseSize,
    base_sha256: fields.baseSha256,
    result_size: fields.resultSize,
    result_sha256: fields.resultSha256,
  });
  const valid = [
    { name: 'patch from 1.4.2 to 1.4.3', changes: {} },
    { name: 'patch with expiry', changes: { expires: 1893456000 } },
    { name: 'patch from a version with build metadata', changes: { baseVersion: '1.4.2+7' } },
  ].map(({ name, changes }) => {
    const fields = { ...PATCH, ...changes };
    const body = serializePatchBody(fields);
    return { name, manifest: signed(body), trusted, expect: { ...expectOf(fields), signed_length: body.length } };
  });
  const release = signed(bodyOf());
  const invalid: Array<[string, string, string]> = [
    ['a release manifest is not a patch manifest', release, 'missing_field'],
    ['release format with the patch fields', withLine('format=', 'format=static-ota/1'), 'bad_format'],
    ['missing base-sha256', withLine('base-sha256=', null), 'missing_field'],
    ['missing result-size', withLine('result-size=', null), 'missing_field'],
    ['patch changed after signing', withLine('size=', 'size=5113').replace('size=5113', 'size=5114'), 'bad_signature'],
    ['base-version with v prefix', withLine('base-version=', 'base-version=v1.4.2'), 'bad_base_version'],
    ['base-size zero', withLine('base-size=', 'base-size=0'), 'bad_base_size'],
    ['base-size over 32 bits', withLine('base-size=', 'base-size=4294967296'), 'bad_base_size'],
    [
      'uppercase base-sha256',
      withLine('base-sha256=', `base-sha256=${PATCH.baseSha256.toUpperCase()}`),
      'bad_base_sha256',
    ],
    ['result-size with leading zero', withLine('result-size=', 'result-size=0412800'), 'bad_result_size'],
    ['short result-sha256', withLine('result-sha256=', `result-sha256=${IMAGE_SHA256.slice(2)}`), 'bad_result_sha256'],
    ['patch size zero', withLine('size=', 'size=0'), 'bad_size'],
    [
      'bad board before bad base fields',
      signed(serializePatchBody({ ...PATCH, board: 'a/b', baseVersion: 'x' })),
      'bad_board',
    ],
    [
      'expires checked before the base',
      signed(rawBody(...patchLines({ baseVersion: 'x' }), 'expires=soon')),
      'bad_expires',
    ],
  ];
  return {
    valid,
    invalid: invalid.map(([name, manifest, error]) => ({ name, manifest, trusted, error })),
  };
}

/** Trusted keys as configuration sees them: both sides give the same code (`ok` for a usable key). */
function publicKeyCases() {
  const firstY = (from: bigint, wanted: (encoding: Buffer) => boolean): bigint => {
    let y = from;
    while (!wanted(encodeY(y))) y++;
    return y;
  };
  const offCurveY = firstY(2n, (encoding) => !decodes(encoding, false));
  const largeOrderY = firstY(2n, (encoding) => decodes(encoding, false) && !Point.fromBytes(encoding).isSmallOrder());
  const cases: Array<[string, Uint8Array, string]> = [
    ['RFC 8032 test 1 key', Buffer.from(RFC8032[0].public, 'hex'), 'ok'],
    ['primary test key', PRIMARY.publicKey, 'ok'],
    ['mixed-order key (a point of order 8L: usable, the equation decides)', MIXED_ORDER_KEY.publicKey, 'ok'],
    [`smallest y above 1 on the curve (y = ${largeOrderY})`, encodeY(largeOrderY), 'ok'],
    ...SMALL_ORDER_POINTS.map(([name, encoding]): [string, Uint8Array, string] => [name, encoding, 'small_order']),
    ['identity with the sign bit', encodeY(1n, true), 'non_canonical'],
    ['order 2 with the sign bit', encodeY(FIELD_PRIME - 1n, true), 'non_canonical'],
    ['y = p (order 4 if reduced)', encodeY(FIELD_PRIME), 'non_canonical'],
    ['y = p, sign bit', encodeY(FIELD_PRIME, true), 'non_canonical'],
    ['y = p + 1 (identity if reduced)', encodeY(FIELD_PRIME + 1n), 'non_canonical'],
    [`y = p + ${largeOrderY} (a point of large order if reduced)`, encodeY(FIELD_PRIME + largeOrderY), 'non_canonical'],
    ['y = 2^255 - 1', encodeY(2n ** 255n - 1n), 'non_canonical'],
    ['y = 2^255 - 1, sign bit', encodeY(2n ** 255n - 1n, true), 'non_canonical'],
    [`smallest y not on the curve (y = ${offCurveY})`, encodeY(offCurveY), 'not_a_point'],
    [`smallest y not on the curve, sign bit`, encodeY(offCurveY, true), 'not_a_point'],
  ];
  return cases.map(([name, publicKey, problem]) => ({ name, public: hex(publicKey), problem }));
}

export function buildVectors() {
  return {
    description:
      'static-ota shared test vectors: see docs/protocol.md. Manifests are ASCII JSON strings; errors are the codes of the "Opening a manifest" table. Regenerate with `npm run vectors`.',
    keys: KEYS.map((key) => ({ name: key.name, seed: hex(key.seed), public: hex(key.publicKey), keyid: key.keyId })),
    valid: validCases(),
    invalid: invalidCases(),
    versions: versionCases(),
    colliding_keys: COLLIDING_KEYS.map((key) => ({
      name: key.name,
      seed: hex(key.seed),
      public: hex(key.publicKey),
      keyid: key.keyId,
    })),
    rfc8032: RFC8032,
    strictness: strictnessCases(),
    equation: equationCases(),
    public_keys: publicKeyCases(),
    rollout: rolloutCases(),
    patches: patchCases(),
  };
}

export const serializeVectors = (): string => `${JSON.stringify(buildVectors(), null, 2)}\n`;
