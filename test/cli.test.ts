import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFakePaperSources, type FakePaperSources } from './fakes/fake-paper-sources.ts';

const run = promisify(execFile);
let dir: string;

const CLI = ['--import', 'tsx', 'adapters/terminal/cli.ts'];
const cliEnv = () => ({ ...process.env, PAPERBOY_DB_URI: join(dir, 'db'), CI: 'true', LOG_LEVEL: 'error', HF_API_BASE: sources.baseUrl, ARXIV_API_BASE: sources.baseUrl });

/** Runs the real CLI in a child process, as `npm run <command>` does (from the sources), against a temp store. */
async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { env: cliEnv() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let sources: FakePaperSources;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperboy-cli-'));
  sources = await startFakePaperSources({ hfDays: { '2026-11-26': JSON.parse(loadFixture('hf-daily-2026-11-26.json')) as unknown[] } });
});
afterAll(async () => {
  await sources.close();
  await rm(dir, { recursive: true, force: true });
});

describe('command line', () => {
  it('rejects a malformed file naming file and line, exits non-zero and writes nothing', async () => {
    const result = await cli('ingest', 'test/fixtures/ingest/two-papers.txt', 'test/fixtures/ingest/broken.jsonl');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/paperboy: test\/fixtures\/ingest\/broken\.jsonl:2: not valid JSON/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, 'db'))).toBe(false);
  });

  it('answers on a fresh store (ingesting the bundled corpus first) with the documented JSON shape', async () => {
    const result = await cli('ask', '--json', 'Which papers compare encoder-decoder and decoder-only architectures?');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, unknown> & { citations: Record<string, unknown>[] };
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['answer', 'citations', 'mode', 'abstained', 'timingsMs']));
    expect(body.mode).toBe('extractive');
    expect(body.abstained).toBe(false);
    expect(Object.keys(body.citations[0]!)).toEqual(expect.arrayContaining(['n', 'paperId', 'title', 'quote']));
  }, 60_000);

  it('reports ingest counts as JSON, and a second ingest of the same file changes nothing', async () => {
    const first = await cli('ingest', '--json', 'test/fixtures/ingest/two-papers.txt');
    expect(JSON.parse(first.stdout)).toMatchObject({ added: 2, updated: 0, unchanged: 0, rejected: 0, total: 100 });
    const second = await cli('ingest', '--json', 'test/fixtures/ingest/two-papers.txt');
    expect(JSON.parse(second.stdout)).toMatchObject({ added: 0, unchanged: 2, total: 100 });
  }, 60_000);

  it('ingests a day of Hugging Face daily papers from the configured base URL', async () => {
    const result = await cli('ingest', '--json', 'hf-daily:2026-11-26');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ added: 4, total: 104 });
    expect(sources.requests.some((r) => r.path === '/api/daily_papers' && r.params.get('date') === '2026-11-26')).toBe(true);
  }, 60_000);

  it('says which arXiv ids do not exist instead of ingesting nothing silently', async () => {
    const result = await cli('ingest', 'arxiv:2599.99999');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/arXiv has no paper 2599\.99999/);
  }, 60_000);

  it('searches with --json and --k', async () => {
    const result = await cli('search', '--json', '--k', '3', 'residual vector quantization audio codec');
    const body = JSON.parse(result.stdout) as { results: { title: string; evidence: string[] }[] };
    expect(body.results).toHaveLength(3);
    expect(body.results.map((r) => r.title).join('\n')).toMatch(/Codec/);
  }, 60_000);

  it('prints the digest a channel would get with digest --dry-run', async () => {
    const result = await cli('digest', '--dry-run', '--since', '2000-01-01', '--topics', 'speech, retrieval');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\*\*Paperboy daily · .* new papers · 2 themes\*\*/);
    expect(result.stdout).toMatch(/\*\*speech\*\*/);
  }, 60_000);

  it('writes a --json output of over a mebibyte whole into a pipe before exiting', async () => {
    // Six copies of our question set make a report of about 1.2 MB. Copied outside eval/, the set is
    // measured once instead of cross-validated over folds: the same report at a tenth of the time.
    const set = join(dir, 'six-copies.jsonl');
    await writeFile(set, (await readFile('eval/questions.jsonl', 'utf8')).repeat(6));
    const child = spawn(process.execPath, [...CLI, 'eval', '--json', '--set', set], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(1024 * 1024);
    const report = JSON.parse(stdout) as { questions: unknown[] };
    expect(report.questions).toHaveLength(360);
  }, 60_000);

  it('explains usage instead of failing on an empty question', async () => {
    const result = await cli('ask');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ask needs a question/);
  });
});
