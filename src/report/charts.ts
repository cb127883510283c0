// The plots of a run and of a comparison, as Chart.js configs (plain JSON, drawn in the browser by
// chart-library.ts): one definition shared by report.html and the UI's pages.
import type { RunSummary } from '../self/summary.js';
import type { ModelRecord, StageRecord } from '../spec/run-store.js';
import { type Html, html } from './html.js';

/** A dataset: values by category, or `{x, y}` points on a linear x axis. */
export interface ChartDataset {
  readonly label: string;
  readonly data: readonly (number | null | { x: number; y: number })[];
  readonly type?: 'bar' | 'line';
  readonly yAxisID?: 'y' | 'y1';
  readonly backgroundColor: string;
  readonly borderColor: string;
  readonly borderDash?: readonly number[];
  readonly pointRadius?: number;
  readonly spanGaps?: boolean;
}

/** The subset of a Chart.js configuration these plots use. */
export interface ChartConfig {
  readonly type: 'bar' | 'line';
  readonly data: { readonly labels?: readonly string[]; readonly datasets: ChartDataset[] };
  readonly options: Record<string, unknown>;
}

/** A plot with a stable id (for anchors and tests). */
export interface Chart {
  readonly id: string;
  readonly config: ChartConfig;
}

/** A model's training loss by optimizer step. */
export interface LossCurve {
  readonly model: string;
  readonly points: readonly (readonly [number, number])[];
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948'];
export const color = (i: number): string => PALETTE[i % PALETTE.length];

/** A fraction as a percentage with one decimal; null stays a gap. */
export const pct = (x: number | null | undefined): number | null =>
  x === null || x === undefined ? null : Math.round(x * 1000) / 10;

/** A dataset in the palette's colour `i`. */
export function dataset(
  label: string,
  data: ChartDataset['data'],
  i: number,
  extra: Partial<ChartDataset> = {},
): ChartDataset {
  return {
    label,
    data,
    backgroundColor: color(i),
    borderColor: color(i),
    spanGaps: true,
    ...extra,
  };
}

export interface Axes {
  readonly y: string;
  readonly yMax?: number;
  readonly y1?: string;
  /** A numeric x axis (loss by step) instead of categories. */
  readonly x?: string;
  /** Counts: whole-number ticks. */
  readonly integer?: boolean;
}

/** A Chart.js config with our defaults (no animation, title, legend below, axes titled). */
export function config(
  type: 'bar' | 'line',
  title: string,
  labels: readonly string[] | undefined,
  datasets: ChartDataset[],
  axes: Axes,
): ChartConfig {
  const scales: Record<string, unknown> = {
    y: {
      beginAtZero: true,
      max: axes.yMax,
      ticks: axes.integer ? { precision: 0 } : {},
      title: { display: true, text: axes.y },
    },
    x: axes.x ? { type: 'linear', title: { display: true, text: axes.x } } : {},
  };
  if (axes.y1) {
    scales.y1 = {
      beginAtZero: true,
      position: 'right',
      grid: { drawOnChartArea: false },
      title: { display: true, text: axes.y1 },
    };
  }
  return {
    type,
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
      scales,
    },
  };
}

/** Loss curves recorded with each model (`ref.meta.lossCurve`, written by the embedded trainer). */
export function lossCurves(models: readonly ModelRecord[]): LossCurve[] {
  return models.flatMap((m) => {
    const curve = m.ref.meta?.lossCurve;
    if (!Array.isArray(curve)) return [];
    const points = curve.filter(
      (p): p is [number, number] =>
        Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number',
    );
    return points.length ? [{ model: m.name, points }] : [];
  });
}

/** The last training loss of each model, where its trainer recorded one. */
function finalLosses(models: readonly ModelRecord[]): { model: string; loss: number }[] {
  return models.flatMap((m) => {
    const loss = m.ref.meta?.finalLoss;
    return typeof loss === 'number' ? [{ model: m.name, loss }] : [];
  });
}

/** Cost in US dollars by stage, where the stage recorded its usage (`metrics.usage.costUsd`). */
export function stageCosts(stages: readonly StageRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of stages) {
    const cost = (s.metrics.usage as { costUsd?: unknown } | undefined)?.costUsd;
    if (typeof cost === 'number') out.set(s.name, cost);
  }
  return out;
}

/** What the run plots are drawn from. */
export interface RunChartInput {
  readonly summary: RunSummary;
  readonly models?: readonly ModelRecord[];
  readonly stages?: readonly StageRecord[];
}

/** Every plot of one run, in page order. */
export function runCharts(input: RunChartInput): Chart[] {
  const { summary } = input;
  const names = summary.stages.map((s) => s.name);
  const of = <T>(f: (s: RunSummary['stages'][number]) => T) => summary.stages.map(f);
  const charts: Chart[] = [
    {
      id: 'accuracy',
      config: config(
        'bar',
        'Accuracy on the held-out set, by stage',
        names,
        [
          dataset(
            'direct',
            of((s) => pct(s.direct_acc)),
            0,
          ),
          dataset(
            'online refinement',
            of((s) => pct(s.refined_acc)),
            1,
          ),
        ],
        { y: 'accuracy (%)', yMax: 100 },
      ),
    },
    {
      id: 'feedback',
      config: config(
        'line',
        'Self-feedback quality (verdict "wrong"), by stage',
        names,
        [
          dataset(
            'precision, held-out',
            of((s) => pct(s.feedback_precision)),
            2,
          ),
          dataset(
            'recall, held-out',
            of((s) => pct(s.feedback_recall)),
            3,
          ),
          dataset(
            'precision, own data',
            of((s) => pct(s.data_feedback_precision)),
            2,
            {
              borderDash: [6, 4],
            },
          ),
          dataset(
            'recall, own data',
            of((s) => pct(s.data_feedback_recall)),
            3,
            {
              borderDash: [6, 4],
            },
          ),
        ],
        { y: '%', yMax: 100 },
      ),
    },
    {
      id: 'kept',
      config: config(
        'bar',
        'Kept training data and its precision (ground truth), by stage',
        names,
        [
          dataset(
            'kept precision (%)',
            of((s) => pct(s.kept_precision)),
            4,
            { type: 'line' },
          ),
          dataset(
            'kept',
            of((s) => s.kept),
            5,
            { yAxisID: 'y1' },
          ),
          dataset(
            'generated',
            of((s) => s.generated),
            6,
            { yAxisID: 'y1' },
          ),
        ],
        { y: 'kept precision (%)', yMax: 100, y1: 'samples' },
      ),
    },
    {
      id: 'flips',
      config: config(
        'bar',
        'Flips caused by online refinement (held-out set)',
        names,
        [
          dataset(
            'wrong → right',
            of((s) => s.wrong_to_right),
            2,
          ),
          dataset(
            'right → wrong',
            of((s) => s.right_to_wrong),
            3,
          ),
        ],
        { y: 'problems', integer: true },
      ),
    },
    usageChart(summary, stageCosts(input.stages ?? [])),
  ];
  // Without the models (a caller that did not pass them) there is nothing to say about loss.
  if (input.models) charts.splice(4, 0, lossChart(input.models));
  return charts;
}

function lossChart(models: readonly ModelRecord[]): Chart {
  const curves = lossCurves(models);
  if (curves.length > 0) {
    return {
      id: 'loss',
      config: config(
        'line',
        'Training loss by step',
        undefined,
        curves.map((c, i) =>
          dataset(
            c.model,
            c.points.map(([x, y]) => ({ x, y })),
            i,
            { pointRadius: 0 },
          ),
        ),
        { y: 'loss', x: 'step' },
      ),
    };
  }
  const finals = finalLosses(models);
  return {
    id: 'loss',
    config: config(
      'bar',
      finals.length ? 'Final training loss (no curves recorded)' : 'Training loss (none recorded)',
      finals.map((f) => f.model),
      [
        dataset(
          'final loss',
          finals.map((f) => f.loss),
          0,
        ),
      ],
      { y: 'loss' },
    ),
  };
}

function usageChart(summary: RunSummary, costs: Map<string, number>): Chart {
  const names = summary.stages.map((s) => s.name);
  const datasets = [
    dataset(
      'tokens generated',
      summary.stages.map((s) => s.tokens),
      0,
    ),
  ];
  if (costs.size > 0) {
    datasets.push(
      dataset(
        'cost (USD)',
        names.map((n) => costs.get(n) ?? null),
        1,
        {
          type: 'line',
          yAxisID: 'y1',
        },
      ),
    );
  }
  const title = costs.size ? 'Tokens and cost, by stage' : 'Tokens by stage (no cost recorded)';
  return {
    id: 'usage',
    config: config('bar', title, names, datasets, {
      y: 'tokens',
      y1: costs.size ? 'USD' : undefined,
    }),
  };
}

/** A plot as a canvas the chart script draws; the config travels in an escaped attribute. */
export function chartCanvas(chart: Chart): Html {
  return html`<figure class="chart" id="chart-${chart.id}"><div class="chart-box"><canvas data-chart="${JSON.stringify(chart.config)}" aria-label="${String((chart.config.options.plugins as { title: { text: string } }).title.text)}"></canvas></div></figure>`;
}
