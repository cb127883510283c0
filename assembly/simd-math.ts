// Vector math on f32x4 lanes, written so that every lane is computed by the same formula: results
// do not depend on an element's position, which keeps kernels deterministic under any split.

/** Horizontal sum in a fixed order: (l0 + l2) + (l1 + l3). */
export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** [hsum(a), hsum(b), hsum(c), hsum(d)], each in hsum's order, with six shuffles. */
export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/**
 * Σ x[i]·y[i] over n floats in one fixed order: four lanes over i, hsum, then the tail in order.
 * Attention scores use it row by row and, element by element, in their blocked form.
 */
export function dot(x: usize, y: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  const n4 = (<usize>(n & ~3)) << 2;
  for (let i: usize = 0; i < n4; i += 16) {
    acc = f32x4.add(acc, f32x4.mul(v128.load(x + i), v128.load(y + i)));
  }
  let s = hsum(acc);
  for (let i = n4; i < (<usize>n) << 2; i += 4) s += load<f32>(x + i) * load<f32>(y + i);
  return s;
}

/**
 * exp(x) per lane (Cephes expf: range reduction by ln 2 and a degree-6 polynomial, about 1 ulp).
 * Inputs below −87.33 give 0; inputs above 88 saturate at exp(88) ≈ 1.65e38.
 */
export function vexp(x: v128): v128 {
  const under = f32x4.lt(x, f32x4.splat(-87.33654));
  // pmin/pmax are single instructions; this operand order lets a NaN through
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-87.33654));
  // n = round(x·log2 e) by the 1.5·2^23 trick: t's low mantissa bits hold n
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(<f32>Math.LOG2E)), f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let y = f32x4.splat(1.98756915e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(x, x)), x), f32x4.splat(1.0));
  const pow2n = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4b400000)), 23);
  return v128.andnot(f32x4.mul(y, pow2n), under);
}

/** Loads n ≤ 4 floats into the low lanes of a vector; the other lanes are 0. */
export function loadUpTo4(p: usize, n: i32): v128 {
  if (n === 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the low n ≤ 4 lanes of a vector. */
export function storeUpTo4(p: usize, v: v128, n: i32): void {
  if (n === 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * Natural log for x > 0 in float64 without lookup tables (the module must carry no data
 * segments: every thread instantiates it on the same shared memory). Relative error ~1e-15.
 */
export function log64(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  // mantissa in [1, 2), then folded into [√½, √2)
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  let p = 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  p = p * z + 1;
  return <f64>e * Math.LN2 + 2 * s * p;
}
