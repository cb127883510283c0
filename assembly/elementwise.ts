// Elementwise kernels over flat buffers and the AdamW optimizer step. Work is split into fixed
// chunks of elements; sumSquares runs on one thread so its sum has one fixed order.
import { nextChunk, threadScratch } from './runtime';
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
 * corrections as 1/(1−β1^step) and 1/(1−β2^step). Hyperparameters arrive in `h` as splats:
 * [β1, β2, 1−β1, 1−β2, 1/c1, 1/c2, lr, eps, weight decay].
 */
function adamStep(param: usize, grad: usize, m: usize, v: usize, k: i32, h: usize): void {
  const g = k === 4 ? v128.load(grad) : loadUpTo4(grad, k);
  const m0 = k === 4 ? v128.load(m) : loadUpTo4(m, k);
  const v0 = k === 4 ? v128.load(v) : loadUpTo4(v, k);
  const p = k === 4 ? v128.load(param) : loadUpTo4(param, k);
  const mv = f32x4.add(f32x4.mul(v128.load(h), m0), f32x4.mul(v128.load(h, 32), g));
  const vv = f32x4.add(
    f32x4.mul(v128.load(h, 16), v0),
    f32x4.mul(f32x4.mul(v128.load(h, 48), g), g),
  );
  const mhat = f32x4.mul(mv, v128.load(h, 64));
  const root = f32x4.add(f32x4.sqrt(f32x4.mul(vv, v128.load(h, 80))), v128.load(h, 112));
  const upd = f32x4.add(f32x4.div(mhat, root), f32x4.mul(v128.load(h, 128), p));
  const np = f32x4.sub(p, f32x4.mul(v128.load(h, 96), upd));
  if (k === 4) {
    v128.store(m, mv);
    v128.store(v, vv);
    v128.store(param, np);
  } else {
    storeUpTo4(m, mv, k);
    storeUpTo4(v, vv, k);
    storeUpTo4(param, np, k);
  }
}

/**
 * One AdamW step with bias correction and decoupled weight decay (see kernels.ts); the caller
 * passes the corrections as 1/(1−β1^step) and 1/(1−β2^step).
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
  // the hyperparameters as splats in this thread's scratch, read by adamStep
  const h = threadScratch();
  v128.store(h, f32x4.splat(beta1));
  v128.store(h, f32x4.splat(beta2), 16);
  v128.store(h, f32x4.splat(1 - beta1), 32);
  v128.store(h, f32x4.splat(1 - beta2), 48);
  v128.store(h, f32x4.splat(invC1), 64);
  v128.store(h, f32x4.splat(invC2), 80);
  v128.store(h, f32x4.splat(lr), 96);
  v128.store(h, f32x4.splat(eps), 112);
  v128.store(h, f32x4.splat(weightDecay), 128);
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const i0 = (<usize>(ch * ELEMS_PER_CHUNK)) << 2;
    const i1 = (<usize>min(n, (ch + 1) * ELEMS_PER_CHUNK)) << 2;
    let i = i0;
    for (; i + 16 <= i1; i += 16) inline.always(adamStep(param + i, grad + i, m + i, v + i, 4, h));
    if (i < i1) adamStep(param + i, grad + i, m + i, v + i, <i32>((i1 - i) >> 2), h);
  }
}
