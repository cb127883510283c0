#!/usr/bin/env node
// The embedded engine as an external trainer: a working example of the `command` trainer contract
// (docs/trainers.md), and the program the contract's tests run. It reads the request file that
// self-evolve writes, trains, prints JSON-line progress, and prints the model it saved.
//   "trainer": {"kind": "command", "command": ["node", "examples/command-trainer/embedded-trainer.mjs"]}
// With `--checkpoints <root>` it plays the trainer beside an inference server, as TRL beside vLLM
// does: the student is served by `self-evolve serve --checkpoints <root>`, a base model named by
// the server is read from under <root>, and the result is reported as a served model
// (`openai-compatible`, named by its path), which the run then calls over HTTP.
// Needs the built package (`npm run build`).
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedTrainer, parseTrainingExamples } from 'self-evolve';

// self-evolve appends --data, --base, --output and --request; the request file has them all.
const { values } = parseArgs({
  options: {
    request: { type: 'string' },
    data: { type: 'string' },
    base: { type: 'string' },
    output: { type: 'string' },
    checkpoints: { type: 'string' },
  },
});
if (!values.request) {
  console.error('usage: embedded-trainer.mjs --request <request.json> [--checkpoints <root>]');
  process.exit(2);
}
const request = JSON.parse(readFileSync(values.request, 'utf8'));
const { examples } = parseTrainingExamples(
  readFileSync(request.data.sft, 'utf8'),
  request.data.sft,
);
const root = values.checkpoints && resolve(values.checkpoints);
// A served base is a checkpoint under the server's root, named by its path there.
const base =
  root && request.base.kind === 'openai-compatible'
    ? {
        kind: 'embedded',
        id: isAbsolute(request.base.id) ? request.base.id : resolve(root, request.base.id),
      }
    : request.base;
const trainer = new EmbeddedTrainer({ outputDir: dirname(request.output), overwrite: true });
const model = await trainer.train(
  {
    base,
    examples,
    name: basename(request.output),
    seed: request.seed,
    hyperparameters: request.hyperparameters,
  },
  {
    onProgress: (p) =>
      console.log(
        JSON.stringify({
          event: 'progress',
          step: p.step,
          total_steps: p.totalSteps,
          loss: p.loss,
        }),
      ),
  },
);
await trainer.close();
const reported = root ? { kind: 'openai-compatible', id: model.id, meta: model.meta } : model;
console.log(JSON.stringify({ event: 'model', model: reported }));
