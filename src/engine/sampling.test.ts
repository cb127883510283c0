// Sampling rules on fixed logits: greedy, temperature, top-k, top-p, and the seeded streams that
// make a sample's tokens reproducible. Draws are seeded, so the frequencies are exact, not flaky.
import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { SamplerScratch, sampleToken } from './sampling.js';

const LOGITS = [1.0, 3.0, 2.5, 3.0, -1.0];
const softmax = (xs: number[], t: number) => {
  const e = xs.map((x) => Math.exp(x / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

function frequencies(
  settings: Parameters<typeof sampleToken>[1],
  draws: number,
  seed = 1,
): number[] {
  const rng = new Rng(seed);
  const scratch = new SamplerScratch(LOGITS.length);
  const counts = LOGITS.map(() => 0);
  for (let i = 0; i < draws; i++) counts[sampleToken(LOGITS, settings, rng, scratch)]++;
  return counts.map((c) => c / draws);
}

describe('sampleToken', () => {
  it('greedy takes the argmax, the lowest id on a tie, and draws nothing', () => {
    const rng = new Rng(3);
    const before = new Rng(3).nextUint32();
    expect(sampleToken(LOGITS, {}, rng, new SamplerScratch(5))).toBe(1);
    expect(sampleToken(LOGITS, { temperature: 0, topK: 3 }, rng, new SamplerScratch(5))).toBe(1);
    expect(rng.nextUint32()).toBe(before);
  });

  it('temperature sampling follows softmax(logits / T)', () => {
    const want = softmax(LOGITS, 0.7);
    frequencies({ temperature: 0.7 }, 40_000).forEach((f, i) => {
      expect(Math.abs(f - want[i])).toBeLessThan(0.01);
    });
  });

  it('top-k keeps the k most likely tokens (ties by id); top-p the smallest set reaching p', () => {
    const k2 = frequencies({ temperature: 1, topK: 2 }, 5_000);
    expect(k2[1]).toBeGreaterThan(0.4);
    expect(k2[3]).toBeGreaterThan(0.4);
    expect(k2[0] + k2[2] + k2[4]).toBe(0);
    // softmax at T=1: p(1) = p(3) ≈ 0.36, p(2) ≈ 0.22: p = 0.5 keeps tokens 1 and 3.
    const p5 = frequencies({ temperature: 1, topP: 0.5 }, 5_000);
    expect(p5[0] + p5[2] + p5[4]).toBe(0);
    expect(p5[1] * p5[3]).toBeGreaterThan(0);
    const p8 = frequencies({ temperature: 1, topP: 0.8 }, 5_000);
    expect(p8[2]).toBeGreaterThan(0.1);
    expect(p8[0] + p8[4]).toBe(0);
  });

  it('the same (seed, stream) gives the same draws; another stream does not', () => {
    const draw = (seed: number, stream: number) => {
      const rng = new Rng(seed, stream);
      return Array.from({ length: 8 }, () => rng.nextUint32());
    };
    expect(draw(7, 2)).toEqual(draw(7, 2));
    expect(draw(7, 2)).not.toEqual(draw(7, 3));
    expect(draw(7, 2)).not.toEqual(draw(8, 2));
    expect(draw(2 ** 40 + 7, 0)).not.toEqual(draw(7, 0));
  });
});
