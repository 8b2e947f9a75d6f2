import type { ChatFlow } from '../../src/chat/chat-flow.ts';
import type { Admission } from '../../src/chat/admission.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import type { Logger } from '../../src/logger.ts';
import type { Engine } from '../../src/types.ts';
import type { HistoryReads } from './conversation-history.ts';
import type { SubcommandTable } from './slash-command.ts';

/** Everything the Slack handlers need, built once by `createSlackApp`. */
export interface SlackDeps extends Admission {
  engine: Engine;
  /** The conversation flow mentions and DMs go through. */
  chat: ChatFlow;
  logger: Logger;
  /** The slash command as configured, e.g. `/papers`; used in usage messages. */
  slashCommand: string;
  subcommands: SubcommandTable;
  /** Daily digests; when set, questions in a digest's thread are answered from its papers. */
  digests?: DigestService;
  /** How long a slash-command answer may take before the asker gets an apology instead. */
  answerTimeoutMs: number;
  /** How the conversation before a question is read (within Slack's rate limits). */
  historyReads: HistoryReads;
}
