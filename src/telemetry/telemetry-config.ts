// The `telemetry` section of a run config: where OpenTelemetry traces of a run go (any OTLP/HTTP
// collector: Langfuse, Phoenix, Jaeger, an OpenTelemetry Collector), off unless given. Prompts and
// completions are recorded only with `captureContent`; header values come from the environment.
import { z } from 'zod';
import { envName } from '../config/fragments.js';

export const telemetryConfigSchema = z
  .object({
    /** The OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /** Header name → the environment variable holding its value (e.g. an Authorization token). */
    headersEnv: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), envName)
      .default({}),
    /** Record prompts and completions on the spans (`gen_ai.input.messages`, `gen_ai.output.messages`). */
    captureContent: z.boolean().default(false),
    serviceName: z.string().min(1).max(100).default('self-evolve'),
  })
  .strict();

export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;
