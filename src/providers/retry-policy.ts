// When and how long to retry a failed model call: which failures are transient (408/409/429/5xx,
// network errors, timeouts, truncated bodies), how long the server asked us to wait, and backoff.

/** How a guarded model retries. Delays are in milliseconds. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly maxRetries: number;
  /** First backoff ceiling; doubles each attempt (full jitter picks a delay below it). */
  readonly baseDelayMs: number;
  /** Upper bound for one backoff delay. */
  readonly maxDelayMs: number;
  /** Upper bound for a server's `Retry-After`, so a hostile header cannot stall a run. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

const RETRYABLE_STATUS = new Set([408, 409, 429]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** True for statuses worth retrying: 408, 409, 429 and every 5xx. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status !== undefined && (RETRYABLE_STATUS.has(status) || (status >= 500 && status < 600));
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  status?: unknown;
  isRetryable?: unknown;
  cause?: unknown;
}

/** The errors in a `cause` chain, outermost first (bounded, in case of cycles). */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current = error;
  while (current && typeof current === 'object' && chain.length < 8) {
    chain.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return chain;
}

/** The HTTP status carried by an error from any client (AI SDK, openai, ours), if any. */
export function statusOf(error: unknown): number | undefined {
  for (const e of causeChain(error)) {
    const status = typeof e.statusCode === 'number' ? e.statusCode : e.status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

/**
 * Whether a failed call may succeed if repeated: retryable statuses, network errors, per-attempt
 * timeouts and bodies that ended early (a 200 whose JSON does not parse). Never a caller's abort.
 */
export function isRetryableError(error: unknown): boolean {
  const chain = causeChain(error);
  const status = statusOf(error);
  if (status !== undefined && status !== 200) return isRetryableStatus(status);
  for (const e of chain) {
    if (e.isRetryable === true) return true;
    if (e.name === 'TimeoutError' || e.name === 'JSONParseError') return true;
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && /invalid json response|fetch failed/i.test(e.message)) {
      return true;
    }
  }
  return false;
}

/**
 * How long the server asked us to wait, from `retryAfterMs` on our errors or the `retry-after`
 * (seconds or HTTP date) / `retry-after-ms` response headers on AI SDK and openai errors.
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  for (const e of causeChain(error)) {
    const own = (e as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof own === 'number') return own;
    const headers = headersOf(e);
    if (!headers) continue;
    const ms = Number(headers['retry-after-ms']);
    if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms)) return Math.max(0, ms);
    const value = headers['retry-after'];
    if (value === undefined) continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

function headersOf(e: ErrorLike): Record<string, string> | undefined {
  const raw =
    (e as { responseHeaders?: unknown; headers?: unknown }).responseHeaders ??
    (e as { headers?: unknown }).headers;
  if (!raw || typeof raw !== 'object') return undefined;
  if (typeof (raw as Headers).get === 'function') {
    return Object.fromEntries((raw as Headers).entries());
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/**
 * Delay before retry number `attempt` (0-based): the server's Retry-After when given (capped),
 * else full jitter, a uniform draw below min(maxDelay, base * 2^attempt).
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const asked = retryAfterMs(error);
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
