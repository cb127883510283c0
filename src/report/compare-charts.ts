// The plots of a comparison of runs (the UI's compare page), in the same Chart.js form as a
// run's plots (charts.ts).
import type { RunSummary } from '../self/summary.js';
import { type Chart, config, dataset, pct } from './charts.js';
import { ablationRows } from './table.js';

/** The plots of `runs compare`: each ablation row and each stage's quality, one series per run. */
export function compareCharts(summaries: readonly RunSummary[]): Chart[] {
  const labels = [...new Set(summaries.flatMap((s) => ablationRows(s).map((r) => r.label)))];
  const stages = [...new Set(summaries.flatMap((s) => s.stages.map((x) => x.name)))];
  type Stage = RunSummary['stages'][number];
  /** One line per run of a stage metric, over every stage any run has. */
  const byStage = (
    id: string,
    title: string,
    y: string,
    f: (x: Stage) => number | null,
  ): Chart => ({
    id,
    config: config(
      'line',
      title,
      stages,
      summaries.map((s, i) =>
        dataset(
          s.run,
          stages.map((name) => {
            const stage = s.stages.find((x) => x.name === name);
            return stage ? pct(f(stage)) : null;
          }),
          i,
        ),
      ),
      { y, yMax: 100 },
    ),
  });
  return [
    {
      id: 'compare-ablation',
      config: config(
        'bar',
        'Ablation: accuracy of each row, by run',
        labels,
        summaries.map((s, i) => {
          const rows = new Map(ablationRows(s).map((r) => [r.label, r.accuracy]));
          return dataset(
            s.run,
            labels.map((l) => pct(rows.get(l))),
            i,
          );
        }),
        { y: 'accuracy (%)', yMax: 100 },
      ),
    },
    byStage(
      'compare-refined',
      'Accuracy with online refinement, by stage',
      'accuracy (%)',
      (x) => x.refined_acc,
    ),
    byStage(
      'compare-feedback',
      'Feedback precision (verdict "wrong", held-out), by stage',
      'precision (%)',
      (x) => x.feedback_precision,
    ),
  ];
}
