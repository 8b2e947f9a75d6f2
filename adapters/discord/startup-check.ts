/**
 * Before logging in: can Discord's REST API be reached at the configured URL, and does it accept
 * the token? Each failure becomes one line naming the setting to fix, within a bounded time.
 */
import { REST, Routes } from 'discord.js';
import { PaperboyError } from '../../src/errors.ts';

/** Three attempts of at most 5 s: a bad setting is named well within 30 s. */
const STARTUP_REST = { retries: 2, timeout: 5_000 } as const;
const DEFAULT_DISCORD_API_URL = 'https://discord.com/api';

export const TOKEN_REJECTED = 'Discord rejected DISCORD_TOKEN. Copy the bot token from the Developer Portal (your app → Bot → Reset Token).';

/**
 * `GET /gateway/bot` with the bot token; throws a PaperboyError saying which of DISCORD_API_URL or
 * DISCORD_TOKEN to fix.
 *
 * @example await checkDiscordApi({ token: config.discord.token, apiUrl: config.discord.apiUrl });
 */
export async function checkDiscordApi({ token, apiUrl }: { token: string; apiUrl?: string }): Promise<void> {
  const rest = new REST({ ...STARTUP_REST, ...(apiUrl !== undefined && { api: apiUrl }) }).setToken(token);
  try {
    await rest.get(Routes.gatewayBot());
  } catch (error) {
    throw new PaperboyError('platform', startupFailure(error, apiUrl), { cause: error });
  }
}

function startupFailure(error: unknown, apiUrl: string | undefined): string {
  const where = apiUrl === undefined ? `Discord (${DEFAULT_DISCORD_API_URL}; set DISCORD_API_URL for a proxy)` : `DISCORD_API_URL (${apiUrl})`;
  const { status } = error as { status?: number };
  if (status === 401) return TOKEN_REJECTED;
  if (status === 404) return `${where} answered HTTP 404 for /gateway/bot: it must be the REST base, ending in /api (e.g. https://discord.com/api).`;
  if (status !== undefined) return `${where} answered HTTP ${status} for /gateway/bot; check DISCORD_API_URL, or try again if Discord is down.`;
  const { code, name } = error as { code?: unknown; name?: string };
  const reason = typeof code === 'string' ? code : (name ?? 'error');
  return `Cannot reach ${where} (${reason}): check the network, a proxy, or DISCORD_API_URL.`;
}
