// The backend of a run from its config: the trainer its `trainer` section names (default: the
// starting model kind's own), and a loader that opens every model by its kind: `embedded`
// checkpoints in process, `gguf` files through llama.cpp, `openai` models at the trainer's API.
import { join } from 'node:path';
import type { ChatTemplates } from '../providers/chat-template.js';
import { resolveTemplates } from '../providers/configured-model.js';
import type { SelfConfig } from '../self/config.js';
import type { TrainerConfig } from '../self/trainer-config.js';
import { InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { ModelLoader, ModelRef, Trainer } from '../spec/trainer.js';
import { type Backend, createBackend } from './backends.js';

/** Trainer and loader for the run in folder `dir`; close() releases what they opened. */
export async function runBackend(config: SelfConfig, dir: string): Promise<Backend> {
  const opened = new Map<string, Promise<Backend>>();
  const backend = (kind: string) => {
    let b = opened.get(kind);
    if (!b) {
      b = createBackend(kind, dir);
      opened.set(kind, b);
      b.catch(() => opened.delete(kind));
    }
    return b;
  };
  const trainer = await createTrainer(config, dir, backend);
  const loader: ModelLoader = {
    load: async (ref: ModelRef): Promise<LanguageModel> => {
      if (ref.kind === 'gguf') return loadGguf(config, ref);
      if (ref.kind === 'openai') return loadOpenAI(config.trainer, ref);
      return (await backend(ref.kind)).loader.load(ref);
    },
  };
  return {
    trainer,
    loader,
    close: async () => {
      for (const b of opened.values()) await (await b.catch(() => undefined))?.close?.();
    },
  };
}

async function createTrainer(
  config: SelfConfig,
  dir: string,
  backend: (kind: string) => Promise<Backend>,
): Promise<Trainer> {
  const t = config.trainer;
  if (!t || t.kind === 'embedded')
    return (await backend(t ? 'embedded' : config.model.kind)).trainer;
  const templates = templatesOf(t);
  if (t.kind === 'command') {
    const { CommandTrainer } = await import('../trainers/command-trainer.js');
    return new CommandTrainer({
      command: t.command,
      cwd: t.cwd,
      env: t.env,
      episodes: t.episodes,
      timeoutMinutes: t.timeoutMinutes,
      templates,
      workDir: join(dir, 'trainer'),
      outputDir: join(dir, 'models'),
    });
  }
  const { OpenAITrainer } = await import('../trainers/openai-trainer.js');
  return new OpenAITrainer({ ...t, templates, workDir: join(dir, 'trainer') });
}

function templatesOf(t: { templates?: Partial<ChatTemplates> }): ChatTemplates {
  return resolveTemplates(t.templates, 'trainer.templates');
}

async function loadGguf(config: SelfConfig, ref: ModelRef): Promise<LanguageModel> {
  const { LlamaCppLoader } = await import('../providers/llama-cpp/llama-cpp-loader.js');
  const options = config.llamaCpp;
  const templates = options?.templates
    ? resolveTemplates(options.templates, 'llamaCpp.templates')
    : undefined;
  return new LlamaCppLoader({ ...options, templates }).load(ref);
}

/** A provider's fine-tuned model, called through its OpenAI-compatible chat API. */
async function loadOpenAI(
  trainer: TrainerConfig | undefined,
  ref: ModelRef,
): Promise<LanguageModel> {
  if (trainer?.kind !== 'openai') {
    throw new InvalidInputError(
      `cannot call the openai model "${ref.id}" without an openai trainer`,
      {
        field: 'trainer',
      },
    );
  }
  const { createOpenAICompatibleModel } = await import('../providers/openai-compatible.js');
  const { GuardedLanguageModel } = await import('../providers/guarded-language-model.js');
  const model = createOpenAICompatibleModel({
    baseURL: trainer.baseURL,
    model: ref.id,
    apiKeyEnv: trainer.apiKeyEnv,
    nativeEpisodes: trainer.episodes,
    templates: templatesOf(trainer),
    name: 'openai',
  });
  return new GuardedLanguageModel(model);
}
