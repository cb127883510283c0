// The cheap call that proves an OpenAI-compatible endpoint is there before a run starts: `GET
// /models` with the configured key, so a dead port or a rejected key fails at once, with the URL,
// instead of after the first stage.
import { ProviderError } from '../spec/errors.js';

const TIMEOUT_MS = 10_000;

/** Resolves when `GET <baseURL>/models` answers; a clear ProviderError otherwise. */
export async function probeEndpoint(
  baseURL: string,
  apiKeyEnv: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  what = 'model',
): Promise<void> {
  const url = `${baseURL.replace(/\/+$/, '')}/models`;
  const key = apiKeyEnv ? env[apiKeyEnv] : undefined;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    type Cause = { code?: string; message?: string; errors?: { code?: string }[] };
    const inner = (error as { cause?: Cause }).cause;
    const code = inner?.code ?? inner?.errors?.[0]?.code ?? (error as Error).name;
    const reason =
      code === 'ECONNREFUSED'
        ? 'connection refused: is the server running?'
        : code === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (inner?.message ?? (error as Error).message);
    throw new ProviderError(`cannot reach the ${what} at ${baseURL} (${reason})`, {
      isRetryable: true,
      hint: 'start the server, or fix baseURL in the config',
    });
  }
  await response.body?.cancel();
  if (response.status === 401 || response.status === 403) {
    throw new ProviderError(
      `the ${what} at ${baseURL} rejected the API key (HTTP ${response.status})`,
      {
        statusCode: response.status,
        hint: apiKeyEnv
          ? `check the key in $${apiKeyEnv}`
          : 'set apiKeyEnv to the variable holding the key',
      },
    );
  }
  // Some servers have no /models: any other answer still proves the server is there.
  if (response.status >= 500) {
    throw new ProviderError(
      `the ${what} at ${baseURL} answered HTTP ${response.status} to GET /models`,
      {
        statusCode: response.status,
        isRetryable: true,
      },
    );
  }
}
