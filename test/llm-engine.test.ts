import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { checkCitations } from '../src/answer/citation-check.ts';
import { createEmbedder } from '../src/embeddings/create-embedder.ts';
import { createEngine } from '../src/engine.ts';
import { createLlm, type LlmConfig } from '../src/llm/create-llm.ts';
import { ABSTAIN_SENTINEL } from '../src/llm/grounded-answer.ts';
import { FALLBACK_NOTES } from '../src/llm/llm-composer.ts';
import { createLogger } from '../src/logger.ts';
import { openEngine } from '../src/app.ts';
import type { Answer, Engine } from '../src/types.ts';
import { startFakeOpenAi, type FakeOpenAi, type RecordedOpenAiRequest } from './fakes/fake-openai.ts';
import { makeTestEngine } from './helpers/test-engine.ts';

const API_KEY = 'sk-test-do-not-log-0123456789';
const QUESTION = 'Which papers compare encoder-decoder and decoder-only language models?';

let fake: FakeOpenAi;
let bundled: Awaited<ReturnType<typeof makeTestEngine>>;
let logLines: string[];
/** Backoff delays the composer asked for, instead of sleeping through them. */
let delays: number[];

beforeAll(async () => {
  [fake, bundled] = await Promise.all([startFakeOpenAi(), makeTestEngine()]);
});
afterAll(async () => {
  await Promise.all([fake?.close(), bundled?.cleanup()]);
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.defaultReply = { text: 'Both designs are compared [1].' };
  logLines = [];
  delays = [];
});

/** The real engine over the bundled corpus, answering through ChatOpenAI against the fake. */
async function llmEngine(overrides: Partial<LlmConfig> = {}): Promise<Engine> {
  const logger = createLogger(
    'info',
    [API_KEY],
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  const config: LlmConfig = { apiKey: API_KEY, baseURL: fake.baseURL, chatModel: 'fake-chat', timeoutMs: 5000, maxRetries: 2, ...overrides };
  const llm = await createLlm(config, {
    logger,
    retry: {
      baseDelayMs: 200,
      sleep: async (ms) => {
        delays.push(ms);
      },
    },
  });
  return createEngine({ store: bundled.store, embedder: bundled.embedder, logger, composer: llm.composer, condense: llm.condense });
}

function messagesOf(request: RecordedOpenAiRequest | undefined): { system: string; user: string } {
  const messages = request?.body.messages ?? [];
  return { system: messages.find((m) => m.role === 'system')?.content ?? '', user: messages.find((m) => m.role === 'user')?.content ?? '' };
}

function sourceCount(request: RecordedOpenAiRequest | undefined): number {
  return [...messagesOf(request).user.matchAll(/<source n="\d+">/g)].length;
}

function loggedUsage(): { totalTokens: number } | undefined {
  return logLines.map((l) => JSON.parse(l) as { msg: string; usage?: { totalTokens: number } }).find((l) => l.msg === 'LLM answer token usage')?.usage;
}

async function expectVerifiable(answer: Answer) {
  const papers = await bundled.store.getPapers(answer.citations.map((c) => c.paperId));
  expect(checkCitations(answer, new Map(papers.map((p) => [p.id, p])))).toEqual([]);
}

describe('LLM answers through ChatOpenAI and an OpenAI-compatible server', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await llmEngine();
  });

  it('sends numbered, delimited sources and the question, and keeps the model prose with verbatim quotes', async () => {
    fake.queue({ text: 'Decoder-only models can be read as regularized encoder-decoders [1].' });
    const answer = await engine.ask(QUESTION);

    const [request] = fake.chatRequests();
    const { system, user } = messagesOf(request);
    expect(request?.body.model).toBe('fake-chat');
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(system).toMatch(/only from the numbered sources/i);
    expect(system).toMatch(/untrusted/i);
    expect(system).toContain(ABSTAIN_SENTINEL);
    expect(user).toContain(`Question: ${QUESTION}`);
    expect(sourceCount(request)).toBeGreaterThan(0);
    expect([...user.matchAll(/\n<\/source>/g)]).toHaveLength(sourceCount(request));
    expect(user).toMatch(/<source n="1">\nTitle: Decoder-Only or Encoder-Decoder\?/);

    expect(answer.mode).toBe('llm');
    expect(answer.abstained).toBe(false);
    expect(answer.text).toBe('Decoder-only models can be read as regularized encoder-decoders [1].');
    expect(answer.citations.map((c) => c.n)).toEqual([1]);
    expect(answer.citations[0]?.title).toMatch(/^Decoder-Only or Encoder-Decoder/);
    await expectVerifiable(answer);
  });

  it('logs token usage per answer, and never the API key', async () => {
    await engine.ask(QUESTION);
    expect(loggedUsage()?.totalTokens).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(API_KEY);
  });

  it('removes a citation to a source it was not given ([9] of at most 3)', async () => {
    const codecs = await engine.search('audio codec', { k: 3 });
    fake.queue({ text: 'Group-residual vector quantization improves codec fidelity [1]. Codecs also cure colds [9].' });
    const answer = await engine.ask('How do audio codecs quantize?', { paperIds: codecs.map((h) => h.paper.id) });

    expect(sourceCount(fake.chatRequests()[0])).toBeLessThanOrEqual(3);
    expect(answer.mode).toBe('llm');
    expect(answer.text).toBe('Group-residual vector quantization improves codec fidelity [1]. Codecs also cure colds.');
    expect(answer.citations.map((c) => c.n)).toEqual([1]);
    await expectVerifiable(answer);
    expect(logLines.some((l) => l.includes('removed citations'))).toBe(true);
  });

  it('falls back to quotes with a visible note when no valid citation is left', async () => {
    fake.queue({ text: 'They are compared in depth [7].' });
    const answer = await engine.ask(QUESTION);
    expect(answer.mode).toBe('extractive');
    expect(answer.note).toBe(FALLBACK_NOTES.uncited);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.text).not.toContain('[7]');
    await expectVerifiable(answer);
  });

  it('abstains when the model replies with the sentinel, showing near misses', async () => {
    fake.queue({ text: ABSTAIN_SENTINEL });
    const partials: string[] = [];
    const answer = await engine.ask(QUESTION, { onPartial: (t) => partials.push(t) });
    expect(answer).toMatchObject({ mode: 'llm', abstained: true, citations: [] });
    expect(answer.related.length).toBeGreaterThan(0);
    expect(partials.join('\n')).not.toContain(ABSTAIN_SENTINEL);
  });

  it('streams the answer through onPartial, then returns the checked answer', async () => {
    fake.queue({ text: 'Decoder-only models are regularized encoder-decoders [1], as the analysis shows [1].' });
    const partials: string[] = [];
    const answer = await engine.ask(QUESTION, { onPartial: (t) => partials.push(t) });
    expect(fake.chatRequests()[0]?.body.stream).toBe(true);
    expect(partials.length).toBeGreaterThan(3);
    for (let i = 1; i < partials.length; i++) expect(partials[i]!.length).toBeGreaterThanOrEqual(partials[i - 1]!.length);
    expect(partials.at(-1)).toBe(answer.text);
    expect(answer.mode).toBe('llm');
    expect(fake.chatRequests()[0]?.body.stream_options).toEqual({ include_usage: true });
    expect(loggedUsage()?.totalTokens).toBeGreaterThan(0);
  });

  it('retries a 429 and a 500 with growing backoff, then answers', async () => {
    fake.queue({ status: 429 }, { status: 500 });
    const answer = await engine.ask(QUESTION);
    expect(fake.chatRequests().map((r) => r.status)).toEqual([429, 500, 200]);
    expect(delays).toEqual([200, 400]);
    expect(answer.mode).toBe('llm');
  });

  it('follows a Retry-After hint shorter than the backoff cap', async () => {
    fake.queue({ status: 429, retryAfterSeconds: 0.05 });
    await engine.ask(QUESTION);
    expect(delays).toEqual([50]);
  });

  it('gives up after the configured retries and answers with quotes and a note', async () => {
    fake.queue({ status: 500 }, { status: 503 }, { status: 502 });
    const answer = await engine.ask(QUESTION);
    expect(fake.chatRequests()).toHaveLength(3);
    expect(answer.mode).toBe('extractive');
    expect(answer.note).toBe(FALLBACK_NOTES.failed);
    await expectVerifiable(answer);
  });

  it('does not retry a request the server rejects as bad', async () => {
    fake.queue({ status: 400 });
    const answer = await engine.ask(QUESTION);
    expect(fake.chatRequests()).toHaveLength(1);
    expect(answer.note).toBe(FALLBACK_NOTES.failed);
  });

  it('condenses a follow-up with the thread before retrieval and answers the standalone question', async () => {
    const standalone = 'Which audio codec papers use group-residual vector quantization?';
    fake.queue({ text: standalone }, { text: 'HiFi-Codec uses group-residual vector quantization [1].' });
    const answer = await engine.ask('and which of them uses group residual quantization?', {
      history: [
        { role: 'user', text: 'What papers are there on neural audio codecs?' },
        { role: 'assistant', text: 'HiFi-Codec and Language-Codec both study codecs [1][2].' },
      ],
    });
    const [condense, compose] = fake.chatRequests();
    expect(condense?.body.stream).not.toBe(true);
    expect(messagesOf(condense).user).toContain('User: What papers are there on neural audio codecs?');
    expect(messagesOf(condense).user).toContain('Follow-up message: and which of them uses group residual quantization?');
    expect(messagesOf(compose).user).toContain(`Question: ${standalone}`);
    expect(messagesOf(compose).user).toMatch(/<source n="1">\nTitle: HiFi-Codec/);
    expect(answer.citations[0]?.title).toMatch(/^HiFi-Codec/);
    expect(answer.timingsMs.condense).toBeGreaterThanOrEqual(0);
  });

  it('still answers a follow-up when condensation fails', async () => {
    fake.queue({ status: 400 }, { text: 'HiFi-Codec quantizes in groups [1].' });
    const answer = await engine.ask('and which of them uses group residual quantization?', {
      history: [{ role: 'user', text: 'What papers are there on neural audio codecs?' }],
    });
    expect(fake.chatRequests()).toHaveLength(2);
    expect(answer.mode).toBe('llm');
    expect(logLines.some((l) => l.includes('could not condense'))).toBe(true);
  });
});

describe('LLM timeouts', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await llmEngine({ timeoutMs: 400, maxRetries: 0 });
  });

  it('aborts a stream that stalls after its first chunk and answers with quotes', async () => {
    fake.queue({ hang: true });
    const partials: string[] = [];
    const started = performance.now();
    const answer = await engine.ask(QUESTION, { onPartial: (t) => partials.push(t) });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(partials[0]).toBe('Partial');
    expect(answer.mode).toBe('extractive');
    expect(answer.note).toBe(FALLBACK_NOTES.failed);
    expect(partials.at(-1)).toBe(answer.text);
  });

  it('aborts a response that never starts', async () => {
    fake.queue({ hang: true });
    const answer = await engine.ask(QUESTION);
    expect(answer.note).toBe(FALLBACK_NOTES.failed);
  });

  it("passes the caller's own cancellation through instead of answering", async () => {
    fake.queue({ hang: true });
    const controller = new AbortController();
    const asked = engine.ask(QUESTION, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort(new Error('user gave up'));
    await expect(asked).rejects.toThrow('user gave up');
  });
});

describe('LLM mode from config', () => {
  it('is chosen by openEngine when an endpoint is configured', async () => {
    const { engine } = await openEngine(
      {
        store: { uri: join(bundled.dir, 'db') },
        embeddings: { kind: 'builtin' },
        corpusPath: 'data/papers.txt',
        llm: { baseURL: fake.baseURL, chatModel: 'fake-chat', timeoutMs: 5000, maxRetries: 0 },
      },
      { seed: false },
    );
    try {
      const answer = await engine.ask(QUESTION);
      expect(answer.mode).toBe('llm');
      expect(fake.chatRequests()).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });

  it('stays extractive and offline without one', async () => {
    const answer = await bundled.engine.ask(QUESTION);
    expect(answer.mode).toBe('extractive');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OpenAIEmbeddings', () => {
  it('embeds through the endpoint and records the model and its dimension', async () => {
    const { embedder, identity } = await createEmbedder({ kind: 'openai', model: 'fake-embed', baseURL: fake.baseURL });
    expect(identity).toEqual({ name: 'openai:fake-embed', dimensions: 8 });
    const [a, b] = await embedder.embedDocuments(['same text', 'same text']);
    expect(a).toEqual(b);
    expect(fake.requests.some((r) => r.path === '/v1/embeddings' && r.body.model === 'fake-embed')).toBe(true);
  });

  it('builds a store with the endpoint, answers from it, and refuses another embedding model on it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paperboy-openai-embed-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const config = { store: { uri: join(dir, 'db') }, corpusPath: 'data/papers.txt' };
    const opened = await openEngine({ ...config, embeddings: { kind: 'openai', model: 'fake-embed', baseURL: fake.baseURL } });
    try {
      expect(await opened.engine.countPapers()).toBe(98);
      expect(fake.requests.filter((r) => r.path === '/v1/embeddings').length).toBeGreaterThan(1);
      const answer = await opened.engine.ask(QUESTION);
      expect(answer.citations[0]?.title).toMatch(/^Decoder-Only or Encoder-Decoder/);
    } finally {
      await opened.engine.close();
    }
    await expect(openEngine({ ...config, embeddings: { kind: 'openai', model: 'other-embed', baseURL: fake.baseURL } })).rejects.toThrow(
      /"openai:other-embed".*npm run ingest -- --rebuild/s,
    );
  });

  it('refuses to query a store built with the built-in embedder, naming the rebuild command', async () => {
    const opening = openEngine(
      { store: { uri: join(bundled.dir, 'db') }, embeddings: { kind: 'openai', model: 'fake-embed', baseURL: fake.baseURL }, corpusPath: 'data/papers.txt' },
      { seed: false },
    );
    await expect(opening).rejects.toThrow(/npm run ingest -- --rebuild/);
  });

  it('says which setting to check when the embedding endpoint does not answer', async () => {
    await expect(createEmbedder({ kind: 'openai', model: 'fake-embed', baseURL: `${fake.baseURL}/missing` })).rejects.toThrow(
      /The embedding model "fake-embed" did not answer at .*\/missing.*Check EMBEDDING_MODEL, OPENAI_BASE_URL and OPENAI_API_KEY/s,
    );
  });
});
