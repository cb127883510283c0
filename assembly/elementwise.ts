// Elementwise kernels over flat buffers and the AdamW optimizer step. Work is split into fixed
// chunks of elements; sumSquares runs on one thread so its sum has one fixed order.
import { nextChunk } from './runtime';
import { loadUpTo4, storeUpTo4 } from './simd-math';

const ELEMS_PER_CHUNK: i32 = 32768;

/** out[i] = a[i] + b[i]; out may alias a or b. */
export function add(out: usize, a: usize, b: usize, n: i32): void {
  const chunks = (n + ELEMS_PER_CHUNK - 1) / ELEMS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const i0 = (<usize>(ch * ELEMS_PER_CHUNK)) << 2;
    const i1 = (<usize>min(n, (ch + 1) * ELEMS_PER_CHUNK)) << 2;
    let i = i0;
    for (; i + 16 <= i1; i += 16)
      v128.store(out + i, f32x4.add(v128.load(a + i), v128.load(b + i)));
    for (; i < i1; i += 4) store<f32>(out + i, load<f32>(a + i) + load<f32>(b + i));
  }
}

/** x[i] *= s. */
export function scale(x: usize, n: i32, s: f32): void {
  const chunks = (n + ELEMS_PER_CHUNK - 1) / ELEMS_PER_CHUNK;
  const sv = f32x4.splat(s);
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const i0 = (<usize>(ch * ELEMS_PER_CHUNK)) << 2;
    const i1 = (<usize>min(n, (ch + 1) * ELEMS_PER_CHUNK)) << 2;
    let i = i0;
    for (; i + 16 <= i1; i += 16) v128.store(x + i, f32x4.mul(v128.load(x + i), sv));
    for (; i < i1; i += 4) store<f32>(x + i, load<f32>(x + i) * s);
  }
}

/** Σ x[i]² in float64 (products are exact in float64); one thread, fixed order. */
export function sumSquares(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = lo;
  const n4 = (<usize>(n & ~3)) << 2;
  for (let i: usize = 0; i < n4; i += 16) {
    const v = v128.load(x + i);
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  const s = f64x2.add(lo, hi);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let i = n4; i < (<usize>n) << 2; i += 4) {
    const v = <f64>load<f32>(x + i);
    sum += v * v;
  }
  return sum;
}

/**
 * One AdamW step with decoupled weight decay (see kernels.ts); the caller passes the bias
 * corrections as 1/(1−β1^step) and 1/(1−β2^step).
 */
export function adamw(
  param: usize,
  grad: usize,
  m: usize,
  v: usize,
  n: i32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  invC1: f32,
  invC2: f32,
): void {
  const chunks = (n + ELEMS_PER_CHUNK - 1) / ELEMS_PER_CHUNK;
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const g1 = f32x4.splat(1 - beta1);
  const g2 = f32x4.splat(1 - beta2);
  const ic1 = f32x4.splat(invC1);
  const ic2 = f32x4.splat(invC2);
  const lrv = f32x4.splat(lr);
  const epsv = f32x4.splat(eps);
  const wd = f32x4.splat(weightDecay);
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const i0 = ch * ELEMS_PER_CHUNK;
    const i1 = min(n, (ch + 1) * ELEMS_PER_CHUNK);
    for (let i = i0; i < i1; i += 4) {
      const o = (<usize>i) << 2;
      const k = min(4, i1 - i);
      const g = loadUpTo4(grad + o, k);
      const mv = f32x4.add(f32x4.mul(b1, loadUpTo4(m + o, k)), f32x4.mul(g1, g));
      const vv = f32x4.add(f32x4.mul(b2, loadUpTo4(v + o, k)), f32x4.mul(f32x4.mul(g2, g), g));
      const p = loadUpTo4(param + o, k);
      const upd = f32x4.add(
        f32x4.div(f32x4.mul(mv, ic1), f32x4.add(f32x4.sqrt(f32x4.mul(vv, ic2)), epsv)),
        f32x4.mul(wd, p),
      );
      const np = f32x4.sub(p, f32x4.mul(lrv, upd));
      storeUpTo4(m + o, mv, k);
      storeUpTo4(v + o, vv, k);
      storeUpTo4(param + o, np, k);
    }
  }
}
