// The llama.cpp provider on real GGUF files exported from small untrained engine models: native
// episodes, seeded sampling, stop strings, context errors, grammar- and JSON-constrained feedback,
// and chat mode through the model's own chat template (our export ships one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, encodePrompt, Tokenizer } from '../../engine/index.js';
import { exportGguf } from '../../gguf/export-gguf.js';
import { CheckpointError, ContextLengthError, InvalidInputError } from '../../spec/errors.js';
import type { CompletionRequest } from '../../spec/language-model.js';
import { LlamaCppLanguageModel, serializeFirstSampling } from './llama-cpp-language-model.js';
import { renderJsonFeedback } from './verdict-grammar.js';

const dir = mkdtempSync(join(tmpdir(), 'llama-cpp-'));
const file = join(dir, 'tiny.gguf');
const ALPHABET = ' \n:{}",abcdefghijklmnopqrstuvwxyzV0123456789+-*=';
let engine: Engine;

beforeAll(async () => {
  const created = Engine.create({
    tokenizer: Tokenizer.char(ALPHABET),
    config: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, contextLength: 96 },
    seed: 11,
  });
  await created.save(join(dir, 'tiny'));
  created.dispose();
  await exportGguf(join(dir, 'tiny'), file);
  engine = await Engine.load(join(dir, 'tiny'));
});

afterAll(() => {
  engine?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (text: string, extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  turns: [{ section: 'prompt', text }],
  next: 'response',
  maxTokens: 24,
  ...extra,
});

describe('LlamaCppLanguageModel', () => {
  it('samples n seeded texts per request, reproducibly, and honours stop strings', async () => {
    const llm = await LlamaCppLanguageModel.load({ modelPath: file, sequences: 3 });
    try {
      const request = ask('solve 2*x = 4', { temperature: 1, seed: 9, n: 3 });
      const [a] = await llm.complete([request]);
      const [b] = await llm.complete([request]);
      expect(a.texts).toHaveLength(3);
      expect(b.texts).toEqual(a.texts);
      expect(new Set(a.texts).size).toBeGreaterThan(1);
      expect(a.usage.outputTokens).toBeGreaterThan(0);
      // A stop string taken from the greedy text cuts it right there.
      const [greedy] = await llm.complete([ask('x = 1', { maxTokens: 40 })]);
      const text = greedy.texts[0];
      expect(text.length).toBeGreaterThan(6);
      const stop = text.slice(4, 6);
      const [stopped] = await llm.complete([ask('x = 1', { maxTokens: 40, stop: [stop] })]);
      expect(stopped.texts[0]).toBe(text.slice(0, text.indexOf(stop)));
      expect(stopped.finishReasons[0]).toBe('stop');
      expect(greedy.finishReasons[0]).toBe(greedy.usage.outputTokens >= 40 ? 'length' : 'stop');
    } finally {
      await llm.close();
    }
  });

  it('maps characters outside the vocabulary to <|unk|> as the engine does', async () => {
    const llm = await LlamaCppLanguageModel.load({ modelPath: file, sequences: 1 });
    try {
      const text = 'Q? x = 1 ü';
      const [theirs] = await llm.complete([ask(text)]);
      const [ours] = await engine.generate([
        {
          prompt: encodePrompt(engine.tokenizer, ask(text).turns, 'response'),
          maxTokens: 24,
          stopTokens: [0, 1, 2, 3, 4, 5],
        },
      ]);
      expect(theirs.texts[0]).toBe(ours[0].text);
      expect(theirs.usage.inputTokens).toBe(
        encodePrompt(engine.tokenizer, ask(text).turns, 'response').length,
      );
    } finally {
      await llm.close();
    }
  });

  it('rejects an episode longer than the context', async () => {
    const llm = await LlamaCppLanguageModel.load({ modelPath: file, sequences: 1 });
    try {
      await expect(llm.complete([ask('x'.repeat(200))])).rejects.toThrow(ContextLengthError);
    } finally {
      await llm.close();
    }
  });

  it('constrains feedback to end in a verdict line (grammar) or to verdict JSON', async () => {
    const limits = { lines: 2, lineLength: 10 };
    const free = await LlamaCppLanguageModel.load({ modelPath: file, sequences: 2 });
    const grammar = await LlamaCppLanguageModel.load({
      modelPath: file,
      feedback: 'grammar',
      verdictLimits: limits,
    });
    const json = await LlamaCppLanguageModel.load({
      modelPath: file,
      feedback: 'json',
      verdictLimits: limits,
    });
    try {
      const requests = ['x = 3', 'x = 4', 'y = 9'].map((p) => ({
        turns: [
          { section: 'prompt' as const, text: `solve ${p}` },
          { section: 'response' as const, text: p },
        ],
        next: 'feedback' as const,
        maxTokens: 64,
      }));
      const verdictLine = /(^|\n)[vV]erdict: (correct|wrong)$/;
      const unconstrained = await free.complete(requests);
      expect(unconstrained.some((c) => verdictLine.test(c.texts[0]))).toBe(false);
      for (const c of await grammar.complete(requests)) {
        expect(c.texts[0]).toMatch(verdictLine);
        expect(c.finishReasons[0]).toBe('stop');
      }
      for (const c of await json.complete(requests)) expect(c.texts[0]).toMatch(verdictLine);
      // Responses are not constrained.
      const [answer] = await grammar.complete([ask('x = 3')]);
      expect(answer.texts[0]).toBe(unconstrainedAnswer(await free.complete([ask('x = 3')])));
    } finally {
      await Promise.all([free.close(), grammar.close(), json.close()]);
    }
  });

  it('drives the export through its chat template in chat mode, as serve maps chats', async () => {
    const native = await LlamaCppLanguageModel.load({ modelPath: file, sequences: 1 });
    const chat = await LlamaCppLanguageModel.load({
      modelPath: file,
      mode: 'chat',
      sequences: 1,
      kvCache: 'F32',
    });
    try {
      expect(chat.mode).toBe('chat');
      const [viaNative] = await native.complete([ask('solve x = 2', { maxTokens: 16 })]);
      const [viaChat] = await chat.complete([ask('solve x = 2', { maxTokens: 16 })]);
      expect(viaChat.texts[0]).toBe(viaNative.texts[0]);
    } finally {
      await Promise.all([native.close(), chat.close()]);
    }
  });

  it('refuses a constraint that the vocabulary cannot spell', async () => {
    const digits = Engine.create({
      tokenizer: Tokenizer.char('0123456789 =x'),
      config: { dModel: 8, nLayers: 1, nHeads: 2, dFF: 8, contextLength: 16 },
    });
    await digits.save(join(dir, 'digits'));
    digits.dispose();
    await exportGguf(join(dir, 'digits'), join(dir, 'digits.gguf'));
    const load = (feedback: 'grammar' | 'json') =>
      LlamaCppLanguageModel.load({ modelPath: join(dir, 'digits.gguf'), feedback });
    await expect(load('grammar')).rejects.toThrow(
      /field "feedback": the model's vocabulary lacks "verdict:owng\\n", which the grammar verdict/,
    );
    await expect(load('json')).rejects.toThrow(InvalidInputError);
  });

  it('names a missing or invalid file', async () => {
    await expect(LlamaCppLanguageModel.load({ modelPath: join(dir, 'none.gguf') })).rejects.toThrow(
      CheckpointError,
    );
    await expect(
      LlamaCppLanguageModel.load({ modelPath: join(dir, 'tiny', 'config.json') }),
    ).rejects.toThrow(/config.json: not a readable GGUF file: it does not start with "GGUF"/);
  });

  it('samples alone first after each decode, then together (llama.cpp reorders outputs unlocked)', async () => {
    const log: string[] = [];
    const native = {
      decodeBatch: async () => {
        log.push('decode');
      },
      sampleToken: (i: number) => {
        log.push(`start ${i}`);
        return new Promise((done) =>
          setTimeout(() => {
            log.push(`end ${i}`);
            done(i);
          }, 5),
        );
      },
    };
    const context = { _ctx: native } as unknown as Parameters<typeof serializeFirstSampling>[0];
    serializeFirstSampling(context);
    for (let step = 0; step < 2; step++) {
      await native.decodeBatch();
      expect(await Promise.all([0, 1, 2].map((i) => native.sampleToken(i)))).toEqual([0, 1, 2]);
    }
    const once = ['decode', 'start 0', 'end 0', 'start 1', 'start 2', 'end 1', 'end 2'];
    expect(log).toEqual([...once, ...once]);
    // The real context has the internals this relies on (a node-llama-cpp upgrade may move them).
    const llm = await LlamaCppLanguageModel.load({ modelPath: file, sequences: 2 });
    const ctx = (llm as unknown as { context: { _ctx: object } }).context._ctx;
    expect(Object.hasOwn(ctx, 'sampleToken') && Object.hasOwn(ctx, 'decodeBatch')).toBe(true);
    await llm.close();
  });

  it('renders JSON verdicts as feedback text and keeps cut-off JSON as it is', () => {
    expect(renderJsonFeedback('{"critique":" step 2 is off ","verdict":"wrong"}')).toBe(
      'step 2 is off\nverdict: wrong',
    );
    expect(renderJsonFeedback('{"critique":"fine')).toBe('{"critique":"fine');
  });
});

function unconstrainedAnswer(completions: { texts: readonly string[] }[]): string {
  return completions[0].texts[0];
}
