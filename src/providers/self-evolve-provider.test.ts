// The AI SDK bridge both ways: our LanguageModel under `generateText`/`streamText` from `ai`, and an
// AI SDK model under our port with chat templates. The model is a scripted stand-in here; the
// embedded engine's checkpoint runs through the same code in the engine integration test.
import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import type { CompletionRequest } from '../spec/language-model.js';
import type { ModelLoader } from '../spec/trainer.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';
import { DEFAULT_CHAT_TEMPLATES, renderChat, validateTemplates } from './chat-template.js';
import { asLanguageModelV3, createSelfEvolveProvider } from './self-evolve-provider.js';

const describeRequest = (r: CompletionRequest) =>
  `${r.next} after ${r.turns.map((t) => `${t.section}=${t.text}`).join(' | ')}`;

describe('our LanguageModel as an AI SDK model', () => {
  it('works with generateText and streamText', async () => {
    const model = new ScriptedLanguageModel(describeRequest, 'tiny');
    const result = await generateText({
      model: asLanguageModelV3(model),
      system: 'sys',
      prompt: 'Solve 2x = 4',
      maxOutputTokens: 20,
      temperature: 0,
      seed: 3,
    });
    expect(result.text).toBe('response after prompt=sys\n\nSolve 2x = 4');
    expect(result.usage.outputTokens).toBe(7);
    expect(model.requests[0]).toMatchObject({ maxTokens: 20, seed: 3, temperature: 0 });

    const stream = streamText({ model: asLanguageModelV3(model), prompt: 'hi' });
    expect(await stream.text).toBe('response after prompt=hi');
  });

  it('continues a SELF episode passed in providerOptions', async () => {
    const model = new ScriptedLanguageModel(describeRequest);
    const result = await generateText({
      model: asLanguageModelV3(model),
      prompt: 'unused',
      providerOptions: {
        selfEvolve: {
          episode: {
            turns: [
              { section: 'prompt', text: 'p' },
              { section: 'response', text: 'r' },
            ],
            next: 'feedback',
          },
        },
      },
    });
    expect(result.text).toBe('feedback after prompt=p | response=r');
  });

  it('loads each checkpoint once through the provider and closes it', async () => {
    const loaded: string[] = [];
    const models: ScriptedLanguageModel[] = [];
    const loader: ModelLoader = {
      async load(ref) {
        loaded.push(`${ref.kind}:${ref.id}`);
        const m = new ScriptedLanguageModel(() => `from ${ref.id}`);
        models.push(m);
        return m;
      },
    };
    const provider = createSelfEvolveProvider({ loader });
    const a = await generateText({ model: provider('runs/x/m1'), prompt: 'q' });
    await generateText({ model: provider.languageModel('runs/x/m1'), prompt: 'q' });
    expect(a.text).toBe('from runs/x/m1');
    expect(loaded).toEqual(['embedded:runs/x/m1']);
    await provider.close();
    expect(models[0].closed).toBe(true);
  });
});

describe('an AI SDK model as our LanguageModel', () => {
  const episode = [
    { section: 'prompt' as const, text: 'Solve 2x = 4' },
    { section: 'response' as const, text: 'x = 3' },
    { section: 'feedback' as const, text: 'wrong: 2*3 is 6.\nverdict: wrong' },
    { section: 'refinement' as const, text: 'x = 2' },
  ];

  it('renders sections through the chat templates', async () => {
    const inner = new ScriptedLanguageModel((r) => `${r.turns[0].text.length}`);
    const model = new AiSdkLanguageModel(asLanguageModelV3(inner));
    const [c] = await model.complete([{ turns: episode, next: 'feedback', n: 2, seed: 10 }]);
    expect(c.texts).toHaveLength(2);
    // The inner model saw the rendered chat: system + user, flattened into one prompt turn.
    const seen = inner.requests[0].turns[0].text;
    expect(seen).toContain(DEFAULT_CHAT_TEMPLATES.feedback.system);
    expect(seen).toContain('Proposed solution:\nx = 2'); // the latest answer is the refinement
    expect(inner.requests.map((r) => r.seed)).toEqual([10, 11]);
  });

  it('sends the episode itself when nativeEpisodes is on', async () => {
    const inner = new ScriptedLanguageModel(describeRequest);
    const model = new AiSdkLanguageModel(asLanguageModelV3(inner), { nativeEpisodes: true });
    const [c] = await model.complete([{ turns: episode.slice(0, 2), next: 'feedback' }]);
    expect(c.texts[0]).toBe('feedback after prompt=Solve 2x = 4 | response=x = 3');
  });

  it('cuts at stop strings the server ignored', async () => {
    const inner = new ScriptedLanguageModel(() => 'x = 2\nQuestion: next');
    const model = new AiSdkLanguageModel(asLanguageModelV3(inner));
    const [c] = await model.complete([
      { turns: episode.slice(0, 1), next: 'response', stop: ['\nQuestion:'] },
    ]);
    expect(c.texts[0]).toBe('x = 2');
    expect(c.finishReasons[0]).toBe('stop');
  });

  it('rejects unknown template placeholders with the field', () => {
    expect(() =>
      validateTemplates(
        { ...DEFAULT_CHAT_TEMPLATES, refinement: { user: '{prompt} {answer}' } },
        'self.json',
      ),
    ).toThrow('self.json field "templates.refinement.user": unknown placeholder {answer}');
    expect(renderChat(episode.slice(0, 1), 'response')).toEqual([
      { role: 'user', content: 'Solve 2x = 4' },
    ]);
  });
});
