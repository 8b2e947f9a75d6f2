import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkCitations } from '../src/answer/citation-check.ts';
import { removedNote } from '../src/llm/grounded-answer.ts';
import { openEngine } from '../src/app.ts';
import { createEngine } from '../src/engine.ts';
import { createLlm, type LlmConfig } from '../src/llm/create-llm.ts';
import { FALLBACK_NOTES } from '../src/llm/llm-composer.ts';
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

/** The question budget's clock: real time plus whatever a test says a step took. */
const clock = { skewMs: 0, now: () => Date.now() + clock.skewMs };
beforeEach(() => {
  clock.skewMs = 0;
});

/** An engine with the comparison agent whose budget is measured on `clock`. */
async function agentEngine(overrides: Partial<LlmConfig>): Promise<Engine> {
  const config: LlmConfig = { baseURL: fake.baseURL, chatModel: 'fake-chat', timeoutMs: 5000, maxRetries: 0, ...overrides };
  const llm = await createLlm(config, {
    retry: { now: clock.now },
    comparisonAgent: {
      search: (query, paperIds) => bundled.retriever.retrieve(query, { k: 4, paperIds }),
      lookup: (idOrTitle) => bundled.engine.paper(idOrTitle),
    },
  });
  return createEngine({ store: bundled.store, embedder: bundled.embedder, composer: llm.composer, condense: llm.condense, modelBudgetMs: config.timeoutMs, now: clock.now });
}

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

  it('with LLM_VERIFY, sends the agent\'s answer to the verifier and drops the sentence it judges unsupported', async () => {
    const verified = await agentEngine({ verify: true });
    const supported = (n: number) => `HiFi-Codec uses a group-residual vector quantization technique [${n}]. HiFi-Codec only requires 4 codebooks [${n}].`;
    fake.queue((request) => ({ text: supported(sourceNumber(String(request.body.messages?.find((m) => m.role === 'user')?.content), /^HiFi-Codec/)) }), {
      text: '{"verdicts": [{"n": 1, "supported": true}, {"n": 2, "supported": false}]}',
    });
    const answer = await verified.ask('Compare HiFi-Codec with other audio codecs');

    const [agent, verifier] = fake.chatRequests();
    expect(withTools(agent!)).toBe(true);
    expect(String(verifier?.body.messages?.find((m) => m.role === 'user')?.content)).toMatch(/<claim n="2">\nSentence: HiFi-Codec only requires 4 codebooks \[\d+\]\./);
    expect(answer.mode).toBe('llm');
    expect(answer.text).toMatch(/^HiFi-Codec uses a group-residual vector quantization technique \[\d+\]\.$/);
    expect(answer.note).toBe(removedNote(1, 'drop'));
  });

  it('stops within the question\'s one budget: no model turn, verification or second answer once it is spent', async () => {
    const budgeted = await agentEngine({ verify: true, timeoutMs: 2000 });
    // The first turn asks for a search, and the budget is spent by the time its result is back.
    fake.queue(() => {
      clock.skewMs = 2000;
      return { toolCalls: [{ name: 'search_papers', args: { query: 'audio codec' } }] };
    });
    fake.defaultReply = { text: 'HiFi-Codec uses a group-residual vector quantization technique [1].' };
    const answer = await budgeted.ask('Compare the audio codec papers');

    expect(fake.chatRequests()).toHaveLength(1);
    expect(answer.mode).toBe('extractive');
    expect(answer.note).toBe(FALLBACK_NOTES.failed);
  });
});
