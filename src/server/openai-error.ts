// Errors in OpenAI's wire format, `{"error": {"message", "type", "param", "code"}}`, so that every
// OpenAI client shows them properly. The server is the one place that maps our errors to HTTP.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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
    return new HttpError(502, `upstream model failed: ${error.message}`, 'upstream_error');
  }
  if (SelfEvolveError.isInstance(error)) {
    return new HttpError(500, error.message, 'server_error', null, error.code);
  }
  return new HttpError(500, 'internal server error', 'server_error');
}

/** Sends an error response in OpenAI's format. */
export function sendError(c: Context, error: unknown): Response {
  const http = toHttpError(error);
  return c.json(http.body(), http.status);
}
