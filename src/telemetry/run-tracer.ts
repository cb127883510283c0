// OpenTelemetry traces of a SELF run, following the GenAI semantic conventions: a span per stage
// (`stage meta`), a span per model call inside it (`{operation} {model}` with `gen_ai.*` request
// and usage attributes), and each verdict a critique ends with as a `gen_ai.evaluation.result`
// event on its call's span. Exported over OTLP/HTTP; nothing is registered globally.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InvalidInputError } from '../spec/errors.js';
import type { TelemetryConfig } from './telemetry-config.js';

/** What the pipeline and the model wrappers use: a tracer, and the span of the current stage. */
export interface RunTracer {
  readonly tracer: Tracer;
  readonly captureContent: boolean;
  /** Runs `fn` inside a span named `stage <name>`; model calls it makes are its children. */
  stage<T>(
    name: string,
    fn: () => Promise<T>,
    attributes?: Record<string, string | number>,
  ): Promise<T>;
  /** The span model calls made now belong under. */
  current(): Span | undefined;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** Starts tracing a run to the configured collector. */
export function startRunTracer(
  config: TelemetryConfig,
  run: { readonly name: string; readonly seed: number },
  env: NodeJS.ProcessEnv = process.env,
): RunTracer {
  const headers: Record<string, string> = {};
  for (const [header, variable] of Object.entries(config.headersEnv)) {
    const value = env[variable];
    if (!value) {
      throw new InvalidInputError(`environment variable ${variable} is not set`, {
        field: `telemetry.headersEnv.${header}`,
      });
    }
    headers[header] = value;
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.serviceName,
      'self_evolve.run': run.name,
      'self_evolve.seed': run.seed,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: config.endpoint, headers })),
    ],
  });
  const tracer = provider.getTracer('self-evolve');
  const stages = new AsyncLocalStorage<Span>();
  return {
    tracer,
    captureContent: config.captureContent,
    current: () => stages.getStore(),
    async stage(name, fn, attributes = {}) {
      const span = tracer.startSpan(`stage ${name}`, {
        kind: SpanKind.INTERNAL,
        attributes: { 'self_evolve.stage': name, ...attributes },
      });
      try {
        return await stages.run(span, fn);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The context of `parent`, for starting a child span without a global context manager. */
export function under(parent: Span | undefined) {
  return parent ? trace.setSpan(context.active(), parent) : context.active();
}
