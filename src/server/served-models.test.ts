// `serve --checkpoints` over real HTTP with the openai client: only checkpoints that lie under the
// root once symlinks are resolved are served; a name that finds nothing is not remembered; and at
// most `maxLoaded` checkpoints stay loaded, the least recently used closed once nobody uses it.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine, Tokenizer } from '../engine/index.js';
import { checkpointResolver } from './served-models.js';
import { type RunningServer, startServer } from './start-server.js';

const dir = mkdtempSync(join(tmpdir(), 'served-models-'));
const root = join(dir, 'root');
const outside = join(dir, 'outside');
let resolver: ReturnType<typeof checkpointResolver>;
let server: RunningServer;
let client: OpenAI;

async function saveCheckpoint(path: string): Promise<void> {
  const engine = Engine.create({
    tokenizer: Tokenizer.char('ab'),
    config: { dModel: 8, nLayers: 1, nHeads: 1, dFF: 16, contextLength: 16 },
    seed: 1,
  });
  await engine.save(path);
  engine.dispose();
}

beforeAll(async () => {
  for (const name of ['a', 'b', 'c']) await saveCheckpoint(join(root, name));
  await saveCheckpoint(join(outside, 'secret'));
  symlinkSync(join(outside, 'secret'), join(root, 'escape'));
  symlinkSync(join(root, 'a'), join(root, 'alias'));
  symlinkSync(outside, join(root, 'out'));
  // A real folder inside the root whose files are links to a checkpoint outside it.
  mkdirSync(join(root, 'leaky'));
  for (const f of readdirSync(join(outside, 'secret'))) {
    symlinkSync(join(outside, 'secret', f), join(root, 'leaky', f));
  }
  resolver = checkpointResolver(root, undefined, { maxLoaded: 2 });
  server = await startServer({
    port: 0,
    models: [],
    resolve: resolver.resolve,
    resolvedNames: resolver.names,
    onClose: resolver.close,
  });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (model: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'ab' }] });

describe('serve --checkpoints resolves names inside the root only', () => {
  it.each([
    ['a symlink to a checkpoint outside', 'escape'],
    ['a path through a symlinked folder outside', 'out/secret'],
    ['a folder of files linked from outside', 'leaky'],
    ['a relative path out of the root', '../outside/secret'],
    ['an absolute path outside', join(outside, 'secret')],
  ])('%s is a 404', async (_, name) => {
    await expect(ask(name)).rejects.toMatchObject({ status: 404, param: 'model' });
  });

  it('a symlink that stays inside the root is served', async () => {
    expect((await ask('alias')).choices).toHaveLength(1);
  });

  it('a name that found nothing is tried again: a checkpoint saved later is served', async () => {
    await expect(ask('late')).rejects.toMatchObject({ status: 404 });
    await saveCheckpoint(join(root, 'late'));
    expect((await ask('late')).choices).toHaveLength(1);
    rmSync(join(root, 'late'), { recursive: true });
  });

  it('a thousand random names load nothing and keep nothing', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `random-${i}-${Math.random()}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((n) => ask(n).catch((e) => e.status)));
    }
    expect(resolver.names().every((n) => !n.startsWith('random-'))).toBe(true);
    expect(resolver.names().length).toBeLessThanOrEqual(2);
  });
});

describe('serve --checkpoints keeps at most maxLoaded models', () => {
  it('closes the least recently used, after the request holding it is done', async () => {
    const held = await resolver.resolve('a');
    const close = vi.spyOn(held!.model, 'close');
    await ask('b');
    await ask('c');
    expect(resolver.names()).toEqual(['b', 'c']);
    expect((await client.models.list()).data.map((m) => m.id).sort()).toEqual(['b', 'c']);
    // Evicted while lent: closed only once released.
    expect(close).not.toHaveBeenCalled();
    held!.release?.();
    await vi.waitFor(() => expect(close).toHaveBeenCalledTimes(1));
    // Asked again, it loads afresh and answers.
    expect((await ask('a')).choices).toHaveLength(1);
    expect(resolver.names()).toEqual(['c', 'a']);
  });
});
