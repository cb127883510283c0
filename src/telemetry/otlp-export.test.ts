// OpenTelemetry export of a real (tiny) SELF run to an OTLP/HTTP receiver on 127.0.0.1 that
// records what arrives: a span per stage, a GenAI span per model call under it, usage and
// request attributes, every critique's verdict as a gen_ai.evaluation.result event, and no prompt
// or completion text unless captureContent asks for it.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeConfig, parseRunConfig } from '../config/run-config.js';
import { runSelf } from '../runtime/run-session.js';
import { TINY_CONFIG } from '../testing/test-configs.js';

interface OtlpSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  events?: { name: string; attributes: { key: string; value: Record<string, unknown> }[] }[];
}
const received: {
  path: string;
  body: { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
}[] = [];
let receiver: Server;
let endpoint: string;
const dir = mkdtempSync(join(tmpdir(), 'otlp-'));

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (b) => (body += b));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => {
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const value = (
  s: { attributes: { key: string; value: Record<string, unknown> }[] },
  key: string,
) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v && (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue ?? v.arrayValue);
};
const spans = () =>
  received.flatMap((r) =>
    r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
  );

async function tracedRun(name: string, captureContent: boolean) {
  received.length = 0;
  const config = parseRunConfig(
    mergeConfig(TINY_CONFIG, { telemetry: { endpoint, captureContent }, evolve: { rounds: 1 } }),
  );
  await runSelf(config, { runsDir: join(dir, 'runs'), name });
  return spans();
}

describe('OpenTelemetry export', () => {
  it('sends stage spans, GenAI call spans under them, usage and verdict events', async () => {
    const all = await tracedRun('traced', false);
    expect(received.every((r) => r.path === '/v1/traces')).toBe(true);
    const stages = all.filter((s) => s.name.startsWith('stage '));
    expect(stages.map((s) => s.name).sort()).toEqual(['stage base', 'stage meta', 'stage round-1']);
    const calls = all.filter((s) => value(s, 'gen_ai.operation.name') !== undefined);
    expect(calls.length).toBeGreaterThan(50);
    for (const c of calls) {
      expect(c.name).toBe(`text_completion ${value(c, 'gen_ai.request.model')}`);
      expect(value(c, 'gen_ai.provider.name')).toBe('self-evolve');
      expect(Number(value(c, 'gen_ai.usage.input_tokens'))).toBeGreaterThan(0);
      expect(value(c, 'gen_ai.usage.output_tokens')).toBeDefined();
      expect(stages.map((s) => s.spanId)).toContain(c.parentSpanId);
      expect(value(c, 'gen_ai.input.messages')).toBeUndefined();
    }
    const critiques = calls.filter((c) => value(c, 'self_evolve.section') === 'feedback');
    expect(critiques.length).toBeGreaterThan(0);
    for (const c of critiques) {
      const event = c.events?.find((e) => e.name === 'gen_ai.evaluation.result');
      expect(event, c.name).toBeDefined();
      expect(value(event!, 'gen_ai.evaluation.name')).toBe('self_verdict');
      expect(['correct', 'wrong', 'none']).toContain(
        value(event!, 'gen_ai.evaluation.score.label'),
      );
      expect(value(event!, 'gen_ai.evaluation.explanation')).toBeUndefined();
    }
    expect(
      critiques.some((c) => value(c.events![0], 'gen_ai.evaluation.score.label') !== 'none'),
    ).toBe(true);
  }, 120_000);

  it('records prompts and completions only with captureContent', async () => {
    const all = await tracedRun('content', true);
    const call = all.find((s) => value(s, 'self_evolve.section') === 'response')!;
    const input = JSON.parse(String(value(call, 'gen_ai.input.messages')));
    expect(input[0]).toMatchObject({
      role: 'prompt',
      parts: [{ type: 'text', content: expect.stringMatching(/^Solve for x: /) }],
    });
    expect(JSON.parse(String(value(call, 'gen_ai.output.messages')))[0].parts[0].type).toBe('text');
  }, 120_000);
});
