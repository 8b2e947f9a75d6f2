import type { Logger } from '../../src/logger.ts';
import type { SlackDeps } from './deps.ts';

/**
 * The papers of the digest whose thread a question was asked in (a digest's thread root is its
 * top-level message), for `engine.ask({ paperIds })`. Undefined outside a thread, outside a digest's
 * thread, when digests are off, or when the lookup fails: then the question is answered from everything.
 */
export async function digestPaperIds(
  { channel, threadTs }: { channel: string; threadTs?: string },
  { digests }: Pick<SlackDeps, 'digests'>,
  log: Logger,
): Promise<string[] | undefined> {
  if (digests === undefined || threadTs === undefined) return undefined;
  try {
    return await digests.papersForThread('slack', channel, threadTs);
  } catch (err) {
    log.warn({ err, channel, threadTs }, 'could not look up the digest of this thread; answering from all papers');
    return undefined;
  }
}
