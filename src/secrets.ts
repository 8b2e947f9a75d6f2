/** Names of settings whose values must never reach a log (a leaf: the logger and config both use it). */
export const SECRET_KEYS = [
  'OPENAI_API_KEY',
  'LANCEDB_API_KEY',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'DISCORD_TOKEN',
] as const;
