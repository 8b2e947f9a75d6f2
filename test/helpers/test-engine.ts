import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine, type OpenedEngine } from '../../src/app.ts';
import type { Engine } from '../../src/types.ts';

export const BUNDLED_CORPUS = 'data/papers.txt';

/**
 * A real engine over a real LanceDB in a fresh temp directory, seeded with `corpusPath`
 * (the bundled 98 papers by default) through the normal ingest path.
 */
export async function makeTestEngine({ corpusPath = BUNDLED_CORPUS }: { corpusPath?: string } = {}): Promise<
  { engine: Engine; cleanup(): Promise<void> } & Omit<OpenedEngine, 'engine'> & { dir: string }
> {
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-test-'));
  const opened = await openEngine({ store: { uri: join(dir, 'db') }, embeddings: { kind: 'builtin' }, corpusPath });
  return {
    ...opened,
    dir,
    async cleanup() {
      await opened.engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
