// Writes the seed corpus of the manifest fuzzer from the shared test vectors:
// one file per manifest, named by its SHA-256, so regenerating is idempotent.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(readFileSync(join(here, '..', '..', 'test', 'vectors', 'manifests.json'), 'utf8'));
const corpus = join(here, 'corpus');
mkdirSync(corpus, { recursive: true });
const manifests = [...vectors.valid, ...vectors.invalid].map((vector) => Buffer.from(vector.manifest, 'latin1'));
for (const manifest of manifests) {
  writeFileSync(join(corpus, createHash('sha256').update(manifest).digest('hex').slice(0, 16)), manifest);
}
console.log(`wrote ${manifests.length} seeds to ${corpus}`);
