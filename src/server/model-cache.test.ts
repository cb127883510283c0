// The cache of loaded models: least recently used out, an evicted model closed once its last
// lease is released, failed loads not kept, one load shared by concurrent requests.
import { describe, expect, it } from 'vitest';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { ModelCache } from './model-cache.js';
import type { ServedModel } from './server-app.js';

/** A loader that counts its loads and hands out scripted models (whose `closed` we can read). */
function loader() {
  const made = new Map<string, ScriptedLanguageModel[]>();
  const load = (key: string) => async (): Promise<ServedModel> => {
    const model = new ScriptedLanguageModel(() => key);
    made.set(key, [...(made.get(key) ?? []), model]);
    return { name: key, model };
  };
  return { made, load };
}

describe('ModelCache', () => {
  it('keeps at most maxLoaded, dropping the least recently used', async () => {
    const cache = new ModelCache({ maxLoaded: 2 });
    const { made, load } = loader();
    for (const key of ['a', 'b', 'a', 'c']) (await cache.acquire(key, key, load(key))).release?.();
    expect(cache.names()).toEqual(['a', 'c']);
    expect(made.get('b')![0].closed).toBe(true);
    expect(made.get('a')).toHaveLength(1);
    expect(made.get('a')![0].closed).toBe(false);
    await cache.close();
    expect(made.get('a')![0].closed).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('closes an evicted model only after its last lease is released', async () => {
    const cache = new ModelCache({ maxLoaded: 1 });
    const { made, load } = loader();
    const first = await cache.acquire('a', 'a', load('a'));
    const second = await cache.acquire('a', 'also-a', load('a'));
    expect(second.name).toBe('also-a');
    (await cache.acquire('b', 'b', load('b'))).release?.();
    expect(cache.names()).toEqual(['b']);
    first.release?.();
    first.release?.(); // a second release of one lease changes nothing
    await Promise.resolve();
    expect(made.get('a')![0].closed).toBe(false);
    second.release?.();
    await new Promise((r) => setTimeout(r, 0));
    expect(made.get('a')![0].closed).toBe(true);
    await cache.close();
  });

  it('does not keep a failed load, and shares one load between concurrent requests', async () => {
    const cache = new ModelCache();
    let loads = 0;
    const failing = async (): Promise<ServedModel> => {
      loads++;
      throw new Error('corrupt');
    };
    await expect(cache.acquire('x', 'x', failing)).rejects.toThrow('corrupt');
    expect(cache.size).toBe(0);
    await expect(cache.acquire('x', 'x', failing)).rejects.toThrow('corrupt');
    expect(loads).toBe(2);
    const { made, load } = loader();
    const both = await Promise.all([
      cache.acquire('y', 'y', load('y')),
      cache.acquire('y', 'y', load('y')),
    ]);
    expect(made.get('y')).toHaveLength(1);
    expect(both[0].model).toBe(both[1].model);
    await cache.close();
  });

  it('closes lent and evicted models too on close()', async () => {
    const cache = new ModelCache({ maxLoaded: 1 });
    const { made, load } = loader();
    await cache.acquire('a', 'a', load('a'));
    await cache.acquire('b', 'b', load('b'));
    await cache.close();
    expect([made.get('a')![0].closed, made.get('b')![0].closed]).toEqual([true, true]);
  });
});
