/**
 * Before Bolt starts: can Slack be reached at the configured URL, and does it accept the bot token?
 * Each failure becomes one line naming the setting to fix, within a bounded time.
 */
import { webApi } from '@slack/bolt';
import { PaperboyError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { createBoltLogger } from './bolt-logger.ts';
import { DEFAULT_SLACK_API_URL, STARTUP_CLIENT_OPTIONS } from './web-client-policy.ts';

/** Slack's answers to a bad or revoked token. */
export const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

const BOT_TOKEN_HINT = 'copy the Bot User OAuth Token (xoxb-…) under OAuth & Permissions into .env, and reinstall the app if it was changed';

/**
 * Calls `auth.test` with the bot token and a short retry policy; throws a PaperboyError saying which
 * of SLACK_API_URL or SLACK_BOT_TOKEN to fix.
 *
 * @example await checkSlackApi({ botToken: config.slack.botToken, apiUrl: config.slack.apiUrl }, logger);
 */
export async function checkSlackApi({ botToken, apiUrl }: { botToken: string; apiUrl?: string }, logger: Logger): Promise<void> {
  const base = apiUrl === undefined ? DEFAULT_SLACK_API_URL : apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  // Each failed attempt would log a warning; the one line that matters is the error thrown below.
  const quiet = logger.child({ component: 'slack-startup' }, { level: 'error' });
  const client = new webApi.WebClient(botToken, { slackApiUrl: base, ...STARTUP_CLIENT_OPTIONS, logger: createBoltLogger(quiet) });
  try {
    await client.auth.test();
  } catch (err) {
    throw new PaperboyError('platform', startupFailure(err, base, apiUrl !== undefined), { cause: err });
  }
}

function startupFailure(err: unknown, base: string, configured: boolean): string {
  const where = configured ? `SLACK_API_URL (${base})` : `the Slack Web API (${base}; set SLACK_API_URL for GovSlack or a proxy)`;
  const { code, data, statusCode, original } = err as Partial<{ code: string; data: { error?: string }; statusCode: number; original: Error }>;
  if (code === webApi.ErrorCode.PlatformError) {
    const error = data?.error ?? 'unknown_error';
    return AUTH_ERRORS.has(error) ? `Slack rejected SLACK_BOT_TOKEN (${error}): ${BOT_TOKEN_HINT}.` : `Slack refused auth.test (${error}) at ${where}.`;
  }
  if (code === webApi.ErrorCode.HTTPError) {
    return statusCode === 404
      ? `${where} answered HTTP 404 for auth.test: it must be the Web API base, ending in /api/ (e.g. https://slack.com/api/).`
      : `${where} answered HTTP ${statusCode} for auth.test; check SLACK_API_URL, or try again if Slack is down.`;
  }
  const cause = original ?? (err instanceof Error ? err : undefined);
  const root = cause?.cause as { code?: string; message?: string } | undefined;
  const reason = root?.code ?? root?.message ?? cause?.name ?? 'error';
  if (code === webApi.ErrorCode.RequestError) return `Cannot reach ${where} (${reason}): check the network, a proxy, or SLACK_API_URL.`;
  // A 200 that is not the Web API's JSON, e.g. a web page at a wrong URL.
  return `${where} did not answer like the Slack Web API (${cause?.message ?? String(err)}): check SLACK_API_URL.`;
}
