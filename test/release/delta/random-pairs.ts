// Deterministic random inputs for the delta tests, so failures reproduce.
// A small deterministic generator (xorshift32), so failures reproduce.
export function generator(seed: number): (limit: number) => number {
  let state = seed >>> 0 || 1;
  return (limit) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % limit;
  };
}

// A base with code-like repetition and a target that edits, inserts, deletes and moves parts of it.
export function randomPair(random: (limit: number) => number): { base: Uint8Array; target: Uint8Array } {
  const alphabet = 1 + random(255);
  const base = Uint8Array.from({ length: random(4000) }, () => random(alphabet));
  const parts: Uint8Array[] = [];
  for (let edits = random(6); edits >= 0; edits--) {
    const start = random(base.length + 1);
    const length = random(base.length - start + 1);
    parts.push(base.subarray(start, start + length));
    if (random(2) === 0) parts.push(Uint8Array.from({ length: random(50) }, () => random(256)));
  }
  const target = Uint8Array.from(parts.flatMap((part) => [...part]));
  for (let flips = random(4); flips > 0 && target.length > 0; flips--) target[random(target.length)] ^= 1 + random(255);
  return { base, target };
}
