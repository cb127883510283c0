// Seeds for every unit of work, derived from the run seed and the unit's coordinates, so that a
// sample's randomness never depends on what ran before it (this is what makes resume exact).

/** A 32-bit FNV-1a hash of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The seed of one unit of work: `deriveSeed(runSeed, 'round-2', 'sample', 17)`. Different
 * coordinates give unrelated seeds; the same coordinates always give the same seed.
 */
export function deriveSeed(runSeed: number, ...parts: readonly (string | number)[]): number {
  return fnv1a(`${runSeed}/${parts.join('/')}`) & 0x7fffffff;
}

/** A small seeded generator (mulberry32) of floats in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi], inclusive, from a generator made by `random`. */
export function randomInt(next: () => number, lo: number, hi: number): number {
  return lo + Math.floor(next() * (hi - lo + 1));
}
