// Suffix array by induced sorting (SA-IS, Nong, Zhang and Chan 2009): linear
// time, and with typed arrays about 9 bytes of memory per input byte.

// Sorted start offsets of every suffix of `data`, the empty suffix first:
// n + 1 entries, entry 0 being n (the layout bsdiff's search expects).
export function suffixArray(data: Uint8Array): Int32Array {
  const n = data.length + 1;
  if (n === 1) return Int32Array.of(0); // only the sentinel: no LMS position to start from
  // Bytes shifted up by one so that a unique smallest sentinel 0 ends the text.
  const text = new Int32Array(n);
  for (let i = 0; i < data.length; i++) text[i] = data[i] + 1;
  const sorted = new Int32Array(n);
  sais(text, sorted, n, 257);
  return sorted;
}

// S-type (1) or L-type (0) of each position of a text that ends with its sentinel.
function suffixTypes(text: Int32Array, n: number): Uint8Array {
  const types = new Uint8Array(n);
  types[n - 1] = 1;
  for (let i = n - 2; i >= 0; i--) {
    types[i] = text[i] < text[i + 1] || (text[i] === text[i + 1] && types[i + 1] === 1) ? 1 : 0;
  }
  return types;
}

function characterCounts(text: Int32Array, n: number, alphabet: number): Int32Array {
  const counts = new Int32Array(alphabet);
  for (let i = 0; i < n; i++) counts[text[i]]++;
  return counts;
}

// Each character's first slot (ends false) or one past its last (ends true), in `bounds`.
function bucketBounds(counts: Int32Array, bounds: Int32Array, ends: boolean): Int32Array {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    sum += counts[c];
    bounds[c] = ends ? sum : sum - counts[c];
  }
  return bounds;
}

function induce(
  text: Int32Array,
  sorted: Int32Array,
  types: Uint8Array,
  n: number,
  counts: Int32Array,
  bounds: Int32Array,
): void {
  const heads = bucketBounds(counts, bounds, false);
  for (let i = 0; i < n; i++) {
    const j = sorted[i] - 1;
    if (j >= 0 && types[j] === 0) sorted[heads[text[j]]++] = j;
  }
  const tails = bucketBounds(counts, bounds, true);
  for (let i = n - 1; i >= 0; i--) {
    const j = sorted[i] - 1;
    if (j >= 0 && types[j] === 1) sorted[--tails[text[j]]] = j;
  }
}

const isLms = (types: Uint8Array, i: number): boolean => i > 0 && types[i] === 1 && types[i - 1] === 0;

// Equal LMS substrings (same characters and types up to the next LMS position).
function sameLmsSubstring(text: Int32Array, types: Uint8Array, a: number, b: number): boolean {
  for (let d = 0; ; d++) {
    if (text[a + d] !== text[b + d] || types[a + d] !== types[b + d]) return false;
    if (d > 0 && (isLms(types, a + d) || isLms(types, b + d))) return true;
  }
}

// Names the sorted LMS substrings (held in sorted[0..lmsCount)), storing the
// reduced text at the end of `sorted`; returns the number of distinct names.
function nameLmsSubstrings(
  text: Int32Array,
  sorted: Int32Array,
  types: Uint8Array,
  n: number,
  lmsCount: number,
): number {
  sorted.fill(-1, lmsCount, n);
  let names = 0;
  let previous = -1;
  for (let i = 0; i < lmsCount; i++) {
    const position = sorted[i];
    if (previous < 0 || !sameLmsSubstring(text, types, position, previous)) {
      names++;
      previous = position;
    }
    // LMS positions are at least two apart, so position >> 1 is unique.
    sorted[lmsCount + (position >> 1)] = names - 1;
  }
  for (let i = n - 1, j = n - 1; i >= lmsCount; i--) {
    if (sorted[i] >= 0) sorted[j--] = sorted[i];
  }
  return names;
}

function sais(text: Int32Array, sorted: Int32Array, n: number, alphabet: number): void {
  const types = suffixTypes(text, n);
  const counts = characterCounts(text, n, alphabet);
  const bounds = new Int32Array(alphabet);
  // Stage 1: sort the LMS substrings by induction from their unsorted places.
  let tails = bucketBounds(counts, bounds, true);
  sorted.fill(-1, 0, n);
  for (let i = 1; i < n; i++) if (isLms(types, i)) sorted[--tails[text[i]]] = i;
  induce(text, sorted, types, n, counts, bounds);
  let lmsCount = 0;
  for (let i = 0; i < n; i++) if (isLms(types, sorted[i])) sorted[lmsCount++] = sorted[i];
  const names = nameLmsSubstrings(text, sorted, types, n, lmsCount);

  // Stage 2: sort the LMS suffixes, recursing when two substrings share a name.
  const reduced = sorted.subarray(n - lmsCount, n);
  const reducedSorted = sorted.subarray(0, lmsCount);
  if (names < lmsCount) sais(reduced, reducedSorted, lmsCount, names);
  else for (let i = 0; i < lmsCount; i++) reducedSorted[reduced[i]] = i;

  // Stage 3: place the sorted LMS suffixes at their bucket ends and induce the rest.
  for (let i = 1, j = 0; i < n; i++) if (isLms(types, i)) reduced[j++] = i;
  for (let i = 0; i < lmsCount; i++) reducedSorted[i] = reduced[reducedSorted[i]];
  sorted.fill(-1, lmsCount, n);
  tails = bucketBounds(counts, bounds, true);
  for (let i = lmsCount - 1; i >= 0; i--) {
    const position = sorted[i];
    sorted[i] = -1;
    sorted[--tails[text[position]]] = position;
  }
  induce(text, sorted, types, n, counts, bounds);
}
