// Every signature static-ota produces must verify with an independent implementation: the openssl command.
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSigningKey, parseSigningKeys, signManifest, generateKey } from '../../src/release/sign.js';
import { temporaryFolder, removeTemporaryFolders } from '../helpers.js';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function opensslVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const folder = temporaryFolder();
  const der = Buffer.concat([SPKI_ED25519_PREFIX, publicKey]);
  writeFileSync(
    join(folder, 'pub.pem'),
    `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`,
  );
  writeFileSync(join(folder, 'msg'), message);
  writeFileSync(join(folder, 'sig'), signature);
  try {
    execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        join(folder, 'pub.pem'),
        '-rawin',
        '-in',
        join(folder, 'msg'),
        '-sigfile',
        join(folder, 'sig'),
      ],
      { stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  }
}

afterAll(removeTemporaryFolders);

describe('openssl as an independent verifier', () => {
  const fields = {
    version: '1.4.2',
    board: 'nodemcuv2',
    channel: 'stable',
    file: 'firmware-1.4.2.bin',
    size: 1000,
    sha256: 'ab'.repeat(32),
  };

  it('verifies every signature of a manifest signed with two keys', () => {
    const keys = [generateKey(), generateKey()].map((key) => parseSigningKey(key.privatePem, 'test'));
    const text = signManifest(fields, keys);
    const signedPart = Buffer.from(text.slice(0, text.indexOf('sig=')), 'latin1');
    const sigLines = text.slice(text.indexOf('sig=')).trim().split('\n');
    expect(sigLines).toHaveLength(2);
    sigLines.forEach((line, index) => {
      const signature = Buffer.from(line.split(':')[1], 'hex');
      expect(opensslVerifies(keys[index].publicKey, signedPart, signature)).toBe(true);
      const tampered = Buffer.from(signedPart);
      tampered[0] ^= 1;
      expect(opensslVerifies(keys[index].publicKey, tampered, signature)).toBe(false);
    });
  });

  it('reads a key made by openssl genpkey and agrees on its public key', () => {
    const folder = temporaryFolder();
    const pem = join(folder, 'openssl.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', pem]);
    const der = execFileSync('openssl', ['pkey', '-in', pem, '-pubout', '-outform', 'DER']);
    const key = parseSigningKey(readFileSync(pem, 'utf8'), pem);
    expect(Buffer.from(key.publicKey).equals(der.subarray(SPKI_ED25519_PREFIX.length))).toBe(true);
  });

  it('writes keys openssl can read (PKCS#8 PEM)', () => {
    const folder = temporaryFolder();
    const generated = generateKey();
    const pem = join(folder, 'ours.pem');
    writeFileSync(pem, generated.privatePem);
    const der = execFileSync('openssl', ['pkey', '-in', pem, '-pubout', '-outform', 'DER']);
    expect(der.subarray(SPKI_ED25519_PREFIX.length).toString('hex')).toBe(
      Buffer.from(generated.publicKey).toString('hex'),
    );
  });

  it('accepts the same seed as hex and base64, and several keys in one secret', () => {
    const seed = Buffer.alloc(32, 7);
    const fromHex = parseSigningKey(seed.toString('hex'), 'hex');
    const fromBase64 = parseSigningKey(seed.toString('base64'), 'b64');
    expect(fromHex.keyId).toBe(fromBase64.keyId);
    const pem = generateKey().privatePem;
    const keys = parseSigningKeys(`${pem}\n${seed.toString('hex')}\n`, 'secret');
    expect(keys.map((key) => key.keyId)).toEqual([parseSigningKey(pem, 'pem').keyId, fromHex.keyId]);
  });

  it('refuses other key forms without quoting the material', () => {
    const secretLooking = 'zz'.repeat(32);
    expect(() => parseSigningKey(secretLooking, 'signing-key')).toThrow(/signing-key: expected an Ed25519 private key/);
    try {
      parseSigningKey(secretLooking, 'signing-key');
    } catch (error) {
      expect((error as Error).message).not.toContain(secretLooking);
    }
    const rsa = execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'rsa',
      '-pkeyopt',
      'rsa_keygen_bits:1024',
    ]).toString();
    expect(() => parseSigningKey(rsa, 'rsa.pem')).toThrow(/rsa\.pem: the key is rsa, static-ota signs with Ed25519/);
  });
});
