import { describe, expect, it } from 'vitest';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { groundingJson, readGroundingSet, runGrounding } from '../src/eval/run-grounding.ts';

describe('grounding report as JSON', () => {
  it('gives each sentence its index, whether it was kept, and the verdict and reason of a rejection', async () => {
    const items = readGroundingSet('eval/grounding-train.jsonl').slice(0, 2);
    const report = runGrounding(items, await readPaperFile('data/papers.txt'));
    const json = groundingJson(report);
    expect(json.items.map((i) => i.id)).toEqual(items.map((i) => i.id));
    const sentences = json.items.flatMap((i) => i.sentences);
    expect(sentences).toHaveLength(items.flatMap((i) => i.sentences).length);
    expect(json.items[0]!.sentences.map((s) => s.index)).toEqual(items[0]!.sentences.map((_s, i) => i));
    const rejected = sentences.filter((s) => !s.kept);
    expect(rejected.length).toBeGreaterThan(0);
    for (const s of rejected) expect(s).toMatchObject({ verdict: expect.not.stringMatching(/^(?:supported|framing)$/), reason: expect.any(String) });
    for (const s of sentences.filter((x) => x.kept)) expect(s.reason).toBeUndefined();
  });
});
