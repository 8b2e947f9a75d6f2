import type { App } from '@slack/bolt';
import type { SlackDeps } from './deps.ts';
import { onAppMention, onDirectMessage } from './event-handlers.ts';
import { onSlashCommand, onUnknownSlashCommand } from './slash-command.ts';

/** Wires every Slack listener to its handler; the one place to see what the bot listens to. */
export function register(app: App, deps: SlackDeps): void {
  app.event('app_mention', (args) => onAppMention(args, deps));
  app.message((args) => onDirectMessage(args, deps));
  app.command(deps.slashCommand, (args) => onSlashCommand(args, deps));
  app.command(/.*/, (args) => onUnknownSlashCommand(args, deps));
}
