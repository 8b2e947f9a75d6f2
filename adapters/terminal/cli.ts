import { readdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { checkPaperFile, readPaperFile, streamPaperFile } from '../../ingest/sources/read-paper-file.ts';
import { fetchSourceSpec } from '../../ingest/sources/source-spec.ts';
import { parseSourceSpec } from '../../src/source-spec.ts';
import { ingestPapers, type IdConflict } from '../../ingest/pipeline.ts';
import { rebuildStore } from '../../ingest/rebuild.ts';
import { createDigests, loadApp, openEngine } from '../../src/app.ts';
import { createEmbedder } from '../../src/embeddings/create-embedder.ts';
import { PaperboyError } from '../../src/errors.ts';
import { formatReport, runEval } from '../../src/eval/run-eval.ts';
import { calibrate } from '../../src/eval/calibrate.ts';
import { crossValidatedEval } from '../../src/eval/cross-validate.ts';
import { formatGroundingReport, groundingJson, readGroundingSet, runGrounding } from '../../src/eval/run-grounding.ts';
import { crossValidateGrounding, formatGroundingFolds } from '../../src/eval/grounding-folds.ts';
import { readQuestionSet } from '../../src/eval/question-set.ts';
import { packagePath } from '../../src/package-root.ts';
import type { PaperInput } from '../../src/types.ts';
import { renderAnswer, renderHits } from './render-answer.ts';

/** Our own question sets, found from the package wherever the command runs. */
const OWN_SETS_DIR = packagePath('eval');
const DEFAULT_EVAL_SETS = readdirSync(OWN_SETS_DIR)
  .filter((f) => /^questions.*\.jsonl$/.test(f))
  .sort()
  .map((f) => packagePath('eval', f))
  .join(',');

const USAGE = `Usage:
  npm run ask -- [--json] "question"
  npm run search -- [--json] [--k 10] "terms"
  npm run ingest -- [--json] [--rebuild] [FILE | hf-daily[:YYYY-MM-DD] | arxiv:ID[,ID…] | arxiv:QUERY ...]
                    (nothing named: the bundled corpus)
  npm run eval -- [--set FILE[,FILE…]] [--json] [--calibrate] [--by-set]   (default: all of eval/questions*.jsonl;
                    our own sets are 5-fold cross-validated, or with --by-set each set answered by models fitted on the others)
  npm run eval -- --grounding FILE [--json | --folds 5]          (claim check on a labelled set, no model; --folds cross-validates its floors)
  npm run bench -- [--sizes 10000,100000] [--json]
  npm run digest -- --dry-run [--channel slack:C123|discord:123] [--since ISO] [--topics "speech, retrieval"]`;

/** `npm run ask|search|ingest|eval|bench`: one entry point, one validated config. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      k: { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      set: { type: 'string' },
      sizes: { type: 'string' },
      calibrate: { type: 'boolean', default: false },
      'by-set': { type: 'boolean', default: false },
      grounding: { type: 'string' },
      folds: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      channel: { type: 'string' },
      since: { type: 'string' },
      topics: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const app = loadApp({ quiet: true });
  const { config, logger } = app;
  const text = positionals.join(' ').trim();

  switch (command) {
    case 'ask': {
      if (!text) return usageError('ask needs a question, e.g. npm run ask -- "which papers study audio codecs?"');
      const { engine } = await openEngine(config, { logger, progress: app.progress() });
      const answer = await engine.ask(text);
      if (values.json) {
        const { text: answerText, citations, mode, abstained, timingsMs, related, note } = answer;
        console.log(JSON.stringify({ answer: answerText, citations, mode, abstained, related, note, timingsMs }, null, 2));
      } else console.log(renderAnswer(answer));
      await engine.close();
      return 0;
    }
    case 'search': {
      if (!text) return usageError('search needs terms, e.g. npm run search -- "speech codec"');
      const k = Number(values.k ?? 5);
      if (!Number.isInteger(k) || k < 1 || k > 100) return usageError('--k must be a whole number from 1 to 100');
      const { engine } = await openEngine(config, { logger, progress: app.progress() });
      const hits = await engine.search(text, { k });
      if (values.json) {
        console.log(JSON.stringify({ results: hits.map((h) => ({ paperId: h.paper.id, title: h.paper.title, url: h.paper.url, score: h.score, relevance: h.relevance, evidence: h.evidence.slice(0, 3) })) }, null, 2));
      } else console.log(renderHits(hits));
      await engine.close();
      return 0;
    }
    case 'ingest': {
      const specs = positionals.length > 0 ? positionals : [config.corpusPath];
      // Check everything before writing anything: a malformed file aborts with nothing written from it.
      // Files are then read again as streams, so a large JSON Lines file never sits in memory whole.
      const inputs: (PaperInput[] | AsyncIterable<PaperInput>)[] = [];
      let expected = 0;
      for (const s of specs) {
        const remote = parseSourceSpec(s);
        if (!remote) {
          expected += await checkPaperFile(s);
          inputs.push(streamPaperFile(s));
          continue;
        }
        const fetched = await fetchSourceSpec(remote, { http: app.http, hfApiBase: config.digest.hfApiBase, arxivApiBase: config.digest.arxivApiBase });
        // arXiv answers an unknown id with an empty feed: say which ids were not found.
        if (remote.kind === 'arxiv-ids') {
          const missing = remote.ids.filter((id) => !fetched.some((p) => p.id === id));
          if (missing.length > 0) console.error(`paperboy: arXiv has no paper ${missing.join(', ')}`);
          if (missing.length === remote.ids.length) return 1;
        }
        expected += fetched.length;
        inputs.push(fetched);
      }
      if (values.rebuild) {
        const rebuilt = await rebuildStore(config.store, { ...(await createEmbedder(config.embeddings)), progress: app.progress() });
        console.error(`paperboy: re-embedded ${rebuilt.papers} stored papers`);
      }
      const { store, embedder, engine } = await openEngine(config, { logger, seed: false });
      const onConflict = (c: IdConflict) => console.error(`paperboy: ${c.id} has different text in ${c.kept.source} and ${c.dropped.source}; kept ${c.kept.source}`);
      const counts = await ingestPapers(concatenated(inputs), { store, embedder, progress: app.progress(), expected, onConflict });
      const total = await store.countPapers();
      await engine.close();
      if (values.json) console.log(JSON.stringify({ ...counts, total }));
      else console.log(`added ${counts.added}, updated ${counts.updated}, unchanged ${counts.unchanged}, rejected ${counts.rejected}, conflicts ${counts.conflicts}; ${total} papers in the store`);
      return 0;
    }
    case 'eval': {
      if (values.grounding && values.folds) {
        const folds = Number(values.folds);
        if (!Number.isInteger(folds) || folds < 2) return usageError('--folds must be a whole number of at least 2, e.g. --folds 5');
        console.log(formatGroundingFolds(crossValidateGrounding(readGroundingSet(values.grounding), await readPaperFile(config.corpusPath), folds)));
        return 0;
      }
      if (values.grounding) {
        const report = runGrounding(readGroundingSet(values.grounding), await readPaperFile(config.corpusPath));
        console.log(values.json ? JSON.stringify(groundingJson(report)) : `Grounding on ${values.grounding}\n${formatGroundingReport(report)}`);
        return 0;
      }
      // Several sets may be named, comma-separated (e.g. to calibrate on all of ours at once).
      const sets = (values.set ?? DEFAULT_EVAL_SETS).split(',');
      const questions = sets.flatMap((f) => readQuestionSet(f));
      const { engine, store, embedder, retriever } = await openEngine(config, { logger, progress: app.progress() });
      const ownSets = sets.every(isTrainingSet);
      if (values.calibrate) {
        if (!ownSets) return usageError('--calibrate fits only on our own training sets in eval/; outside sets are for measuring');
        // Paste the printed models into src/retrieve/relevance.ts and the citation rule into src/answer/cite-choice.ts.
        const fitted = await calibrate(questions, retriever);
        console.log(JSON.stringify(fitted, null, 2));
        await engine.close();
        return 0;
      }
      // The shipped models were fitted on our own sets: figures for those are cross-validated.
      const report = ownSets ? await crossValidatedEval(questions, { store, embedder, bySet: values['by-set'] }) : await runEval(questions, { engine, store });
      await engine.close();
      console.log(values.json ? JSON.stringify(report, null, 2) : `Eval on ${values.set ?? 'eval/questions*.jsonl'} (${questions.length} questions)\n${formatReport(report)}`);
      return 0;
    }
    case 'bench': {
      const { BENCH_HEADER, formatBenchRow, runBench } = await import('../../src/bench/run-bench.ts');
      const sizes = (values.sizes ?? '10000,100000').split(',').filter(Boolean).map(Number);
      if (sizes.some((n) => !Number.isInteger(n) || n < 1)) return usageError('--sizes must be whole numbers of papers, e.g. --sizes 10000,100000');
      if (values.json) {
        const rows = await runBench({ corpusPath: config.corpusPath, sizes, ingest: { ingestPapers, readPaperFile } });
        console.log(JSON.stringify({ corpora: rows }, null, 2));
      } else {
        console.log(BENCH_HEADER);
        await runBench({ corpusPath: config.corpusPath, sizes, ingest: { ingestPapers, readPaperFile }, onRow: (row) => console.log(formatBenchRow(row)) });
      }
      return 0;
    }
    case 'digest': {
      if (!values['dry-run']) return usageError('digests are posted by the running bot (npm start); use --dry-run to print one here');
      const opened = await openEngine(config, { logger, progress: app.progress() });
      // The dry run shows what would be posted, so it uses the model's gists when one is configured.
      const { digests } = await createDigests(app, opened);
      console.log(await digests.dryRun({ channel: values.channel, since: values.since, topics: values.topics ? [values.topics] : undefined }));
      await opened.engine.close();
      return 0;
    }
    default:
      return usageError(`unknown command "${command}"`);
  }
}

async function* concatenated<T>(sources: (Iterable<T> | AsyncIterable<T>)[]): AsyncGenerator<T> {
  for (const source of sources) yield* source;
}

/** Our own question sets (eval/*.jsonl), the only ones calibration may fit on. */
function isTrainingSet(file: string): boolean {
  const inside = relative(OWN_SETS_DIR, resolve(file));
  return !inside.startsWith('..') && inside.split(sep).length === 1;
}

function usageError(message: string): number {
  console.error(`${message}\n\n${USAGE}`);
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(exitWhenWritten, (error: unknown) => {
    // Expected failures (bad config, malformed input, store mismatch) get one clear line, no stack.
    if (error instanceof PaperboyError) console.error(`paperboy: ${error.message}`);
    else console.error(error);
    exitWhenWritten(1);
  });
}

/**
 * Exits once stdout has taken everything written to it. Writes to a pipe complete
 * asynchronously: exiting right after console.log would cut a large --json output.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}
