// Realistic runs written straight into a store, for the UI's benchmark and browser test: the
// equations task's own problems (so the UI's regenerated labels apply), simulated answers,
// critiques with the teacher's wording and a noisy verdict, refinements, stage metrics computed
// by the real metric functions, and models with loss curves. Seconds for 100,000 samples.
import { PRESETS } from '../config/presets.js';
import { mergeConfig, parseRunConfig, type RunConfig } from '../config/run-config.js';
import { evalMetrics, keptMetrics } from '../evaluate/metrics.js';
import { pipelineData, roundPrompts } from '../self/data.js';
import { deriveSeed, random } from '../self/seeds.js';
import { stageNames } from '../self/summary.js';
import type { Attempt, RunStore, SampleRecord } from '../spec/run-store.js';
import { parseEquation } from '../tasks/equations/equation.js';
import { EquationsTeacher } from '../tasks/equations/equations-task.js';
import { workedSolution } from '../tasks/equations/solution.js';
import { createTask } from '../tasks/task-registry.js';

export interface SyntheticRunOptions {
  readonly name: string;
  readonly seed?: number;
  /** Self-evolution rounds (default 2). */
  readonly rounds?: number;
  /** Prompts per round (default 300). */
  readonly prompts?: number;
  /** Meta-skill prompts (default 400). */
  readonly metaPrompts?: number;
  /** Held-out problems, evaluated after every stage (default 100). */
  readonly test?: number;
  /** Folder recorded as the run's dir. */
  readonly dir: string;
  /** Leave the run `running`, its last stage unfinished (for progress views). Default false. */
  readonly unfinished?: boolean;
}

/** The config such a run records: the quick preset at the given sizes, default equations. */
export function syntheticConfig(o: SyntheticRunOptions): RunConfig {
  const prompts = o.metaPrompts ?? 400;
  // The quick preset's sizes on the equations task's default ranges (its own are narrower).
  const { task: _, ...quick } = PRESETS.quick;
  return parseRunConfig(
    mergeConfig(quick, {
      seed: o.seed ?? 1,
      data: { train: Math.max(prompts, 200), test: o.test ?? 100 },
      meta: { prompts },
      evolve: { rounds: o.rounds ?? 2, prompts: o.prompts ?? 300 },
    }),
  );
}

/** How good the simulated model is at each stage: answers right, verdicts right, fixes. */
function skill(stage: number) {
  return {
    answer: Math.min(0.85, 0.15 + 0.18 * stage),
    verdict: Math.min(0.92, 0.55 + 0.12 * stage),
    fix: Math.min(0.6, 0.1 + 0.12 * stage),
  };
}

const teacher = new EquationsTeacher();

function wrongAnswer(solution: string, x: number, next: () => number): string {
  const w = x + 1 + Math.floor(next() * 9) * (next() < 0.5 ? -1 : 1);
  return solution.replace(new RegExp(`= ${x}\\nanswer: ${x}$`), `= ${w}\nanswer: ${w}`);
}

/** One simulated trace: answer, critique with a noisy verdict, up to `refine` refinements. */
async function simulate(prompt: string, level: number, refine: number, next: () => number) {
  const eq = parseEquation(prompt)!;
  const right = workedSolution(eq);
  const s = skill(level);
  const write = (p: number) => (next() < p ? right : wrongAnswer(right, eq.x, next));
  const attempts: Attempt[] = [];
  let text = write(s.answer);
  for (let k = 0; ; k++) {
    const review = await teacher.review({ id: '', prompt }, text);
    const truth = review.refinement === undefined ? 'correct' : 'wrong';
    const verdict = next() < s.verdict ? truth : truth === 'correct' ? 'wrong' : 'correct';
    const feedback = review.feedback.replace(/verdict: \w+\s*$/, `verdict: ${verdict}`);
    attempts.push({ text, feedback, verdict });
    if (verdict === 'correct' || k >= refine) break;
    text = write(s.fix);
  }
  return attempts;
}

function traceSample(
  stage: string,
  chunk: number,
  index: number,
  problemId: string,
  prompt: string,
  seed: number,
  attempts: Attempt[],
  kept: boolean,
  reason: string,
): SampleRecord {
  return {
    stage,
    chunk,
    index,
    problemId,
    prompt,
    response: attempts[0].text,
    feedback: attempts[0].feedback,
    verdict: attempts[0].verdict ?? null,
    refinement: attempts.length > 1 ? attempts[attempts.length - 1].text : undefined,
    attempts,
    kept,
    reason,
    seed,
    tokens: attempts.reduce((n, a) => n + a.text.length + (a.feedback?.length ?? 0), 0),
  };
}

/** Stores `samples` in chunks of `size`, as runChunked does. */
function putChunks(
  store: RunStore,
  run: string,
  stage: string,
  samples: SampleRecord[],
  size: number,
) {
  for (let c = 0; c * size < samples.length; c++) {
    const chunk = samples
      .slice(c * size, (c + 1) * size)
      .map((s, i) => ({ ...s, chunk: c, index: i }));
    store.putChunk(run, stage, c, chunk);
  }
}

function lossCurve(level: number, next: () => number): [number, number][] {
  return Array.from({ length: 120 }, (_, i) => [
    (i + 1) * 10,
    Number((0.3 / (level + 1) + 2.5 * Math.exp(-i / 25) + 0.05 * next()).toFixed(4)),
  ]);
}

/** Writes one complete run (or one left running) into `store`; returns its sample count. */
export async function writeSyntheticRun(store: RunStore, o: SyntheticRunOptions): Promise<number> {
  const config = syntheticConfig(o);
  const { task } = createTask('equations');
  const data = pipelineData(config, task);
  const next = random(deriveSeed(config.seed, 'synthetic', o.name));
  store.createRun({ name: o.name, config, seed: config.seed, dir: o.dir }, { force: true });
  const names = stageNames(config);
  let total = 0;
  for (const [level, name] of names.entries()) {
    const started = Date.now();
    const last = level === names.length - 1;
    let metrics: Record<string, unknown> = {};
    if (name === 'meta') {
      const samples: SampleRecord[] = [];
      for (const [i, p] of data.qa.slice(0, config.meta.prompts).entries()) {
        const response = (await simulate(p.prompt, 0, 0, next))[0].text;
        const review = await teacher.review(p, response);
        const verdict = task.parseVerdict(review.feedback) ?? null;
        const attempts = [{ text: response, feedback: review.feedback, verdict }];
        const s = traceSample(
          'meta',
          0,
          i,
          p.id,
          p.prompt,
          i,
          attempts,
          true,
          `teacher verdict ${verdict}`,
        );
        samples.push({ ...s, refinement: review.refinement });
      }
      putChunks(store, o.name, 'meta', samples, config.generation.chunk);
      metrics = { data: keptMetrics(task, samples, data.labels), trained_on: samples.length };
      total += samples.length;
    } else if (name.startsWith('round-')) {
      const prompts = roundPrompts(data, config, task, level - 1);
      const samples: SampleRecord[] = [];
      for (const [i, p] of prompts.entries()) {
        const attempts = await simulate(p.prompt, level - 1, config.evolve.refine, next);
        const kept = attempts[attempts.length - 1].verdict === 'correct';
        const reason = kept
          ? attempts.length > 1
            ? 'refined, self-verdict correct'
            : 'self-verdict correct'
          : 'self-verdict wrong';
        samples.push(traceSample(name, 0, i, p.id, p.prompt, p.seed, attempts, kept, reason));
      }
      putChunks(store, o.name, name, samples, config.generation.chunk);
      metrics = {
        data: keptMetrics(task, samples, data.labels),
        trained_on: samples.filter((s) => s.kept).length,
      };
      total += samples.length;
    }
    const ref = {
      kind: 'embedded',
      id: `${o.dir}/models/${name}`,
      meta: { steps: 1200, finalLoss: 0, lossCurve: lossCurve(level, next) },
    };
    ref.meta.finalLoss = ref.meta.lossCurve[ref.meta.lossCurve.length - 1][1];
    store.putModel(o.name, {
      name,
      ref,
      parent: names[level - 1],
      createdAt: new Date().toISOString(),
    });
    const evaluated: SampleRecord[] = [];
    const test =
      last && o.unfinished ? data.test.slice(0, Math.ceil(data.test.length / 2)) : data.test;
    for (const [i, p] of test.entries()) {
      const attempts = await simulate(p.prompt, Math.max(0, level - 0.5), config.eval.refine, next);
      const s = traceSample(`eval:${name}`, 0, i, p.id, p.prompt, i, attempts, false, 'evaluation');
      // Online refinement answers with the last attempt its own feedback accepted, else the first.
      const accepted = attempts.findLastIndex((a, k) => k > 0 && a.verdict === 'correct');
      evaluated.push({ ...s, refinement: accepted > 0 ? attempts[accepted].text : undefined });
    }
    putChunks(store, o.name, `eval:${name}`, evaluated, config.generation.chunk);
    total += evaluated.length;
    if (last && o.unfinished) break;
    store.putStage(o.name, {
      name,
      metrics: { ...metrics, eval: evalMetrics(task, evaluated, data.labels) },
      seconds: (Date.now() - started) / 1000 + 20 * (level + 1),
      finishedAt: new Date().toISOString(),
    });
  }
  store.setStatus(o.name, o.unfinished ? 'running' : 'finished');
  return total;
}
