/**
 * Crash torture: `npm run torture -- [--kills 100] [--papers 240] [--s3 | --store s3://bucket/prefix]`.
 * Starts ingest, update, rebuild and two-writer runs against one store, kills them (their whole
 * process group, SIGKILL) at random moments, lets the same runs complete, and checks that the
 * store is exact: one row per id, no orphan chunks, every paper chunked, indexes built, term
 * statistics equal to a recount, no run markers left, and every paper holding the text of the last
 * completed run. A killed rebuild must also leave the old store exact and answering before the
 * re-run. `--s3` runs against the fake S3 server (test/fakes/fake-s3.ts; moto with
 * PAPERBOY_S3_SERVER=moto); `--store` against any S3 server the AWS_* settings name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { contentHashOf } from '../../src/paper-id.ts';
import { indexedTerms } from '../../ingest/pipeline.ts';
import { readPaperFile } from '../../ingest/sources/read-paper-file.ts';
import { seededRandom, syntheticPapers } from '../../src/bench/synthetic-corpus.ts';
import { HashedEmbedder } from '../../src/embeddings/hashed-embedder.ts';
import { createEngine } from '../../src/engine.ts';
import { openStore } from '../../src/store/lance-store.ts';
import { applyDocument, emptyTermStats } from '../../src/store/term-stats.ts';
import type { PaperInput } from '../../src/types.ts';
import { startS3Server } from '../../test/helpers/s3-server.ts';
import { processSettings } from '../../scripts/process-settings.mjs';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const SCENARIOS = ['ingest', 'two-writers', 'rebuild', 'update'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** Papers per batch in the killed runs: small, so a run has many crash windows. */
const BATCH = 16;

export interface TortureReport {
  trials: number;
  /** Kills that landed while a writer was still running (the rest found it already done). */
  killedMidRun: number;
  byScenario: Record<Scenario, number>;
  violations: string[];
  seconds: number;
}

export async function runTorture({
  kills,
  papers = 240,
  seed = 1,
  store,
  log = () => {},
}: {
  kills: number;
  papers?: number;
  seed?: number;
  /** Where to put the store (e.g. `s3://bucket/prefix`, with the AWS_* settings); default a temporary folder. */
  store?: string;
  log?: (line: string) => void;
}): Promise<TortureReport> {
  const started = performance.now();
  const random = seededRandom(seed);
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-torture-'));
  const uri = store ? `${store}/torture-${Date.now().toString(36)}` : join(dir, 'db');
  const base = syntheticPapers(await readPaperFile('data/papers.txt'), papers, seed);
  const report: Omit<TortureReport, 'seconds'> = { trials: 0, killedMidRun: 0, byScenario: { ingest: 0, 'two-writers': 0, rebuild: 0, update: 0 }, violations: [] };
  // What the store must hold after each completed run: id → content hash.
  const expected = new Map<string, string>();
  const writeRevision = async (k: number) => {
    const revised = base.map((p) => (k === 0 || p.id.length % 2 === k % 2 ? { ...p, abstract: `${p.abstract} Revision ${k} of this abstract.` } : p));
    const extras: PaperInput[] = Array.from({ length: 5 }, (_, j) => ({ ...base[(k * 5 + j) % base.length]!, id: `extra-${k}-${j}`, title: `Extra paper ${k}-${j}` }));
    const all = [...revised, ...extras];
    const file = join(dir, `rev-${k}.jsonl`);
    await writeJsonl(file, all);
    return { file, all };
  };
  try {
    let t = performance.now();
    const first = await writeRevision(0);
    await runToEnd([ingestWorker(uri, first.file)]);
    const fullRunMs = performance.now() - t;
    for (const p of first.all) expected.set(p.id, contentHashOf(p.title, p.abstract));
    log(`initial ingest of ${first.all.length} papers: ${(fullRunMs / 1000).toFixed(1)} s; killing within that window`);

    for (let k = 1; k <= kills; k++) {
      const scenario = SCENARIOS[(k - 1) % SCENARIOS.length]!;
      const { file, all } = await writeRevision(k);
      // Two writers share 20% of the papers; each has its own file.
      const half = Math.ceil(all.length * 0.6);
      const [a, b] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
      await writeJsonl(a, all.slice(0, half));
      await writeJsonl(b, all.slice(-half));
      const start = () =>
        scenario === 'rebuild'
          ? [spawnWorker([uri, 'rebuild'])]
          : scenario === 'two-writers'
            ? [ingestWorker(uri, a), ingestWorker(uri, b)]
            : [ingestWorker(uri, file)];
      t = performance.now();
      const victims = start();
      await sleep(random() * fullRunMs * 1.2);
      const stillRunning = victims.some((v) => v.exitCode === null);
      for (const v of victims) killGroup(v);
      await Promise.all(victims.map(exited));
      report.trials++;
      report.byScenario[scenario]++;
      if (stillRunning) report.killedMidRun++;
      // A killed rebuild leaves a whole store serving (the old one, or the new one if it swapped in time), its marker aside.
      if (scenario === 'rebuild') {
        for (const p of await checkStore(uri, expected, { serving: true })) report.violations.push(`trial ${k} (rebuild, right after the kill): ${p}`);
      }
      // The next run of the same work completes what the killed one left.
      await runToEnd(start());
      if (scenario !== 'rebuild') for (const p of all) expected.set(p.id, contentHashOf(p.title, p.abstract));
      const problems = await checkStore(uri, expected);
      for (const p of problems) report.violations.push(`trial ${k} (${scenario}, killed after ${((performance.now() - t) / 1000).toFixed(1)} s): ${p}`);
      log(`trial ${k}/${kills} ${scenario}${stillRunning ? '' : ' (finished before the kill)'}: ${problems.length === 0 ? 'exact' : problems.join('; ')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { ...report, seconds: (performance.now() - started) / 1000 };
}

/**
 * Every invariant the store must satisfy after a completed run, as readable problems (empty:
 * exact). `serving`: the store is checked while a killed run's marker may remain, and must answer.
 */
export async function checkStore(uri: string, expected: Map<string, string>, { serving = false } = {}): Promise<string[]> {
  const embedder = new HashedEmbedder();
  const store = await openStore({ uri, embedder: { name: embedder.name, dimensions: embedder.dimensions } });
  try {
    const problems: string[] = [];
    const audit = await store.audit();
    if (audit.papers !== expected.size) problems.push(`${audit.papers} papers stored, ${expected.size} expected`);
    for (const k of ['duplicatePapers', 'duplicateChunks', 'orphanChunks', 'papersWithoutChunks', 'staleChunks'] as const) if (audit[k] > 0) problems.push(`${audit[k]} ${k}`);
    if (!(await store.indexesComplete())) problems.push(`indexes missing (have ${audit.indexes.join(', ')})`);
    const markers = await store.listMeta('run:');
    if (markers.size > 0 && !serving) problems.push(`${markers.size} run markers left`);
    if (serving) {
      const [id] = expected.keys();
      const [paper] = await store.getPapers([id!]);
      const answer = paper && (await createEngine({ store, embedder }).ask(paper.title));
      if (!answer || answer.citations.length === 0) problems.push(`no answer citing a paper (asked for the title of ${id})`);
    }
    const exact = emptyTermStats();
    for (const p of await store.allTexts()) applyDocument(exact, indexedTerms(p), 1);
    const stats = await store.termStats();
    const wrongDf = [...exact.df].filter(([term, n]) => stats.df.get(term) !== n).length + [...stats.df.keys()].filter((t) => !exact.df.has(t)).length;
    if (stats.docs !== exact.docs || stats.totalLength !== exact.totalLength || wrongDf > 0) {
      problems.push(`term statistics off: docs ${stats.docs}/${exact.docs}, length ${stats.totalLength}/${exact.totalLength}, ${wrongDf} terms with a wrong count`);
    }
    const stale = (await store.getPapers([...expected.keys()])).filter((p) => expected.get(p.id) !== p.contentHash).length;
    if (stale > 0) problems.push(`${stale} papers hold an older text than the last completed run`);
    return problems;
  } finally {
    store.close();
  }
}

function spawnWorker(args: string[]): ChildProcess {
  // The writers run as `npm run ingest` does (malloc arenas, V8 young generation, LanceDB I/O threads).
  const { env, nodeFlags } = processSettings('ingest');
  // detached: the worker leads its own process group, so the kill reaches everything it started.
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', WORKER, ...args], { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
}

function ingestWorker(uri: string, file: string): ChildProcess {
  return spawnWorker([uri, 'ingest', file, String(BATCH)]);
}

function writeJsonl(file: string, papers: PaperInput[]) {
  return writeFile(file, papers.map((p) => JSON.stringify({ id: p.id, title: p.title, abstract: p.abstract })).join('\n'));
}

function killGroup(child: ChildProcess) {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? -1);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
}

async function runToEnd(children: ChildProcess[]) {
  const errors: string[] = [];
  for (const c of children) c.stderr?.on('data', (d: Buffer) => errors.push(d.toString()));
  const codes = await Promise.all(children.map(exited));
  if (codes.some((c) => c !== 0)) throw new Error(`a completing run failed (exit ${codes.join(', ')}): ${errors.join('').slice(-2000)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      kills: { type: 'string', default: '20' },
      papers: { type: 'string', default: '240' },
      seed: { type: 'string', default: '1' },
      store: { type: 'string' },
      s3: { type: 'boolean', default: false },
    },
  });
  const s3 = values.s3 ? await startS3Server(['paperboy']) : undefined;
  if (s3) Object.assign(process.env, s3.env);
  const report = await runTorture({ kills: Number(values.kills), papers: Number(values.papers), seed: Number(values.seed), store: s3 ? 's3://paperboy' : values.store, log: (l) => console.log(l) });
  const s3Stats = await s3?.stats?.();
  await s3?.close();
  console.log(JSON.stringify({ ...report, violations: report.violations.length, firstViolations: report.violations.slice(0, 10), ...(s3Stats && { s3Requests: s3Stats.requests }) }, null, 2));
  process.exit(report.violations.length === 0 ? 0 : 1);
}
