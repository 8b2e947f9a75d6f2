import type { Config } from '../../src/config.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import type { Logger } from '../../src/logger.ts';
import type { Engine } from '../../src/types.ts';
import type { RateLimiter } from '../shared/rate-limit.ts';
import type { Deduper } from './dedupe.ts';
import type { SubcommandTable } from './slash-command.ts';

/** Everything the Slack handlers need, built once by `createSlackApp`. */
export interface SlackDeps {
  engine: Engine;
  logger: Logger;
  limits: Config['limits'];
  rateLimiter: RateLimiter;
  deduper: Deduper;
  /** The slash command as configured, e.g. `/papers`; used in usage messages. */
  slashCommand: string;
  subcommands: SubcommandTable;
  /** Daily digests; when set, questions in a digest's thread are answered from its papers. */
  digests?: DigestService;
  /** Least time between edits of a streaming answer (default: Slack's rate limit with headroom). */
  streamEditIntervalMs?: number;
}
