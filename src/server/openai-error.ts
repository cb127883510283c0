// Errors in OpenAI's wire format, `{"error": {"message", "type", "param", "code"}}`, so that every
// OpenAI client shows them properly. The server is the one place that maps our errors to HTTP.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import {
  CancelledError,
  ContextLengthError,
  InvalidInputError,
  ProviderError,
  SelfEvolveError,
} from '../spec/errors.js';

/** The body OpenAI returns for a failed request. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A failure that the server answers with `status` and an OpenAI error body. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly type = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  body(): OpenAIErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

/**
 * A 400 for the first problem zod found in a request, `param` set to its path (prefixed with
 * `at`). A value past a bound says the bound and that it is the server's limit.
 */
export function invalidRequest(issues: readonly z.core.$ZodIssue[], at = ''): HttpError {
  const issue = issues[0];
  const param = [at, ...issue.path.map(String)].filter(Boolean).join('.') || null;
  let message = issue.message;
  if (issue.code === 'too_big') {
    const unit = { array: ' items', string: ' characters' }[issue.origin as string] ?? '';
    const bound = issue.inclusive === false ? 'less than' : 'at most';
    message = `must be ${bound} ${issue.maximum}${unit} (the server's limit)`;
  }
  return new HttpError(
    400,
    param ? `${param}: ${message}` : message,
    'invalid_request_error',
    param,
  );
}

/** Maps any thrown value to an HttpError; unknown errors become a 500 with a generic message. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ContextLengthError) {
    return new HttpError(
      400,
      error.message,
      'invalid_request_error',
      'messages',
      'context_length_exceeded',
    );
  }
  if (error instanceof InvalidInputError) {
    return new HttpError(400, error.message, 'invalid_request_error', error.at.field ?? null);
  }
  if (error instanceof CancelledError) return new HttpError(503, error.message, 'server_error');
  if (error instanceof ProviderError) {
    // The upstream refused the request itself (a prompt too long for it, a bad value): the
    // client's to fix, so a 400 with the upstream's reason; anything else is the upstream's fault.
    if (error.statusCode !== undefined && REFUSALS.includes(error.statusCode)) {
      const upstream = upstreamError(error);
      return new HttpError(
        400,
        `the upstream model refused the request: ${upstream.message ?? error.message}`,
        'invalid_request_error',
        upstream.param ?? null,
        upstream.code ?? null,
      );
    }
    return new HttpError(502, `upstream model failed: ${error.message}`, 'upstream_error');
  }
  if (SelfEvolveError.isInstance(error)) {
    return new HttpError(500, error.message, 'server_error', null, error.code);
  }
  return new HttpError(500, 'internal server error', 'server_error');
}

/** Upstream statuses that mean "this request cannot be answered as sent". */
const REFUSALS = [400, 413, 422];

/** The OpenAI error body an upstream sent, found along the error's causes. */
function upstreamError(error: unknown): Partial<OpenAIErrorBody['error']> {
  for (let e = error as { cause?: unknown; responseBody?: unknown } | undefined; e; ) {
    if (typeof e.responseBody === 'string') {
      try {
        const body = JSON.parse(e.responseBody) as Partial<OpenAIErrorBody>;
        if (body.error && typeof body.error === 'object') return body.error;
      } catch {
        // not JSON: use our own message
      }
    }
    e = e.cause as typeof e;
  }
  return {};
}

/** Sends an error response in OpenAI's format. */
export function sendError(c: Context, error: unknown): Response {
  const http = toHttpError(error);
  return c.json(http.body(), http.status);
}
