/** `npm run discord:register`: pushes the slash commands to Discord and prints the invite URL. */
import { loadConfig } from '../../src/config.ts';
import { inviteUrl, registerCommands } from './register-commands.ts';

try {
  const { discord } = loadConfig();
  if (!discord?.appId) {
    throw new Error(
      'Set DISCORD_TOKEN and DISCORD_APP_ID (Developer Portal → your app → Bot / General Information) to register commands.',
    );
  }
  const names = await registerCommands({
    token: discord.token,
    appId: discord.appId,
    guildId: discord.guildId,
    apiUrl: discord.apiUrl,
  });
  const where = discord.guildId ? `to guild ${discord.guildId} (instant)` : 'globally (can take a few minutes to reach every client)';
  console.log(`Registered ${names.map((n) => `/${n}`).join(', ')} ${where}.`);
  console.log(`Invite the bot: ${inviteUrl(discord.appId)}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
