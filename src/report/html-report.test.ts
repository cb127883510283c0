// report.html and its plots: each plot's data comes from the summary and the models, the file
// carries Chart.js inline, and text from samples cannot break out of the page.
import { describe, expect, it } from 'vitest';
import type { RunSummary, StageSummary } from '../self/summary.js';
import type { ModelRecord, SampleRecord } from '../spec/run-store.js';
import { CHART_JS_VERSION } from './chart-library.js';
import { type ChartConfig, runCharts } from './charts.js';
import { compareCharts } from './compare-charts.js';
import { html, raw } from './html.js';
import { htmlReport } from './html-report.js';

const stage = (name: string, direct: number, refined: number): StageSummary => ({
  name,
  direct_acc: direct,
  refined_acc: refined,
  feedback_precision: 0.5,
  feedback_recall: null,
  kept: name === 'base' ? null : 10,
  kept_precision: name === 'base' ? null : 0.75,
  seconds: 3,
  generated: name === 'base' ? null : 20,
  trained_on: null,
  wrong_to_right: 2,
  right_to_wrong: 1,
  data_feedback_precision: null,
  data_feedback_recall: null,
  tokens: 1000,
  kept_recall: null,
  filter: null,
  trained_chars: null,
  sft: null,
  errors: 0,
});

const summary: RunSummary = {
  run: 'r<1>',
  stages: [stage('base', 0.1, 0.1), stage('meta', 0.4, 0.55)],
  total_seconds: 6,
};

const models: ModelRecord[] = [
  {
    name: 'base',
    ref: {
      kind: 'embedded',
      id: '/m/base',
      meta: {
        lossCurve: [
          [1, 3],
          [2, 2.5],
        ],
        finalLoss: 2.5,
      },
    },
    createdAt: 't',
  },
];

const find = (id: string, input = runCharts({ summary, models })) =>
  input.find((c) => c.id === id)?.config as ChartConfig;

describe('run plots', () => {
  it('take their numbers from the summary, in percent, with gaps for missing values', () => {
    const accuracy = find('accuracy');
    expect(accuracy.data.labels).toEqual(['base', 'meta']);
    expect(accuracy.data.datasets.map((d) => d.data)).toEqual([
      [10, 40],
      [10, 55],
    ]);
    expect(find('feedback').data.datasets[1].data).toEqual([null, null]);
    expect(find('kept').data.datasets[0].data).toEqual([null, 75]);
    expect(find('flips').data.datasets.map((d) => d.data)).toEqual([
      [2, 2],
      [1, 1],
    ]);
  });

  it('draw loss curves from the models, and cost only where stages recorded it', () => {
    expect(find('loss').data.datasets[0]).toMatchObject({
      label: 'base',
      data: [
        { x: 1, y: 3 },
        { x: 2, y: 2.5 },
      ],
    });
    const noCurve = [{ ...models[0], ref: { kind: 'embedded', id: 'x', meta: { finalLoss: 2 } } }];
    expect(find('loss', runCharts({ summary, models: noCurve })).data.datasets[0].data).toEqual([
      2,
    ]);
    expect(find('usage').data.datasets).toHaveLength(1);
    expect(runCharts({ summary }).map((c) => c.id)).not.toContain('loss');
    const stages = [
      { name: 'meta', metrics: { usage: { costUsd: 0.25 } }, seconds: 1, finishedAt: 't' },
    ];
    const usage = find('usage', runCharts({ summary, stages }));
    expect(usage.data.datasets[1].data).toEqual([null, 0.25]);
  });

  it('compare runs row by row', () => {
    const other = { ...summary, run: 'other', stages: [stage('base', 0.2, 0.3)] };
    const [ablation] = compareCharts([summary, other]);
    expect(ablation.config.data.datasets.map((d) => d.label)).toEqual(['r<1>', 'other']);
    expect(ablation.config.data.datasets[1].data).toEqual([20, null, null]);
  });
});

describe('report.html', () => {
  it('is one file with Chart.js inline, and escapes what samples wrote', () => {
    const evil = '</script><script>alert(1)</script><b>';
    const example: SampleRecord = {
      stage: 'meta',
      chunk: 0,
      index: 0,
      problemId: 'p',
      prompt: evil,
      response: evil,
      attempts: [{ text: evil, feedback: evil }],
      kept: true,
      reason: evil,
      seed: 1,
      tokens: 1,
    };
    const report = htmlReport({ summary, config: { note: evil }, examples: [example], models });
    expect(report).toContain(`Chart.js v${CHART_JS_VERSION}`);
    expect(report.match(/<script>/g)).toHaveLength(2);
    expect(report).not.toContain('<script>alert');
    expect(report).toContain('&lt;/script&gt;&lt;script&gt;alert(1)');
    expect(report).toContain('<title>self-evolve run r&lt;1&gt;</title>');
    expect(report.match(/<canvas data-chart=/g)).toHaveLength(6);
    const attr = /<canvas data-chart="([^"]*)"/.exec(report)![1];
    const decoded = attr
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<');
    expect(JSON.parse(decoded.replace(/&gt;/g, '>').replace(/&amp;/g, '&')).type).toBe('bar');
  });

  it('html escapes interpolations and passes nested markup through', () => {
    expect(String(html`<p title="${'"x"'}">${'<a>'}${[html`<i>${1}</i>`, raw('<br>')]}</p>`)).toBe(
      '<p title="&quot;x&quot;">&lt;a&gt;<i>1</i><br></p>',
    );
  });
});
