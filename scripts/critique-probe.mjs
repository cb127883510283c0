// Can a model of a given size learn a critique template? Trains a fresh embedded model only on the
// teacher's critiques of 3,000 candidate answers (40% right, the rest wrong the way the small model
// is wrong: a step-1 result among the multiples of a, divided correctly) and prints one JSON line
// with its greedy verdict accuracy and exact-critique rate on 300 held-out candidates.
// Run after `npm run build`:
//   node scripts/critique-probe.mjs --critique columns --batch 4 --epochs 9
//   node scripts/critique-probe.mjs --params '{"coefficient":[2,4],"constant":[1,9],"right":[0,45]}' --n 1000
// docs/results.md ("What made it work") has the table this measured.
import { parseArgs } from 'node:util';
import { EQUATIONS_ALPHABET } from '../dist/config/presets.js';
import { EmbeddedTrainer } from '../dist/engine/index.js';
import { metaExample } from '../dist/self/examples.js';
import { parseEquation } from '../dist/tasks/equations/equation.js';
import { createTask } from '../dist/tasks/task-registry.js';

const { values: o } = parseArgs({
  options: {
    critique: { type: 'string', default: 'columns' },
    batch: { type: 'string', default: '4' },
    epochs: { type: 'string', default: '9' },
    lr: { type: 'string', default: '7e-4' },
    layers: { type: 'string', default: '2' },
    'd-model': { type: 'string', default: '128' },
    n: { type: 'string', default: '3000' },
    params: { type: 'string', default: '{}' },
    'd-ff': { type: 'string', default: '352' },
  },
});
const { task, teacher } = createTask('equations', {
  critique: o.critique,
  ...JSON.parse(o.params),
});

let state = 12345;
const rand = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
/** The reference solution, or a consistent slip: v near x, step 1 written as a·v. */
function candidate(problem) {
  const eq = parseEquation(problem.prompt);
  if (rand() < 0.4) return problem.solution;
  const op = eq.form === 'ax-b' ? '+' : '-';
  let v;
  do v = eq.x + Math.round((rand() - 0.5) * 6);
  while (v === eq.x || v < 0 || v > 9 || eq.a * v > 99);
  const r = eq.a * v;
  return `${eq.a}*x = ${eq.c} ${op} ${eq.b} = ${r}\nx = ${r} / ${eq.a} = ${v}\nanswer: ${v}`;
}
const critique = async (p, r) => (await teacher.review(p, r)).feedback;

const train = task.generate(Number(o.n), 7);
const test = task.generate(300, 1000);
const examples = [];
for (const p of train) {
  const r = candidate(p);
  examples.push(metaExample(p.prompt, r, await critique(p, r)));
}
const trainer = new EmbeddedTrainer({ outputDir: `/tmp/critique-probe-${process.pid}` });
const started = Date.now();
const config = {
  dModel: Number(o['d-model']),
  nLayers: Number(o.layers),
  nHeads: 4,
  dFF: Number(o['d-ff']),
  contextLength: 320,
};
const ref = await trainer.train({
  base: { kind: 'embedded', id: 'new', meta: { config, alphabet: EQUATIONS_ALPHABET } },
  examples,
  name: 'probe',
  seed: 1,
  hyperparameters: {
    epochs: Number(o.epochs),
    batchSize: Number(o.batch),
    learningRate: Number(o.lr),
  },
});
const trainSeconds = (Date.now() - started) / 1000;
const model = await trainer.load(ref);
const candidates = test.map(candidate);
const out = await model.complete(
  test.map((p, i) => ({
    turns: [
      { section: 'prompt', text: p.prompt },
      { section: 'response', text: candidates[i] },
    ],
    next: 'feedback',
    maxTokens: 140,
    temperature: 0,
    seed: 1,
  })),
);
let right = 0;
let exact = 0;
for (const [i, p] of test.entries()) {
  const truth = task.isCorrect(candidates[i], p.answer) ? 'correct' : 'wrong';
  const feedback = out[i].texts[0];
  if (task.parseVerdict(feedback) === truth) right++;
  if (feedback.trim() === (await critique(p, candidates[i])).trim()) exact++;
}
console.log(
  JSON.stringify({
    critique: o.critique,
    batch: Number(o.batch),
    epochs: Number(o.epochs),
    lr: Number(o.lr),
    config,
    train_seconds: trainSeconds,
    verdict_right: right / test.length,
    critique_exact: exact / test.length,
  }),
);
await model.close?.();
await trainer.close();
