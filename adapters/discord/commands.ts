/**
 * Slash command definitions as plain data: `register.ts` sends them to Discord and the handlers
 * read option names from the same constants, so the two cannot drift apart.
 */
import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { digestSubcommands } from './digest-subcommands.ts';

export const COMMAND = { ask: 'ask', search: 'search', paper: 'paper', digest: 'digest' } as const;
export const OPTION = { question: 'question', query: 'query', title: 'title' } as const;

/** Discord's cap on string option values. */
const MAX_STRING_OPTION = 6000;

/** Guilds and DMs with the bot; installed to a server. */
const where: Pick<RESTPostAPIChatInputApplicationCommandsJSONBody, 'integration_types' | 'contexts'> = {
  integration_types: [ApplicationIntegrationType.GuildInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
};

const baseCommands: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    name: COMMAND.ask,
    description: 'Ask a question about the papers; the answer cites its sources.',
    ...where,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: OPTION.question,
        description: 'Your question, e.g. "Which papers improve speech recognition?"',
        required: true,
        max_length: MAX_STRING_OPTION,
      },
    ],
  },
  {
    name: COMMAND.search,
    description: 'The 5 papers that best match a query, with a one-line gist each.',
    ...where,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: OPTION.query,
        description: 'Words to search for',
        required: true,
        max_length: MAX_STRING_OPTION,
      },
    ],
  },
  {
    name: COMMAND.paper,
    description: "Show one paper's title, link and abstract.",
    ...where,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: OPTION.title,
        description: 'Start typing a title, then pick a paper',
        required: true,
        autocomplete: true,
      },
    ],
  },
];

/** Every command Paperboy registers. `/digest` appears once the digest feature adds subcommands. */
export const commands: RESTPostAPIChatInputApplicationCommandsJSONBody[] =
  digestSubcommands.length === 0
    ? baseCommands
    : [
        ...baseCommands,
        {
          name: COMMAND.digest,
          description: 'Daily paper digests for this channel.',
          ...where,
          // A channel's digest is a moderator's choice: server channels only, and hidden from members
          // without Manage Channels unless the server opens it up (Integrations settings).
          contexts: [InteractionContextType.Guild],
          dm_permission: false,
          default_member_permissions: PermissionFlagsBits.ManageChannels.toString(),
          options: digestSubcommands.map((s) => s.definition),
        },
      ];
