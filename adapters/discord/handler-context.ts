import type { Config } from '../../src/config.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import type { Logger } from '../../src/logger.ts';
import type { Engine } from '../../src/types.ts';
import type { RateLimiter } from '../shared/rate-limit.ts';

/** What every Discord handler needs; built once by `createDiscordBot`. */
export interface DiscordHandlerContext {
  engine: Engine;
  logger: Logger;
  limits: Config['limits'];
  rateLimiter: RateLimiter;
  /** How long an engine call may take before the user gets a short error instead. */
  answerTimeoutMs: number;
  /** Least time between edits of a streaming answer (default: Discord's rate limit with headroom). */
  streamEditIntervalMs?: number;
  /** Daily digests (`/digest`, questions in a digest's thread); absent when the feature is off. */
  digests?: DigestService;
}
