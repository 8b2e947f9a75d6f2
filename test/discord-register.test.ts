import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BOT_PERMISSIONS, inviteUrl, registerCommands } from '../adapters/discord/register-commands.ts';
import { startFakeDiscord, type RecordedRequest } from './fakes/fake-discord.ts';

const TOKEN = 'register-token-abc123';

interface CommandBody {
  name: string;
  description: string;
  options?: { type: number; name: string; required?: boolean; autocomplete?: boolean }[];
}

async function fakeDiscord() {
  const fake = await startFakeDiscord({ token: TOKEN });
  onTestFinished(() => fake.close());
  return fake;
}

function expectPaperboyCommands(request: RecordedRequest): void {
  expect(request.method).toBe('PUT');
  expect(request.headers.authorization).toBe(`Bot ${TOKEN}`);
  const commands = request.body as CommandBody[];
  expect(commands.map((c) => c.name)).toEqual(['ask', 'search', 'paper', 'digest']);
  const option = (name: string) => commands.find((c) => c.name === name)!.options![0]!;
  expect(option('ask')).toMatchObject({ type: ApplicationCommandOptionType.String, name: 'question', required: true });
  expect(option('search')).toMatchObject({ type: ApplicationCommandOptionType.String, name: 'query', required: true });
  expect(option('paper')).toMatchObject({ type: ApplicationCommandOptionType.String, name: 'title', required: true, autocomplete: true });
  // Changing a channel's digest is for moderators (Manage Channels = 16), in servers only.
  expect(commands.find((c) => c.name === 'digest')).toMatchObject({ default_member_permissions: '16', contexts: [0], dm_permission: false });
  for (const command of commands) {
    expect(command.description.length).toBeGreaterThan(0);
    expect(command.description.length).toBeLessThanOrEqual(100);
  }
}

describe('registerCommands', () => {
  it('puts the commands to one guild when a guild id is given', async () => {
    const fake = await fakeDiscord();
    const names = await registerCommands({ token: TOKEN, appId: fake.appId, guildId: fake.guildId, apiUrl: fake.apiUrl });
    expect(names).toEqual(['ask', 'search', 'paper', 'digest']);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.route).toBe(`/applications/${fake.appId}/guilds/${fake.guildId}/commands`);
    expectPaperboyCommands(fake.requests[0]!);
  });

  it('puts the commands globally otherwise', async () => {
    const fake = await fakeDiscord();
    await registerCommands({ token: TOKEN, appId: fake.appId, apiUrl: fake.apiUrl });
    expect(fake.requests.map((r) => r.route)).toEqual([`/applications/${fake.appId}/commands`]);
    expectPaperboyCommands(fake.requests[0]!);
  });

  it('fails on a rejected token', async () => {
    const fake = await fakeDiscord();
    await expect(registerCommands({ token: 'nope', appId: fake.appId, apiUrl: fake.apiUrl })).rejects.toMatchObject({ status: 401 });
  });
});

describe('inviteUrl', () => {
  it('asks for the bot and applications.commands scopes with only the permissions the bot uses', () => {
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    // View Channel, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links, Read Message History.
    expect(BigInt(url.searchParams.get('permissions')!)).toBe(
      (1n << 10n) | (1n << 11n) | (1n << 38n) | (1n << 35n) | (1n << 14n) | (1n << 16n),
    );
  });

  it('is the URL the README tells people to open', async () => {
    const readme = await readFile('README.md', 'utf8');
    const documented = [...readme.matchAll(/authorize\?client_id=<APP_ID>&scope=bot\+applications\.commands&permissions=(\d+)/g)].map((m) => m[1]);
    expect(documented).toEqual([BOT_PERMISSIONS.toString()]);
  });
});

describe('npm run discord:register', () => {
  it('registers to the configured guild and prints the invite URL', async () => {
    const fake = await fakeDiscord();
    // An empty working directory, so no local .env leaks into the run.
    const cwd = await mkdtemp(join(tmpdir(), 'paperboy-register-'));
    onTestFinished(() => rm(cwd, { recursive: true, force: true }));
    const { stdout } = await promisify(execFile)(resolve('node_modules/.bin/tsx'), [resolve('adapters/discord/register.ts')], {
      cwd,
      env: {
        PATH: process.env.PATH,
        DISCORD_TOKEN: TOKEN,
        DISCORD_APP_ID: fake.appId,
        DISCORD_GUILD_ID: fake.guildId,
        DISCORD_API_URL: fake.apiUrl,
      },
    });
    expect(fake.requests.map((r) => r.route)).toEqual([`/applications/${fake.appId}/guilds/${fake.guildId}/commands`]);
    expect(stdout).toBe(
      `Registered /ask, /search, /paper, /digest to guild ${fake.guildId} (instant).\nInvite the bot: ${inviteUrl(fake.appId)}\n`,
    );
  });

  it('explains what to set when DISCORD_APP_ID is missing', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'paperboy-register-'));
    onTestFinished(() => rm(cwd, { recursive: true, force: true }));
    const run = promisify(execFile)(resolve('node_modules/.bin/tsx'), [resolve('adapters/discord/register.ts')], {
      cwd,
      env: { PATH: process.env.PATH, DISCORD_TOKEN: TOKEN },
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('DISCORD_APP_ID') as unknown });
  });
});
