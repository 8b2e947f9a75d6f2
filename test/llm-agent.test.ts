import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkCitations } from '../src/answer/citation-check.ts';
import { removedNote } from '../src/llm/grounded-answer.ts';
import { openEngine } from '../src/app.ts';
import type { Engine } from '../src/types.ts';
import { startFakeOpenAi, type FakeOpenAi, type RecordedOpenAiRequest } from './fakes/fake-openai.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

let fake: FakeOpenAi;
let bundled: Awaited<ReturnType<typeof makeTestEngine>>;
let engine: Engine;

beforeAll(async () => {
  [fake, bundled] = await Promise.all([startFakeOpenAi(), makeTestEngine()]);
  ({ engine } = await openEngine(
    {
      store: { uri: join(bundled.dir, 'db') },
      embeddings: { kind: 'builtin' },
      corpusPath: 'data/papers.txt',
      llm: { baseURL: fake.baseURL, chatModel: 'fake-chat', timeoutMs: 5000, maxRetries: 0 },
    },
    { seed: false, comparisonAgent: true },
  ));
});
afterAll(async () => {
  await engine?.close();
  await Promise.all([fake?.close(), bundled?.cleanup()]);
});
beforeEach(() => {
  fake.requests.length = 0;
});

const withTools = (r: RecordedOpenAiRequest) => (r.body.tools?.length ?? 0) > 0;
const toolResults = (r: RecordedOpenAiRequest) => (r.body.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));
const sourceNumber = (text: string, title: RegExp) =>
  Number([...text.matchAll(/<source n="(\d+)">\nTitle: ([^\n]*)/g)].find((m) => title.test(m[2]!))?.[1]);

describe('comparison agent (createAgent with our search and paper lookup as tools)', () => {
  it('looks a paper up with a tool, numbers it as a new source, and cites it with a verbatim quote', async () => {
    fake.queue({ toolCalls: [{ name: 'get_paper', args: { idOrTitle: 'Mamba selective state spaces' } }] }, (request) => {
      const mamba = sourceNumber(toolResults(request).join('\n'), /^Mamba/);
      return { text: `HiFi-Codec quantizes audio in groups [1], while Mamba models sequences with selective state spaces [${mamba}]. Both fly [42].` };
    });
    // The question names no second paper, so the one the agent looks up is not among the first sources.
    const answer = await engine.ask('Compare HiFi-Codec with a sequence model');

    const [first, second] = fake.chatRequests();
    expect(first?.body.tools?.map((t) => t.function.name).sort()).toEqual(['get_paper', 'search_papers']);
    const initialSources = [...String(first?.body.messages?.find((m) => m.role === 'user')?.content).matchAll(/<source n="\d+">/g)].length;
    const [lookedUp] = toolResults(second!);
    expect(sourceNumber(lookedUp!, /^Mamba/)).toBe(initialSources + 1);

    expect(answer.mode).toBe('llm');
    // The sentence citing a source the agent never showed goes, with a visible note.
    expect(answer.note).toBe(removedNote(1, 'drop'));
    expect(answer.text).not.toMatch(/\[42\]|fly/);
    const mamba = answer.citations.find((c) => /^Mamba/.test(c.title));
    expect(mamba?.n).toBe(initialSources + 1);
    const papers = await bundled.store.getPapers(answer.citations.map((c) => c.paperId));
    expect(checkCitations(answer, new Map(papers.map((p) => [p.id, p])))).toEqual([]);
  });

  it('stops a model that keeps calling tools after a few calls, then answers without tools', async () => {
    fake.defaultReply = (request) => {
      if (withTools(request)) return { toolCalls: [{ name: 'search_papers', args: { query: 'audio codec' } }] };
      const user = String(request.body.messages?.find((m) => m.role === 'user')?.content);
      return { text: `HiFi-Codec uses group-residual vector quantization [${sourceNumber(user, /^HiFi-Codec/)}].` };
    };
    const answer = await engine.ask('Compare the audio codec papers');

    const agentCalls = fake.chatRequests().filter(withTools);
    const executed = toolResults(agentCalls.at(-1)!).filter((t) => t.includes('<source'));
    expect(executed).toHaveLength(3);
    expect(agentCalls.length).toBeLessThanOrEqual(5);
    expect(fake.chatRequests().at(-1)?.body.tools).toBeUndefined();
    expect(answer.mode).toBe('llm');
    expect(answer.citations[0]?.title).toMatch(/^HiFi-Codec/);
  });

  it('answers other questions without tools', async () => {
    fake.defaultReply = { text: 'HiFi-Codec uses group-residual vector quantization [1].' };
    await engine.ask('How does HiFi-Codec quantize audio?');
    expect(fake.chatRequests()).toHaveLength(1);
    expect(fake.chatRequests()[0]?.body.tools).toBeUndefined();
  });
});
