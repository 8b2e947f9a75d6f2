import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPaperFile, streamPaperFile } from '../ingest/sources/read-paper-file.ts';
import { chunkAbstract } from '../ingest/chunk.ts';
import { paperIdFor } from '../src/paper-id.ts';
import { resolveDuplicates } from '../ingest/pipeline.ts';
import { IngestError } from '../src/errors.ts';
import { splitSentences } from '../src/text/sentences.ts';

const fixture = (name: string) => `test/fixtures/ingest/${name}`;

describe('papers.txt parser', () => {
  it('skips page furniture and pairs each title with its abstract', async () => {
    const papers = await readPaperFile(fixture('two-papers.txt'));
    expect(papers.map((p) => p.title)).toEqual(['A Study of Sparse Retrieval With Learned Term Weights', 'Tiny Codecs for Speech']);
    expect(papers[1]!.abstract).toMatch(/^We present a neural speech codec/);
    expect(papers[0]!.source).toBe('file:two-papers.txt');
  });

  it('reads all 98 bundled papers with distinct ids', async () => {
    const papers = await readPaperFile('data/papers.txt');
    expect(papers).toHaveLength(98);
    expect(new Set(papers.map((p) => p.id)).size).toBe(98);
  });

  it('names the file and line of a title with no abstract', async () => {
    const error = await readPaperFile(fixture('broken-missing-abstract.txt')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).message).toMatch(/broken-missing-abstract\.txt:7: .*too short to be an abstract/);
  });

  it('names a file it cannot read', async () => {
    await expect(readPaperFile(fixture('nope.txt'))).rejects.toThrow(/nope\.txt:0: cannot read file \(ENOENT\)/);
  });
});

describe('JSON parsers', () => {
  it('reads JSON Lines with arXiv ids, author objects and summary as abstract', async () => {
    const papers = await readPaperFile(fixture('papers.jsonl'));
    expect(papers[0]).toMatchObject({ id: '2501.00001', title: 'Alpha Paper', authors: ['Ada Lovelace', 'Alan Turing'] });
    expect(papers[1]!.abstract).toMatch(/^Beta abstract/);
    expect(papers[1]!.id).toMatch(/^t-[0-9a-f]{16}$/);
  });

  it('merges a paper listed twice in one file', async () => {
    const merged = resolveDuplicates(await readPaperFile(fixture('papers.jsonl')));
    expect(merged.map((p) => p.title)).toEqual(['Alpha Paper', 'Beta Paper']);
    expect(merged[0]!.url).toBe('https://arxiv.org/abs/2501.00001');
  });

  it('names the line of invalid JSON Lines', async () => {
    await expect(readPaperFile(fixture('broken.jsonl'))).rejects.toThrow(/broken\.jsonl:2: not valid JSON/);
  });

  it('names the line where a bad array element starts', async () => {
    await expect(readPaperFile(fixture('broken-array.json'))).rejects.toThrow(/broken-array\.json:3: .*abstract.*summary/);
  });
});

describe('ids, sentences and chunks', () => {
  it('derives the same id from the same title however it is spaced or cased', () => {
    expect(paperIdFor({ title: 'Tiny  Codecs for SPEECH' })).toBe(paperIdFor({ title: 'tiny codecs for speech' }));
    expect(paperIdFor({ title: 'x', url: 'https://arxiv.org/pdf/2401.01234v3' })).toBe('2401.01234');
    expect(paperIdFor({ title: 'x', url: 'https://huggingface.co/papers/2511.00042' })).toBe('2511.00042');
    // A number that merely looks like an id inside some other URL is not an arXiv id.
    expect(paperIdFor({ title: 'x', url: 'https://example.org/report/2401.01234' })).toMatch(/^t-/);
  });

  it('gives titles in any script their own stable id, and ASCII titles the ids stores already hold', () => {
    const titles = ['注意力机制研究', '深度学习综述', 'Исследование внимания', 'Μελέτη προσοχής', 'トランスフォーマーの研究', 'ドランスフォーマーの研究'];
    const ids = titles.map((title) => paperIdFor({ title }));
    expect(new Set(ids).size).toBe(titles.length);
    expect(paperIdFor({ title: ' ИССЛЕДОВАНИЕ  внимания ' })).toBe(ids[2]);
    // Pinned: the id this title had before Unicode-aware keys, so existing stores keep matching.
    expect(paperIdFor({ title: 'Attention Is All You Need' })).toBe('t-4a1c934d3d98f3ce');
    expect(paperIdFor({ title: 'Déjà vu — Retrieval!' })).toBe('t-f9a2b0d40dcba1de');
    expect(paperIdFor({ title: '???' })).not.toBe(paperIdFor({ title: '!!!' }));
  });

  it('splits sentences verbatim, keeping abbreviations and decimals inside', () => {
    const text = 'We use BERT (e.g. ModernBERT) with 0.4B parameters. It wins on NLU tasks.This capability emerges late.';
    const sentences = splitSentences(text);
    expect(sentences).toEqual(['We use BERT (e.g. ModernBERT) with 0.4B parameters.', 'It wins on NLU tasks.', 'This capability emerges late.']);
    for (const s of sentences) expect(text).toContain(s);
  });

  it('keeps sentences whole, prefixes the title and respects the size limit', () => {
    const abstract = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} says something about retrieval models.`).join(' ');
    const chunks = chunkAbstract('My Title', abstract, { maxChars: 200 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.text.startsWith('My Title. Sentence number')).toBe(true);
      expect(c.text.length).toBeLessThanOrEqual(200 + 'My Title. '.length);
    }
    expect(chunks.map((c) => c.ord)).toEqual(chunks.map((_, i) => i));
  });
});

describe('input checks shared by every format', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-input-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const abstract = 'An abstract long enough to count as one: it describes a method, an experiment on two datasets, and a result on a public benchmark.';
  const formats = {
    'papers.txt': (title: string) => `${title}\n\n${abstract}\n`,
    'papers.jsonl': (title: string) => `${JSON.stringify({ title, abstract })}\n`,
    'papers.json': (title: string) => `[\n${JSON.stringify({ title, abstract })}\n]\n`,
  };
  const write = async (name: string, content: Buffer | string) => {
    const file = join(dir, name);
    await writeFile(file, content);
    return file;
  };

  for (const [name, render] of Object.entries(formats)) {
    it(`${name}: names the line of invalid UTF-8 instead of storing replacement characters`, async () => {
      // A Latin-1 "é" (0xe9) where UTF-8 needs two bytes: the classic mis-saved file.
      const [before, after] = render('Caf@ Title').split('@') as [string, string];
      const file = await write(`bad-${name}`, Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]));
      const line = name.endsWith('.json') ? 2 : 1;
      await expect(readPaperFile(file)).rejects.toThrow(`bad-${name}:${line}: not valid UTF-8`);
    });

    it(`${name}: accepts a byte-order mark`, async () => {
      const file = await write(`bom-${name}`, `\ufeff${render('Title After A Byte Order Mark')}`);
      expect((await readPaperFile(file)).map((p) => p.title)).toEqual(['Title After A Byte Order Mark']);
    });

    it(`${name}: refuses a 10,000-character title with the same limit as every format`, async () => {
      const file = await write(`long-${name}`, render('T'.repeat(10_000)));
      await expect(readPaperFile(file)).rejects.toThrow(/title is 10000 characters \(at most 400\)|found a paragraph of 10000 characters/);
    });
  }

  it('streams JSON Lines one paper at a time', async () => {
    const file = await write('many.jsonl', Array.from({ length: 50 }, (_, i) => formats['papers.jsonl'](`Paper number ${i}`)).join(''));
    const stream = streamPaperFile(file);
    const first = await stream.next();
    expect(first.value).toMatchObject({ title: 'Paper number 0' });
    await stream.return(undefined);
  });
});
