// Writes the seed corpus of the fuzzers from the shared test vectors: one file
// per manifest and per public key case (32 bytes, which signature_fuzzer reads
// as a key), named by its SHA-256, so regenerating is idempotent.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(readFileSync(join(here, '..', '..', 'test', 'vectors', 'manifests.json'), 'utf8'));
const corpus = join(here, 'corpus');
mkdirSync(corpus, { recursive: true });
const seeds = [
  ...[...vectors.valid, ...vectors.invalid].map((vector) => Buffer.from(vector.manifest, 'latin1')),
  ...vectors.public_keys.map((key) => Buffer.from(key.public, 'hex')),
];
for (const seed of seeds) {
  writeFileSync(join(corpus, createHash('sha256').update(seed).digest('hex').slice(0, 16)), seed);
}
console.log(`wrote ${seeds.length} seeds to ${corpus}`);
