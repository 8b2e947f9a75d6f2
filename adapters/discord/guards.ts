/** What the log may see of a Discord error (never the interaction token). */
/**
 * An error as the log should see it. discord.js REST errors carry the request URL, which for
 * interaction replies contains the interaction token, and the request body; keep what explains
 * the failure and drop the rest.
 */
export function errorForLog(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, status, method } = error as Error & Partial<Record<'code' | 'status' | 'method', unknown>>;
  return {
    name: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    ...(status === undefined ? {} : { status }),
    ...(method === undefined ? {} : { method }),
    stack: error.stack,
    ...(error.cause === undefined ? {} : { cause: errorForLog(error.cause) }),
  };
}
