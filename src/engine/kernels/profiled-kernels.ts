// Per-op timing for any Kernels adapter, off unless asked for: wraps every compute op with a
// clock and sums time and calls by op name (matmuls also by shape). Ops are synchronous, so the
// wall time of a call is the op's time on all its threads.
import type { Kernels } from './kernels.js';

/** Time spent in one op (or one matmul shape). */
export interface OpProfile {
  readonly op: string;
  readonly calls: number;
  readonly ms: number;
  /** Floating-point operations, for matmuls (2·M·N·K per call). */
  readonly flops?: number;
}

const NOT_TIMED = new Set(['alloc', 'allocInt', 'free', 'dispose', 'name', 'threads']);
const MATMULS = new Set(['matmulNT', 'matmulNN', 'matmulTN']);

/** A Kernels that times each op of `inner`; read the totals with `profile()`, clear with `reset()`. */
export interface ProfiledKernels extends Kernels {
  /** Totals per op, slowest first. `byShape` splits matmuls by (M,N,K). */
  profile(byShape?: boolean): OpProfile[];
  reset(): void;
}

/**
 * Wraps `inner` so that every compute op is timed. `onDispose` sees the totals just before the
 * inner adapter is disposed.
 */
export function profileKernels(
  inner: Kernels,
  options: { onDispose?: (profile: OpProfile[]) => void } = {},
): ProfiledKernels {
  const totals = new Map<string, { calls: number; ms: number; flops: number }>();
  const record = (key: string, ms: number, flops: number) => {
    const t = totals.get(key) ?? { calls: 0, ms: 0, flops: 0 };
    t.calls++;
    t.ms += ms;
    t.flops += flops;
    totals.set(key, t);
  };
  const extra = {
    profile(byShape = false): OpProfile[] {
      const merged = new Map<string, { calls: number; ms: number; flops: number }>();
      for (const [key, t] of totals) {
        const name = byShape ? key : key.split(' ')[0];
        const m = merged.get(name) ?? { calls: 0, ms: 0, flops: 0 };
        merged.set(name, { calls: m.calls + t.calls, ms: m.ms + t.ms, flops: m.flops + t.flops });
      }
      return [...merged]
        .map(([op, t]) => ({
          op,
          calls: t.calls,
          ms: t.ms,
          ...(t.flops ? { flops: t.flops } : {}),
        }))
        .sort((a, b) => b.ms - a.ms);
    },
    reset() {
      totals.clear();
    },
  };
  const dispose = async () => {
    options.onDispose?.(extra.profile());
    await inner.dispose();
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop in extra) return extra[prop as keyof typeof extra];
      if (prop === 'dispose') return dispose;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || NOT_TIMED.has(prop)) return value.bind(target);
      return (...args: unknown[]) => {
        const started = performance.now();
        const result = value.apply(target, args);
        const ms = performance.now() - started;
        if (MATMULS.has(prop)) {
          const [M, N, K] = args.slice(3, 6) as number[];
          record(`${prop} ${M}x${N}x${K}`, ms, 2 * M * N * K);
        } else record(prop, ms, 0);
        return result;
      };
    },
  }) as ProfiledKernels;
}
