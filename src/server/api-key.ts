// The API key check of `serve`: `Authorization: Bearer <key>` exactly, compared as sha256 digests
// in constant time, so neither the key's bytes nor its length show in the response time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { HttpError, sendError } from './openai-error.js';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when `header` is `Bearer <key>` (the scheme in any case, then one or more spaces). */
export function isAuthorized(header: string | undefined, expected: Buffer): boolean {
  const given = /^Bearer +(.*)$/i.exec(header ?? '')?.[1];
  // Always compare, so a missing or malformed header takes as long as a wrong key.
  const same = timingSafeEqual(digest(given ?? ''), expected);
  return given !== undefined && same;
}

/** Middleware: a 401 in OpenAI's format unless the request carries `key`. Never logs a key. */
export function bearerKey(key: string) {
  const expected = digest(key);
  return async (c: Context, next: () => Promise<void>) => {
    if (!isAuthorized(c.req.header('authorization'), expected)) {
      return sendError(
        c,
        new HttpError(
          401,
          'missing or incorrect API key: send "Authorization: Bearer <key>"',
          'invalid_request_error',
          null,
          'invalid_api_key',
        ),
      );
    }
    await next();
  };
}
