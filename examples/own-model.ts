// A whole SELF run from your own TypeScript program, against OpenAI-compatible endpoints: the
// student on a server you run (vLLM, llama.cpp's server, Ollama, or `self-evolve serve`), a strong
// teacher model, and an OpenAI-style fine-tuning API (OpenAI's, a hosted provider's, or
// `self-evolve serve --fine-tuning`). The task is your own, declared in code. docs/own-model.md
// walks through the same run from a config file.
//
//   STUDENT_URL=http://127.0.0.1:8000/v1 STUDENT_MODEL=my-model \
//   TEACHER_URL=https://api.openai.com/v1 TEACHER_MODEL=gpt-4o-mini OPENAI_API_KEY=... \
//   TRAINER_URL=http://127.0.0.1:8000/v1 npx tsx examples/own-model.ts
import {
  defineTask,
  type ProgressEvent,
  registerTask,
  resumeSelf,
  runConfigFrom,
  runSelf,
} from 'self-evolve';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;

// The task: GSM8K-style answers, the number after "####", compared as numbers. Registered by name
// so a resumed run (which stores only the config) finds it again.
const task = defineTask({
  name: 'word-problems',
  answer: { kind: 'regex', pattern: '#### *(-?[0-9.,]+)' },
  compare: 'numeric',
  answerFormat: '#### {answer}',
});
registerTask('word-problems', () => ({ task }));

const config = runConfigFrom({
  seed: 1,
  task: { name: 'word-problems' },
  models: {
    student: {
      kind: 'openai-compatible',
      baseURL: env('STUDENT_URL', 'http://127.0.0.1:8000/v1'),
      model: env('STUDENT_MODEL', 'Qwen/Qwen2.5-1.5B-Instruct'),
      concurrency: 32,
    },
    teacher: {
      kind: 'openai-compatible',
      baseURL: env('TEACHER_URL', 'https://api.openai.com/v1'),
      model: env('TEACHER_MODEL', 'gpt-4o-mini'),
      apiKeyEnv: 'OPENAI_API_KEY',
      prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    },
  },
  trainer: {
    kind: 'openai',
    baseURL: env('TRAINER_URL', 'https://api.openai.com/v1'),
    apiKeyEnv: env('TRAINER_KEY_ENV', 'OPENAI_API_KEY'),
    pollSeconds: 30,
  },
  // GSM8K as the package ships it: problems with worked solutions for D_meta, unlabeled prompts
  // for the rounds (the rest of the training split), and a test set.
  data: {
    trainFile: { dataset: 'gsm8k:train', limit: 1000 },
    promptsFile: { dataset: 'gsm8k:train', offset: 1000 },
    testFile: { dataset: 'gsm8k:test', limit: 300 },
  },
  base: { skip: true },
  meta: { prompts: 500, temperature: 0.7 },
  evolve: { rounds: 2, prompts: 500, refine: 1, temperature: 0.7 },
  eval: { refine: 1 },
  generation: { maxTokens: { response: 512, feedback: 384, refinement: 512 } },
  budget: { maxCostUsd: 5 },
});

const onProgress = (e: ProgressEvent) => {
  if (e.done === e.total)
    console.error(`${e.step}: ${e.total} done${e.extra ? ` (${e.extra})` : ''}`);
};

// A run that was stopped (Ctrl-C, a crash, the budget) continues where it was.
const name = env('RUN_NAME', 'word-problems');
const result = process.argv.includes('--resume')
  ? await resumeSelf(name, { onProgress })
  : await runSelf(config, { name, onProgress });
console.table(
  result.summary.stages.map((s) => ({
    stage: s.name,
    direct: s.direct_acc,
    refined: s.refined_acc,
    kept: s.kept,
    kept_precision: s.kept_precision,
  })),
);
