import type { Admission } from '../../src/chat/admission.ts';
import type { ChatFlow } from '../../src/chat/chat-flow.ts';
import type { DigestService } from '../../src/digest/digest-service.ts';
import type { Logger } from '../../src/logger.ts';
import type { Engine } from '../../src/types.ts';

/** What every Discord handler needs; built once by `createDiscordBot`. */
export interface DiscordHandlerContext extends Admission {
  engine: Engine;
  /** The conversation flow `/ask` and mentions go through. */
  chat: ChatFlow;
  logger: Logger;
  /** How long a search or lookup may take before the user gets a short error instead. */
  answerTimeoutMs: number;
  /** Daily digests (`/digest`, questions in a digest's thread); absent when the feature is off. */
  digests?: DigestService;
}
