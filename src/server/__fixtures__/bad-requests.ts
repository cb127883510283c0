// The bad requests of src/server/bad-input.test.ts, one table row each: what is sent and the 4xx
// that must come back. `<small>` and `<large>` stand for the ids of uploaded training files.

/** The server's API key and --max-body-bytes in the suite. */
export const KEY = 'sk-bad-input-key';
export const BODY_LIMIT = 256 << 10;

/** `n` JSONL training rows. */
export const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `${i % 9}+1=`, response: '1' }))
    .join('\n')
    .concat('\n');

export interface Case {
  readonly name: string;
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  /** Sent as JSON; a string is sent as it is. */
  readonly body?: unknown;
  readonly form?: () => FormData;
  /** Authorization header; default `Bearer <KEY>`, null for none. */
  readonly auth?: string | null;
  readonly status: number;
  /** The expected `error.param` (undefined: not checked). */
  readonly param?: string | null;
  /** What the message must say. */
  readonly says?: RegExp;
}

const user = [{ role: 'user', content: 'hi' }];
const chat = (extra: object) => ({ model: 'tiny', messages: user, ...extra });
const job = (extra: object) => ({ model: 'base', training_file: '<small>', ...extra });
const hyper = (h: object) => job({ hyperparameters: h });
const CHAT = '/chat/completions';
const JOBS = '/fine_tuning/jobs';
const fileForm =
  (purpose: string | null, content: string | null, name = 'f.jsonl') =>
  () => {
    const form = new FormData();
    if (purpose !== null) form.set('purpose', purpose);
    if (content !== null) form.set('file', new Blob([content]), name);
    return form;
  };

export const CASES: Case[] = [
  // Authentication
  { name: 'no Authorization header', path: CHAT, body: chat({}), auth: null, status: 401 },
  { name: 'the key without "Bearer "', path: CHAT, body: chat({}), auth: KEY, status: 401 },
  { name: 'a wrong key', path: CHAT, body: chat({}), auth: 'Bearer sk-bad-input-kex', status: 401 },
  { name: 'the key plus more', path: CHAT, body: chat({}), auth: `Bearer ${KEY}x`, status: 401 },
  { name: 'another scheme', path: '/models', method: 'GET', auth: `Basic ${KEY}`, status: 401 },
  // Chat completions: the body
  { name: 'a body that is not JSON', path: CHAT, body: '{"model": "tiny",', status: 400 },
  { name: 'a JSON array', path: CHAT, body: '[1, 2]', status: 400 },
  { name: 'no model', path: CHAT, body: { messages: user }, status: 400, param: 'model' },
  { name: 'no messages', path: CHAT, body: chat({ messages: [] }), status: 400, param: 'messages' },
  {
    name: 'too many messages',
    path: CHAT,
    body: chat({ messages: Array.from({ length: 257 }, () => user[0]) }),
    status: 400,
    param: 'messages',
    says: /256/,
  },
  {
    name: 'a bad role',
    path: CHAT,
    body: chat({ messages: [{ role: 'robot', content: 'x' }] }),
    status: 400,
    param: 'messages.0.role',
  },
  { name: 'n above 16', path: CHAT, body: chat({ n: 17 }), status: 400, param: 'n', says: /16/ },
  { name: 'n of 1e9', path: CHAT, body: chat({ n: 1e9 }), status: 400, param: 'n' },
  {
    name: 'max_tokens of 1e9',
    path: CHAT,
    body: chat({ max_tokens: 1e9 }),
    status: 400,
    param: 'max_tokens',
    says: /32768/,
  },
  {
    name: 'max_completion_tokens of 1e9',
    path: CHAT,
    body: chat({ max_completion_tokens: 1e9 }),
    status: 400,
    param: 'max_completion_tokens',
    says: /32768/,
  },
  { name: 'negative max_tokens', path: CHAT, body: chat({ max_tokens: -1 }), status: 400 },
  {
    name: 'self_refine.max_iterations of 100',
    path: CHAT,
    body: chat({ self_refine: { max_iterations: 100 } }),
    status: 400,
    param: 'self_refine.max_iterations',
    says: /8/,
  },
  {
    name: 'temperature of 5',
    path: CHAT,
    body: chat({ temperature: 5 }),
    status: 400,
    param: 'temperature',
  },
  {
    name: 'five stop sequences',
    path: CHAT,
    body: chat({ stop: ['a', 'b', 'c', 'd', 'e'] }),
    status: 400,
    param: 'stop',
  },
  {
    name: 'a stop sequence of 10,000 characters',
    path: CHAT,
    body: chat({ stop: 'x'.repeat(10_000) }),
    status: 400,
    param: 'stop',
    says: /256/,
  },
  { name: 'top_k of 1e9', path: CHAT, body: chat({ top_k: 1e9 }), status: 400, param: 'top_k' },
  { name: 'a fractional seed', path: CHAT, body: chat({ seed: 1.5 }), status: 400, param: 'seed' },
  { name: 'tools', path: CHAT, body: chat({ tools: [{}] }), status: 400, param: 'tools' },
  {
    name: 'self_refine with stream',
    path: CHAT,
    body: chat({ self_refine: {}, stream: true }),
    status: 400,
    param: 'stream',
  },
  {
    name: 'a self_episode of 1,000 turns',
    path: CHAT,
    body: chat({
      self_episode: {
        turns: Array.from({ length: 1000 }, () => ({ section: 'prompt', text: 'p' })),
        next: 'response',
      },
    }),
    status: 400,
    param: 'self_episode.turns',
  },
  {
    name: 'a body over --max-body-bytes',
    path: CHAT,
    body: chat({ messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }] }),
    status: 413,
    says: /262144 bytes/,
  },
  // Model names
  { name: 'an unknown model', path: CHAT, body: chat({ model: 'nope' }), status: 404 },
  {
    name: 'a path out of the checkpoints folder',
    path: CHAT,
    body: chat({ model: '../../../etc' }),
    status: 404,
    param: 'model',
  },
  {
    name: 'an absolute path out of the checkpoints folder',
    path: CHAT,
    body: chat({ model: '/etc' }),
    status: 404,
    param: 'model',
  },
  {
    name: 'a model name of 10,000 characters',
    path: CHAT,
    body: chat({ model: 'm'.repeat(10_000) }),
    status: 400,
    param: 'model',
    says: /256/,
  },
  { name: 'an unknown route', method: 'GET', path: '/nothing', status: 404 },
  // Fine-tuning jobs: every hyperparameter is checked at creation
  {
    name: 'steps of 1e9',
    path: JOBS,
    body: hyper({ steps: 1e9 }),
    status: 400,
    param: 'hyperparameters.steps',
    says: /100000/,
  },
  {
    name: 'n_epochs of -1',
    path: JOBS,
    body: hyper({ n_epochs: -1 }),
    status: 400,
    param: 'hyperparameters.n_epochs',
  },
  {
    name: 'n_epochs of 1,000',
    path: JOBS,
    body: hyper({ n_epochs: 1000 }),
    status: 400,
    param: 'hyperparameters.n_epochs',
    says: /100/,
  },
  {
    name: 'epochs × rows over the step limit',
    path: JOBS,
    body: job({ training_file: '<large>', hyperparameters: { n_epochs: 100, batch_size: 1 } }),
    status: 400,
    param: 'hyperparameters.n_epochs',
    says: /100000/,
  },
  {
    name: 'batch_size of 0',
    path: JOBS,
    body: hyper({ batch_size: 0 }),
    status: 400,
    param: 'hyperparameters.batch_size',
  },
  {
    name: 'batch_size of 1e6',
    path: JOBS,
    body: hyper({ batch_size: 1e6 }),
    status: 400,
    param: 'hyperparameters.batch_size',
    says: /64/,
  },
  {
    name: 'a negative learning_rate_multiplier',
    path: JOBS,
    body: hyper({ learning_rate_multiplier: -1 }),
    status: 400,
    param: 'hyperparameters.learning_rate_multiplier',
  },
  {
    name: 'a learning_rate_multiplier that is text',
    path: JOBS,
    body: hyper({ learning_rate_multiplier: 'fast' }),
    status: 400,
    param: 'hyperparameters.learning_rate_multiplier',
  },
  {
    name: 'a minLearningRate above learningRate',
    path: JOBS,
    body: hyper({ learningRate: 0.001, minLearningRate: 0.01 }),
    status: 400,
    param: 'hyperparameters.minLearningRate',
  },
  {
    name: 'a negative gradClip',
    path: JOBS,
    body: hyper({ gradClip: -1 }),
    status: 400,
    param: 'hyperparameters.gradClip',
  },
  {
    name: 'an unknown hyperparameter',
    path: JOBS,
    body: hyper({ warp: 9 }),
    status: 400,
    param: 'hyperparameters.warp',
  },
  {
    name: 'hyperparameters that are not an object',
    path: JOBS,
    body: hyper([1]),
    status: 400,
    param: 'hyperparameters',
  },
  { name: 'a seed that is text', path: JOBS, body: job({ seed: 'x' }), status: 400, param: 'seed' },
  {
    name: 'a suffix of 100 characters',
    path: JOBS,
    body: job({ suffix: 's'.repeat(100) }),
    status: 400,
    param: 'suffix',
    says: /64/,
  },
  {
    name: 'metadata of 17 pairs',
    path: JOBS,
    body: job({
      metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
    }),
    status: 400,
    param: 'metadata',
    says: /16/,
  },
  {
    name: 'an unknown validation_file',
    path: JOBS,
    body: job({ validation_file: 'file-nope' }),
    status: 404,
    param: 'validation_file',
  },
  { name: 'no model for a job', path: JOBS, body: { training_file: '<small>' }, status: 400 },
  {
    name: 'an unsupported method',
    path: JOBS,
    body: job({ method: { type: 'dpo' } }),
    status: 400,
    param: 'method.type',
  },
  { name: 'a job body that is not JSON', path: JOBS, body: 'steps=1', status: 400 },
  // Lists, files and ids
  { name: 'limit=0', method: 'GET', path: `${JOBS}?limit=0`, status: 400, param: 'limit' },
  { name: 'limit=1000', method: 'GET', path: `${JOBS}?limit=1000`, status: 400, param: 'limit' },
  { name: 'limit=abc', method: 'GET', path: `${JOBS}?limit=abc`, status: 400, param: 'limit' },
  {
    name: 'an upload with the wrong purpose',
    path: '/files',
    form: fileForm('assistants', rows(1)),
    status: 400,
    param: 'purpose',
  },
  {
    name: 'an upload without a file',
    path: '/files',
    form: fileForm('fine-tune', null),
    status: 400,
    param: 'file',
  },
  {
    name: 'an empty upload',
    path: '/files',
    form: fileForm('fine-tune', ''),
    status: 400,
    param: 'file',
  },
  {
    name: 'an upload with a 1,000-character name',
    path: '/files',
    form: fileForm('fine-tune', rows(1), `${'n'.repeat(1000)}.jsonl`),
    status: 400,
    param: 'file',
    says: /255/,
  },
  { name: 'an upload that is not multipart', path: '/files', body: { file: 'x' }, status: 400 },
  { name: 'an unknown file', method: 'GET', path: '/files/file-nope', status: 404 },
  { name: 'deleting an unknown file', method: 'DELETE', path: '/files/file-nope', status: 404 },
  { name: 'cancelling an unknown job', path: `${JOBS}/ftjob-nope/cancel`, status: 404 },
];

