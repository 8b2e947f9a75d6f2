import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine, type OpenedEngine } from '../../src/app.ts';
import { openQuestionClaims, type QuestionClaims } from '../../src/store/question-claims.ts';
import type { Engine } from '../../src/types.ts';

export const BUNDLED_CORPUS = 'data/papers.txt';

/**
 * A real engine over a real LanceDB in a fresh temp directory, seeded with `corpusPath`
 * (the bundled 98 papers by default) through the normal ingest path.
 */
export async function makeTestEngine({ corpusPath = BUNDLED_CORPUS }: { corpusPath?: string } = {}): Promise<
  { engine: Engine; cleanup(): Promise<void> } & Omit<OpenedEngine, 'engine'> & { dir: string; claims: QuestionClaims }
> {
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-test-'));
  const opened = await openEngine({ store: { uri: join(dir, 'db') }, embeddings: { kind: 'builtin' }, corpusPath });
  return {
    ...opened,
    dir,
    // The chat adapters' question ledger, in the same database as a running bot keeps it.
    claims: await openQuestionClaims(opened.store.connection),
    async cleanup() {
      await opened.engine.close();
      // An answer still finishing (a Discord bot does not wait for its answers on stop) may write its claim late.
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}
