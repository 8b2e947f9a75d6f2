import { answerToSlack, mrkdwnMessage, paperToSlack, plainMessage, searchToSlack } from '../format/slack-blocks.ts';
import { withDeadline } from '../../src/chat/deadline.ts';
import { placeholderFor } from '../../src/chat/messages.ts';
import { escapeMrkdwn } from '../format/slack-mrkdwn.ts';
import { usageOf, type Subcommand, type SubcommandTable } from './slash-command.ts';

const SEARCH_RESULTS = 5;

/** Answers are shared with the channel (that is where the team talks); lookups stay with the asker. */
export const ask: Subcommand = {
  argument: '<question>',
  summary: 'Answer a question from the papers, with [n] citations',
  rateLimited: true,
  placeholder: ({ deps }) => placeholderFor(deps.engine),
  run: async ({ args, deps }) => ({
    visibility: 'in_channel',
    ...answerToSlack(await withDeadline(deps.answerTimeoutMs, (signal) => deps.engine.ask(args, { signal }))),
  }),
};

export const search: Subcommand = {
  argument: '<terms>',
  summary: `The top ${SEARCH_RESULTS} papers for some terms, with a one-line gist each`,
  rateLimited: true,
  run: async ({ args, deps }) => ({
    visibility: 'ephemeral',
    ...searchToSlack(args, await deps.engine.search(args, { k: SEARCH_RESULTS })),
  }),
};

export const paper: Subcommand = {
  argument: '<id or title words>',
  summary: 'Title, link and abstract of one paper',
  rateLimited: true,
  run: async ({ args, deps }) => {
    const found = await deps.engine.paper(args);
    return { visibility: 'ephemeral', ...(found ? paperToSlack(found) : plainMessage(`No paper matches “${args}”.`)) };
  },
};

export const help: Subcommand = {
  summary: 'This help',
  run: async ({ deps }) => {
    const count = await deps.engine.countPapers().catch(() => undefined);
    const about = count === undefined ? 'the papers it has read' : `${count.toLocaleString('en-US')} papers`;
    const lines = Object.entries(deps.subcommands).map(
      ([name, sub]) => `• \`${escapeMrkdwn(usageOf(deps.slashCommand, name, sub))}\` — ${escapeMrkdwn(sub.summary)}`,
    );
    return {
      visibility: 'ephemeral',
      ...mrkdwnMessage(
        [
          `*Paperboy* answers questions about ${about}, with citations.`,
          '• Mention me in a channel, or DM me, with a question: I answer in the thread (in a DM, right there) and follow up in context.',
          `• \`${escapeMrkdwn(deps.slashCommand)} <question>\` is short for \`${escapeMrkdwn(deps.slashCommand)} ask <question>\`.`,
          ...lines,
        ].join('\n'),
      ),
    };
  },
};

/** The built-in subcommands; the digest feature adds its own entries next to these. */
export const defaultSubcommands: SubcommandTable = { ask, search, paper, help };
