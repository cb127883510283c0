#!/usr/bin/env node
// The embedded engine as an external trainer: a working example of the `command` trainer contract
// (docs/trainers.md), and the program the contract's tests run. It reads the request file that
// self-evolve writes, trains, prints JSON-line progress, and prints the model it saved.
//   self-evolve config: "trainer": {"kind": "command",
//                                   "command": ["node", "examples/command-trainer/embedded-trainer.mjs"]}
// Needs the built package (`npm run build`).
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';

const dist = new URL('../../dist/index.js', import.meta.url).href;
const { EmbeddedTrainer, readSftJsonl } = await import(dist);

// self-evolve appends --data, --base, --output and --request; the request file has them all.
const { values } = parseArgs({
  options: {
    request: { type: 'string' },
    data: { type: 'string' },
    base: { type: 'string' },
    output: { type: 'string' },
  },
});
if (!values.request) {
  console.error('usage: embedded-trainer.mjs --request <request.json> (written by self-evolve)');
  process.exit(2);
}
const request = JSON.parse(readFileSync(values.request, 'utf8'));
const examples = readSftJsonl(readFileSync(request.data.sft, 'utf8'), request.data.sft);
const trainer = new EmbeddedTrainer({ outputDir: dirname(request.output), overwrite: true });
const model = await trainer.train(
  {
    base: request.base,
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
console.log(JSON.stringify({ event: 'model', model }));
