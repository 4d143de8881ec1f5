// The attack battery (docs/security.md): a hostile mirror on 127.0.0.1 serves
// one attack at a time to the device simulator (static-ota-device). For each,
// the device must report the specific refusal, keep its flash exactly as it
// was, and then install the next good release served right after.
//
// With STATIC_OTA_SECURITY_REPORT=<file> the observed outcomes are written
// there as JSON for scripts/security-report.mjs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, signBytes } from '../../src/protocol/crypto.js';
import { formatSignatureLine, serializeBody } from '../../src/protocol/manifest.js';
import { normalizedBase } from '../../src/protocol/patch.js';
import { applyPatch, DeltaApplyError } from '../../src/release/delta/apply.js';
import { signManifest } from '../../src/release/sign.js';
import type { DeviceRun } from '../device/simulator.js';
import { removeTemporaryFolders, temporaryFolder } from '../helpers.js';
import {
  chunked,
  endless,
  faithfully,
  etagOf,
  hangUp,
  resetAfter,
  respond,
  responseHead,
  stallAfter,
  startHostileMirror,
  trickle,
  withoutLength,
  type HostileMirror,
  type Responder,
  type Routes,
} from './hostile-mirror.js';
import { runDevice as runSimulator } from '../device/simulator.js';
import {
  appendSignatures,
  BOARD,
  fieldsFor,
  IMAGE_BYTES,
  makeImage,
  makePatch,
  makeSigner,
  publishWithCli,
  type Release,
  type Signer,
} from './releases.js';

const RUNNING_VERSION = '1.0.0';
const FLASH_BYTES = 64 * 1024;
const LATEST = `/${BOARD}/latest.txt`;
const imagePath = (file: string): string => `/${BOARD}/${file}`;
/** Short enough to keep stalls bounded, long enough for any honest answer on loopback. */
const READ_TIMEOUT_MS = 2000;
const UPDATE_TIMEOUT_MS = 8000;
/** For the one-byte-per-second attacks: a manifest or image needs far longer than this at that rate. */
const TRICKLE_UPDATE_TIMEOUT_MS = 2000;
const ONE_YEAR_AFTER_EXPIRY = 365 * 86400;

interface Kit {
  trusted: Signer;
  attacker: Signer;
  /** Installed in the device's flash before each attack (version RUNNING_VERSION). */
  previous: Release;
  /** The good release served after each attack (2.0.0). */
  good: Release;
  /** A genuine newer release (1.1.0) whose bytes the attacks misuse. */
  next: Release;
  older: Release;
  beta: Release;
  otherBoard: Release;
  arbitraryImage: Buffer;
}

let kit: Kit;
let mirror: HostileMirror;
/** The previous release's image as a file: the running image of a device with delta updates on. */
let runningImageFile: string;
/** Ends a run that would otherwise hang the battery; far above every timeout the attacks configure. */
const PROCESS_TIMEOUT_MS = 15_000;
const runDevice = (args: string[]): Promise<DeviceRun> => runSimulator(args, PROCESS_TIMEOUT_MS);

interface Attack {
  name: string;
  /** The device's outcome as `describeOutcome` prints it. */
  expected: string;
  routes: () => Routes;
  /** Extra simulator flags; later flags override the defaults. */
  flags?: () => string[];
  /** Initial content of the device's state file (its version store). */
  state?: string;
  /** A documented limit: the device installs the offered image. */
  installs?: () => Buffer;
}

/** A release served the way an honest static host serves it, with parts replaced by the attack. */
function serve(release: Release, replace: { manifest?: Responder | string; image?: Responder } = {}): Routes {
  const manifest =
    typeof replace.manifest === 'string'
      ? faithfully(replace.manifest)
      : (replace.manifest ?? faithfully(release.manifest));
  return { [LATEST]: manifest, [imagePath(release.file)]: replace.image ?? faithfully(release.image) };
}

/** The signed part and the sig lines of a manifest. */
function splitManifest(manifest: string): { body: string; signatures: string } {
  const at = manifest.indexOf('\nsig=') + 1;
  return { body: manifest.slice(0, at), signatures: manifest.slice(at) };
}

function flipByte(image: Buffer, offset: number): Buffer {
  const copy = Buffer.from(image);
  copy[offset] ^= 0x01;
  return copy;
}

/** mulberry32: a small seeded PRNG, so the "random" reset offsets are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seededRandom(0x5ec0);
const imageResetOffsets = [1, 2, 3].map(() => Math.floor(random() * IMAGE_BYTES));
const manifestResetFraction = random();

/** A manifest for `next` padded with an unknown field to exactly `length` bytes, signed by the trusted key (signManifest itself refuses the size). */
function paddedManifest(length: number): string {
  const build = (padding: number): string =>
    appendSignatures(
      serializeBody({ ...fieldsFor('1.1.0', kit.next.image), extra: [['padding', 'p'.repeat(padding)]] }),
      [kit.trusted.key],
    );
  return build(1 + length - build(1).length);
}

/**
 * Signs `body` exactly as written with the trusted key, as a buggy or misused
 * publisher could: the device must still refuse what the fields say.
 */
function signedByTrustedKey(body: string): string {
  return appendSignatures(body, [kit.trusted.key]);
}

/** Where a device running RUNNING_VERSION looks for its patch to `release`, and the patch beside it. */
const patchManifestPath = (release: Release): string => imagePath(`${release.file}.from-${RUNNING_VERSION}.txt`);
const patchPath = (release: Release): string => imagePath(`${release.file}.from-${RUNNING_VERSION}.patch`);

/** kit.next with a patch from the previous release: genuine, or its manifest or bytes replaced by the attack. */
function serveWithPatch(replace: { manifest?: string; patch?: Responder; image?: Responder } = {}): Routes {
  const genuine = makePatch(kit.trusted, kit.previous, kit.next);
  return {
    ...serve(kit.next, replace.image ? { image: replace.image } : {}),
    [patchManifestPath(kit.next)]: faithfully(replace.manifest ?? genuine.manifest),
    [patchPath(kit.next)]: replace.patch ?? faithfully(genuine.patch),
  };
}

/** The genuine patch with the last byte flip (from its end) that still decodes, to bytes other than the release. */
function decodingTamper(): Buffer {
  const { patch } = makePatch(kit.trusted, kit.previous, kit.next);
  for (let offset = patch.length - 1; offset > 0; offset--) {
    const tampered = flipByte(patch, offset);
    try {
      const built = applyPatch(normalizedBase(kit.previous.image), tampered, kit.next.image.length);
      if (!Buffer.from(built).equals(kit.next.image)) return tampered;
    } catch (error) {
      if (!(error instanceof DeltaApplyError)) throw error;
    }
  }
  throw new Error('no single byte flip of the patch decodes to other bytes');
}

const withDelta = (): string[] => ['--running-image', runningImageFile];

const FROZEN_EXPIRY = 1_700_000_000;
const frozenManifest = (): string =>
  signManifest({ ...fieldsFor('1.1.0', kit.next.image), expires: FROZEN_EXPIRY }, [kit.trusted.key]);

/** The attacks, grouped by the threat (docs/security.md) each one is an instance of. */
const threats: Array<{ threat: string; attacks: Attack[] }> = [
  // An attacker who owns the mirror offers an image of their own.
  {
    threat: 'arbitrary image',
    attacks: [
      {
        name: 'unsigned manifest offering an arbitrary image',
        expected: 'bad_signature (unsigned)',
        routes: () =>
          serve(kit.next, {
            manifest: serializeBody(fieldsFor('1.1.0', kit.arbitraryImage)),
            image: faithfully(kit.arbitraryImage),
          }),
      },
      {
        name: 'manifest signed by an unknown key',
        expected: 'bad_signature (untrusted_key)',
        routes: () =>
          serve(kit.next, {
            manifest: appendSignatures(serializeBody(fieldsFor('1.1.0', kit.arbitraryImage)), [kit.attacker.key]),
            image: faithfully(kit.arbitraryImage),
          }),
      },
      {
        name: "unknown key's signature labelled with the trusted keyid",
        expected: 'bad_signature (bad_signature)',
        routes: () => {
          const body = serializeBody(fieldsFor('1.1.0', kit.arbitraryImage));
          const forged = formatSignatureLine({
            keyId: kit.trusted.key.keyId,
            signature: signBytes(Buffer.from(body), kit.attacker.key.seed),
          });
          return serve(kit.next, { manifest: body + forged, image: faithfully(kit.arbitraryImage) });
        },
      },
      {
        name: 'tampered manifest: sha256 of an arbitrary image, original signature kept',
        expected: 'bad_signature (bad_signature)',
        routes: () =>
          serve(kit.next, {
            manifest: kit.next.manifest.replace(/^sha256=.*$/m, `sha256=${sha256Hex(kit.arbitraryImage)}`),
            image: faithfully(kit.arbitraryImage),
          }),
      },
      {
        name: 'tampered manifest with a second, valid sig from an unknown key',
        expected: 'bad_signature (bad_signature)',
        routes: () => {
          const { body, signatures } = splitManifest(kit.next.manifest);
          const tampered = body.replace(/^sha256=.*$/m, `sha256=${sha256Hex(kit.arbitraryImage)}`);
          const attackerLine = appendSignatures(tampered, [kit.attacker.key]).slice(tampered.length);
          return serve(kit.next, {
            manifest: tampered + signatures + attackerLine,
            image: faithfully(kit.arbitraryImage),
          });
        },
      },
      {
        name: 'signature over a prefix; file, size and sha256 appended after signing',
        expected: 'bad_signature (bad_signature)',
        routes: () => {
          const body = serializeBody(fieldsFor('1.1.0', kit.arbitraryImage));
          const prefix = body.slice(0, body.indexOf('file='));
          return serve(kit.next, {
            manifest: appendSignatures(body, [kit.trusted.key], prefix),
            image: faithfully(kit.arbitraryImage),
          });
        },
      },
      {
        name: 'tampered image: one bit flipped',
        expected: 'hash_mismatch',
        routes: () => serve(kit.next, { image: faithfully(flipByte(kit.next.image, IMAGE_BYTES - 1)) }),
      },
    ],
  },
  // Genuine releases, delivered to the wrong device.
  {
    threat: 'wrong board or channel',
    attacks: [
      {
        name: "another board's signed release on this board's path",
        expected: 'wrong_board',
        routes: () => serve(kit.otherBoard),
      },
      {
        name: 'a signed beta release on the stable path',
        expected: 'wrong_channel',
        routes: () => serve(kit.beta),
      },
    ],
  },
  {
    threat: 'rollback',
    attacks: [
      {
        name: 'older signed release',
        expected: 'not_newer',
        routes: () => serve(kit.older),
      },
      {
        name: 'the running version, signed',
        expected: 'no_update',
        routes: () => serve(kit.previous),
      },
      {
        name: 'signed release newer than the running one but below the highest ever accepted',
        expected: 'not_newer',
        state: 'highest=1.5.0\n',
        routes: () => serve(kit.next),
      },
    ],
  },
  // Staged rollout and halt (docs/security.md, "Rollout and halt"): `seq=` orders the signings of one version.
  {
    threat: 'rollout replay',
    attacks: [
      {
        name: 'halted release (rollout 0), signed',
        expected: 'not_in_rollout',
        routes: () =>
          serve(kit.next, {
            manifest: signManifest({ ...fieldsFor('1.1.0', kit.next.image), rollout: 0, seq: 2 }, [kit.trusted.key]),
          }),
        flags: () => ['--device-id', 'battery-device'],
      },
      {
        name: 'after a halt (seq 2 seen), the earlier wider signing (seq 1, rollout 100) replayed',
        expected: 'replayed',
        state: 'highest=1.0.0\noffer=1.1.0 2\n',
        routes: () =>
          serve(kit.next, {
            manifest: signManifest({ ...fieldsFor('1.1.0', kit.next.image), rollout: 100, seq: 1 }, [kit.trusted.key]),
          }),
        flags: () => ['--device-id', 'battery-device'],
      },
      {
        name: 'after an offer of 1.5.0 was seen, a lower signed offer (1.1.0) replayed',
        expected: 'replayed',
        state: 'highest=1.0.0\noffer=1.5.0 0\n',
        routes: () => serve(kit.next),
      },
    ],
  },
  // The device reads at most what the manifest and the flash allow.
  {
    threat: 'endless or oversized data',
    attacks: [
      {
        name: 'signed manifest of 1025 bytes, Content-Length says so',
        expected: 'wrong_format (too_large)',
        routes: () => serve(kit.next, { manifest: respond(200, paddedManifest(1025)) }),
      },
      {
        name: 'signed manifest of 1025 bytes without Content-Length',
        expected: 'wrong_format (too_large)',
        routes: () => serve(kit.next, { manifest: withoutLength(paddedManifest(1025)) }),
      },
      {
        name: 'never-ending manifest',
        expected: 'wrong_format (too_large)',
        routes: () => serve(kit.next, { manifest: endless(responseHead(200)) }),
      },
      {
        name: 'never-ending response headers',
        expected: 'network (bad_response)',
        routes: () => serve(kit.next, { manifest: endless('HTTP/1.1 200 OK\r\n', 'X-Padding: endless\r\n') }),
      },
      {
        name: 'image longer than size (Content-Length size + 1024)',
        expected: 'size_mismatch',
        routes: () =>
          serve(kit.next, { image: respond(200, Buffer.concat([kit.next.image, Buffer.alloc(1024, 0xe9)])) }),
      },
      {
        name: 'never-ending image without Content-Length',
        expected: 'size_mismatch',
        routes: () => serve(kit.next, { image: endless(responseHead(200), 0xe9) }),
      },
      {
        name: 'Content-Length one less than size, body cut to match',
        expected: 'size_mismatch',
        routes: () => serve(kit.next, { image: respond(200, kit.next.image.subarray(0, IMAGE_BYTES - 1)) }),
      },
      {
        name: 'image in chunked transfer coding (no length)',
        expected: 'size_mismatch',
        routes: () => serve(kit.next, { image: chunked(kit.next.image) }),
      },
      {
        name: 'manifest in chunked transfer coding',
        expected: 'network (bad_response)',
        routes: () => serve(kit.next, { manifest: chunked(kit.next.manifest) }),
      },
      {
        name: 'signed size larger than the flash',
        expected: 'too_large',
        routes: () =>
          serve(kit.next, {
            manifest: signManifest({ ...fieldsFor('1.1.0', kit.next.image), size: FLASH_BYTES + 1 }, [kit.trusted.key]),
          }),
      },
      {
        name: 'signed size=0',
        expected: 'wrong_format (bad_size)',
        routes: () =>
          serve(kit.next, {
            manifest: signedByTrustedKey(
              serializeBody(fieldsFor('1.1.0', kit.next.image)).replace(/^size=.*$/m, 'size=0'),
            ),
          }),
      },
      {
        name: 'two signed size lines with different values',
        expected: 'wrong_format (duplicate_field)',
        routes: () => {
          const body = serializeBody(fieldsFor('1.1.0', kit.next.image));
          return serve(kit.next, {
            manifest: signedByTrustedKey(body.replace(/^size=.*$/m, (line) => `${line}\nsize=${FLASH_BYTES * 16}`)),
          });
        },
      },
      {
        name: 'extra field line after the sig lines',
        expected: 'wrong_format (trailing_data)',
        routes: () => serve(kit.next, { manifest: `${kit.next.manifest}size=${FLASH_BYTES * 16}\n` }),
      },
      {
        name: 'extra bytes without newline after the sig lines',
        expected: 'wrong_format (missing_newline)',
        routes: () => serve(kit.next, { manifest: `${kit.next.manifest}x` }),
      },
    ],
  },
  // Bounded in time as well as in bytes.
  {
    threat: 'slow trickle',
    attacks: [
      {
        name: 'manifest at one byte per second',
        expected: 'timeout (timeout)',
        flags: () => ['--update-timeout-ms', String(TRICKLE_UPDATE_TIMEOUT_MS)],
        routes: () => serve(kit.next, { manifest: trickle(kit.next.manifest) }),
      },
      {
        name: 'image at one byte per second',
        expected: 'timeout (timeout)',
        flags: () => ['--update-timeout-ms', String(TRICKLE_UPDATE_TIMEOUT_MS)],
        routes: () => serve(kit.next, { image: trickle(kit.next.image) }),
      },
      {
        name: 'manifest response, headers included, at one byte per second',
        expected: 'timeout (timeout)',
        flags: () => ['--update-timeout-ms', String(TRICKLE_UPDATE_TIMEOUT_MS)],
        routes: () => serve(kit.next, { manifest: trickle(kit.next.manifest, { headToo: true }) }),
      },
      {
        name: 'image stalls after 100 bytes',
        expected: 'timeout (timeout)',
        flags: () => ['--timeout-ms', '1000'],
        routes: () => serve(kit.next, { image: stallAfter(kit.next.image, 100) }),
      },
      {
        name: 'connection accepted, no answer ever',
        expected: 'timeout (timeout)',
        flags: () => ['--timeout-ms', '1000'],
        routes: () => serve(kit.next, { manifest: () => undefined }),
      },
    ],
  },
  // Genuine manifests paired with images they do not describe.
  {
    threat: 'mix-and-match',
    attacks: [
      {
        name: "new manifest with the previous release's image",
        expected: 'hash_mismatch',
        routes: () => serve(kit.next, { image: faithfully(kit.previous.image) }),
      },
      {
        name: "new manifest with another board's image of the same size",
        expected: 'hash_mismatch',
        routes: () => serve(kit.next, { image: faithfully(kit.otherBoard.image) }),
      },
      {
        name: 'new manifest with an image of another size',
        expected: 'size_mismatch',
        routes: () =>
          serve(kit.next, { image: faithfully(Buffer.concat([kit.next.image, kit.next.image.subarray(0, 100)])) }),
      },
    ],
  },
  {
    threat: 'replay for another purpose',
    attacks: [
      {
        name: 'body with format=other-tool/1 signed by the key',
        expected: 'wrong_format (bad_format)',
        routes: () =>
          serve(kit.next, {
            manifest: signedByTrustedKey(
              serializeBody(fieldsFor('1.1.0', kit.next.image)).replace('format=static-ota/1', 'format=other-tool/1'),
            ),
          }),
      },
      {
        name: "another board's sig lines under this board's fields",
        expected: 'bad_signature (bad_signature)',
        routes: () => {
          const body = serializeBody({ ...fieldsFor('1.1.0', kit.otherBoard.image), file: kit.otherBoard.file });
          return serve(kit.otherBoard, { manifest: body + splitManifest(kit.otherBoard.manifest).signatures });
        },
      },
    ],
  },
  // Delta updates (docs/protocol.md): a device running 1.0.0 with delta on is
  // offered 1.1.0 and a patch; any bad patch ends with the full image
  // installed by the same update(), or with nothing committed.
  {
    threat: 'delta patches',
    attacks: [
      {
        name: 'genuine patch (control): installed without the full image',
        expected: 'updated [patch: installed]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => {
          const routes = serveWithPatch();
          delete routes[imagePath(kit.next.file)];
          return routes;
        },
      },
      {
        name: 'tampered patch: one byte flipped',
        expected: 'updated [patch: decoder]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => {
          const { patch } = makePatch(kit.trusted, kit.previous, kit.next);
          return serveWithPatch({ patch: faithfully(flipByte(patch, patch.length >> 1)) });
        },
      },
      {
        name: 'tampered patch that still decodes, to other bytes',
        expected: 'updated [patch: hash_mismatch]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => serveWithPatch({ patch: faithfully(decodingTamper()) }),
      },
      {
        name: 'patch for another base (signed, base-sha256 of another image)',
        expected: 'updated [patch: base_mismatch]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () =>
          serveWithPatch({
            manifest: makePatch(kit.trusted, { version: RUNNING_VERSION, image: kit.older.image }, kit.next).manifest,
          }),
      },
      {
        name: 'truncated patch, Content-Length says so',
        expected: 'updated [patch: transport]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => {
          const { patch } = makePatch(kit.trusted, kit.previous, kit.next);
          return serveWithPatch({ patch: faithfully(patch.subarray(0, patch.length >> 1)) });
        },
      },
      {
        name: 'truncated patch: connection reset halfway',
        expected: 'updated [patch: transport]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => {
          const { patch } = makePatch(kit.trusted, kit.previous, kit.next);
          return serveWithPatch({ patch: resetAfter(patch, patch.length >> 1) });
        },
      },
      {
        name: "another board's signed patch on this board's path",
        expected: 'updated [patch: mismatch]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () =>
          serveWithPatch({ manifest: makePatch(kit.trusted, kit.previous, kit.next, { board: 'esp32dev' }).manifest }),
      },
      {
        name: 'replayed older patch (0.9.0 to 1.0.0) under the path for 1.1.0',
        expected: 'updated [patch: mismatch]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => serveWithPatch({ manifest: makePatch(kit.trusted, kit.older, kit.previous).manifest }),
      },
      {
        name: 'patch manifest signed by an unknown key',
        expected: 'updated [patch: bad_manifest]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => serveWithPatch({ manifest: makePatch(kit.attacker, kit.previous, kit.next).manifest }),
      },
      {
        name: "genuine patch manifest, the patch replaced by one building the attacker's image",
        expected: 'updated [patch: transport]',
        flags: withDelta,
        installs: () => kit.next.image,
        routes: () => {
          const hostile = makePatch(kit.attacker, kit.previous, { ...kit.next, image: kit.arbitraryImage });
          return serveWithPatch({ patch: faithfully(hostile.patch) });
        },
      },
      {
        name: 'tampered patch and the full image 404: nothing committed',
        expected: 'http_status (404) [patch: decoder]',
        flags: withDelta,
        routes: () => {
          const { patch } = makePatch(kit.trusted, kit.previous, kit.next);
          return serveWithPatch({
            patch: faithfully(flipByte(patch, patch.length >> 1)),
            image: respond(404, 'not found'),
          });
        },
      },
    ],
  },
  // A signed manifest that stopped being current: only a clock can tell.
  {
    threat: 'freeze',
    attacks: [
      {
        name: 'expired signed manifest, device knows the time',
        expected: 'expired',
        flags: () => ['--now', String(FROZEN_EXPIRY + ONE_YEAR_AFTER_EXPIRY)],
        routes: () => serve(kit.next, { manifest: frozenManifest() }),
      },
      {
        name: 'expired signed manifest, device without a clock (not defended)',
        expected: 'updated',
        installs: () => kit.next.image,
        routes: () => serve(kit.next, { manifest: frozenManifest() }),
      },
      {
        name: "the running version's signed manifest, sent once under the good release's ETag",
        expected: 'no_update',
        routes: () =>
          serve(kit.good, { manifest: respond(200, kit.previous.manifest, { ETag: etagOf(kit.good.manifest) }) }),
      },
    ],
  },
  // A broken or spiteful mirror: every failure leaves the device as it was.
  {
    threat: 'broken mirror or network',
    attacks: [
      ...imageResetOffsets.map((offset): Attack => ({
        name: `connection reset after image byte ${offset}`,
        expected: 'network (closed)',
        routes: () => serve(kit.next, { image: resetAfter(kit.next.image, offset) }),
      })),
      {
        name: "connection reset inside the good release's manifest (same ETag)",
        expected: 'network (closed)',
        routes: () => {
          const { manifest } = kit.good;
          return serve(kit.good, {
            manifest: resetAfter(manifest, Math.floor(manifestResetFraction * manifest.length), {
              ETag: etagOf(manifest),
            }),
          });
        },
      },
      {
        name: 'connection closed before any answer',
        expected: 'network (bad_response)',
        routes: () => serve(kit.next, { manifest: hangUp }),
      },
      {
        name: 'redirect loop',
        expected: 'http_status (302)',
        routes: () => serve(kit.next, { manifest: respond(302, '', { Location: LATEST }) }),
      },
      {
        name: '200 with an HTML error page',
        expected: 'wrong_format (bad_version)',
        routes: () =>
          serve(kit.next, {
            manifest: respond(200, '<!DOCTYPE html>\n<html><body><h1>Service Unavailable</h1></body></html>\n', {
              'Content-Type': 'text/html',
            }),
          }),
      },
      {
        name: 'manifest 404',
        expected: 'http_status (404)',
        routes: () => serve(kit.next, { manifest: respond(404, 'not found') }),
      },
      {
        name: 'manifest 500',
        expected: 'http_status (500)',
        routes: () => serve(kit.next, { manifest: respond(500, 'internal error') }),
      },
      {
        name: 'image 404',
        expected: 'http_status (404)',
        routes: () => serve(kit.next, { image: respond(404, 'not found') }),
      },
      {
        name: '304 Not Modified to an unconditional request (withholding, not defended)',
        expected: 'no_update',
        routes: () => serve(kit.next, { manifest: respond(304, '', { 'Content-Length': null }) }),
      },
    ],
  },
];

/** One line of the security report (scripts/security-report.mjs reads these fields). */
interface BatteryRow {
  threat: string;
  attack: string;
  expected: string;
  observed: string;
  expectedFlash: string;
  flash: string;
  /** Outcome of the good release served right after. */
  recovery: string;
}

const rows: BatteryRow[] = [];

/** The result token, with the manifest or transport detail and the HTTP status when they say more. */
function describeOutcome(run: DeviceRun): string {
  const { detail, http_status: status } = run.fields;
  if (run.result === 'http_status') return `http_status (${status})`;
  return detail && detail !== '-' ? `${run.result} (${detail})` : run.result;
}

/** describeOutcome, and what became of the patch when delta updates are on. */
function describeAttacked(run: DeviceRun): string {
  const { patch } = run.fields;
  return patch === undefined ? describeOutcome(run) : `${describeOutcome(run)} [patch: ${patch}]`;
}

interface Device {
  folder: string;
  flash: string;
  poll(extraFlags: string[]): Promise<DeviceRun>;
}

/** A device running RUNNING_VERSION with the previous image in its flash and a version store. */
function newDevice(state?: string, trusting: readonly Signer[] = [kit.trusted]): Device {
  const folder = temporaryFolder('static-ota-security-device-');
  const flash = join(folder, 'flash.bin');
  const stateFile = join(folder, 'state.txt');
  writeFileSync(flash, kit.previous.image);
  if (state !== undefined) writeFileSync(stateFile, state);
  const flags = [
    '--url',
    `${mirror.url}${LATEST}`,
    ...trusting.flatMap((signer) => ['--pubkey', signer.file.publicHex]),
    '--version',
    RUNNING_VERSION,
    '--board',
    BOARD,
    '--flash',
    flash,
    '--flash-size',
    String(FLASH_BYTES),
    '--state',
    stateFile,
    '--timeout-ms',
    String(READ_TIMEOUT_MS),
    '--update-timeout-ms',
    String(UPDATE_TIMEOUT_MS),
  ];
  return { folder, flash, poll: (extraFlags) => runDevice([...flags, ...extraFlags]) };
}

/** What the flash holds now, in the words of the report. */
function describeFlash(device: Device, offered: Buffer | undefined): string {
  const leftovers = readdirSync(device.folder).filter((name) => name.includes('.partial-'));
  const bytes = existsSync(device.flash) ? readFileSync(device.flash) : undefined;
  let text = 'CHANGED';
  if (bytes?.equals(kit.previous.image)) text = 'unchanged';
  else if (offered && bytes?.equals(offered)) text = 'offered image installed';
  return leftovers.length ? `${text}, partial image left behind` : text;
}

beforeAll(async () => {
  const folder = temporaryFolder('static-ota-security-');
  const trusted = makeSigner(folder, 'trusted.pem');
  const [previous, good, next, older, beta, otherBoard] = await Promise.all([
    publishWithCli(trusted, { version: RUNNING_VERSION }),
    publishWithCli(trusted, { version: '2.0.0' }),
    publishWithCli(trusted, { version: '1.1.0' }),
    publishWithCli(trusted, { version: '0.9.0' }),
    publishWithCli(trusted, { version: '1.1.0', channel: 'beta' }),
    publishWithCli(trusted, { version: '1.1.0', board: 'esp32dev' }),
  ]);
  const attacker = makeSigner(folder, 'attacker.pem');
  runningImageFile = join(folder, 'running.bin');
  writeFileSync(runningImageFile, previous.image);
  kit = {
    trusted,
    attacker,
    previous,
    good,
    next,
    older,
    beta,
    otherBoard,
    arbitraryImage: makeImage(folder, attacker, 'arbitrary'),
  };
  mirror = await startHostileMirror();
}, 240_000);

afterAll(async () => {
  await mirror?.close();
  removeTemporaryFolders();
  const reportFile = process.env.STATIC_OTA_SECURITY_REPORT;
  if (reportFile) writeFileSync(reportFile, `${JSON.stringify(rows, null, 2)}\n`);
});

describe.each(threats.map(({ threat, attacks }) => [threat, attacks] as const))('%s', (threat, attacks) => {
  it.each(attacks.map((attack) => [attack.name, attack] as const))('%s', async (_name, attack) => {
    const device = newDevice(attack.state);
    const flags = attack.flags?.() ?? [];
    const installs = attack.installs?.();

    mirror.serve(attack.routes());
    const attacked = await device.poll(flags);
    const flash = describeFlash(device, installs);

    mirror.serve(serve(kit.good));
    const recovered = await device.poll(flags);
    const recoveredFlash = readFileSync(device.flash);

    const row: BatteryRow = {
      threat,
      attack: attack.name,
      expected: attack.expected,
      observed: describeAttacked(attacked),
      expectedFlash: installs ? 'offered image installed' : 'unchanged',
      flash,
      recovery: recoveredFlash.equals(kit.good.image)
        ? describeOutcome(recovered)
        : `${describeOutcome(recovered)}, flash is not the good image`,
    };
    rows.push(row);
    // The device reports what the attack should cause, its flash is as expected, and the next good release installs.
    expect({ observed: row.observed, flash: row.flash, recovery: row.recovery }).toEqual({
      observed: attack.expected,
      flash: row.expectedFlash,
      recovery: 'updated',
    });
  });
});

// Loss of the signing key is answered by rotation (docs/security.md): firmware
// trusting old and new keys ships first, releases carry both signatures for a
// while, then the old key signs nothing more.
describe('key rotation as devices see it', () => {
  let rotated: Signer;
  let bothKeys: Release;
  let newKeyOnly: Release;

  beforeAll(async () => {
    rotated = makeSigner(temporaryFolder('static-ota-security-rotation-'), 'rotated.pem');
    [bothKeys, newKeyOnly] = await Promise.all([
      publishWithCli([kit.trusted, rotated], { version: '2.0.0' }),
      publishWithCli(rotated, { version: '2.0.0' }),
    ]);
  });

  it.each([
    ['the old key', () => [kit.trusted]],
    ['the new key', () => [rotated]],
  ])('a release signed with both keys installs on a device trusting only %s', async (_name, trusting) => {
    const device = newDevice(undefined, trusting());
    mirror.serve(serve(bothKeys));
    expect(describeOutcome(await device.poll([]))).toBe('updated');
    expect(readFileSync(device.flash).equals(bothKeys.image)).toBe(true);
  });

  it('once the old key is retired, devices that trust only it are locked out: ship the new key first', async () => {
    const device = newDevice(undefined, [kit.trusted]);
    mirror.serve(serve(newKeyOnly));
    expect(describeOutcome(await device.poll([]))).toBe('bad_signature (untrusted_key)');
    expect(readFileSync(device.flash).equals(kit.previous.image)).toBe(true);
  });
});
