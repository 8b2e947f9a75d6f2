import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHttpClient } from '../../ingest/sources/http-client.ts';
import { readPaperFile } from '../../ingest/sources/read-paper-file.ts';
import { fetchSourceSpec, parseSourceSpec } from '../../ingest/sources/source-spec.ts';
import { ingestPapers } from '../../ingest/pipeline.ts';
import { loadConfig, secretValues } from '../../src/config.ts';
import { createDigestService } from '../../src/digest/digest-service.ts';
import { openDigestStore } from '../../src/digest/digest-store.ts';
import { PaperboyError } from '../../src/errors.ts';
import { formatReport, runEval } from '../../src/eval/run-eval.ts';
import { calibrate } from '../../src/eval/calibrate.ts';
import { crossValidatedEval } from '../../src/eval/cross-validate.ts';
import { createHybridRetriever } from '../../src/retrieve/hybrid-retriever.ts';
import { readQuestionSet } from '../../src/eval/question-set.ts';
import { createLlmDigestWriter } from '../../src/llm/digest-writer.ts';
import { createLogger } from '../../src/logger.ts';
import { openEngine } from '../../src/open-engine.ts';
import { dropStore } from '../../src/store/lance-store.ts';
import type { PaperInput } from '../../src/types.ts';
import { terminalProgress } from './progress-bar.ts';
import { renderAnswer, renderHits } from './render-answer.ts';

const USAGE = `Usage:
  npm run ask -- [--json] "question"
  npm run search -- [--json] [--k 10] "terms"
  npm run ingest -- [--json] [--rebuild] [FILE | hf-daily[:YYYY-MM-DD] | arxiv:ID[,ID…] | arxiv:QUERY ...]
                    (nothing named: the bundled corpus)
  npm run eval -- [--set FILE[,FILE…]] [--json] [--calibrate]   (default: all of eval/*.jsonl)
  npm run bench -- [--sizes 10000,100000]
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
      set: { type: 'string', default: 'eval/questions.jsonl,eval/questions-paraphrased.jsonl,eval/questions-chat.jsonl' },
      sizes: { type: 'string' },
      calibrate: { type: 'boolean', default: false },
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
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, secretValues(config));
  const text = positionals.join(' ').trim();

  switch (command) {
    case 'ask': {
      if (!text) return usageError('ask needs a question, e.g. npm run ask -- "which papers study audio codecs?"');
      const { engine } = await openEngine(config, { logger, progress: terminalProgress() });
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
      const { engine } = await openEngine(config, { logger, progress: terminalProgress() });
      const hits = await engine.search(text, { k });
      if (values.json) {
        console.log(JSON.stringify({ results: hits.map((h) => ({ paperId: h.paper.id, title: h.paper.title, url: h.paper.url, score: h.score, relevance: h.relevance, evidence: h.evidence.slice(0, 3) })) }, null, 2));
      } else console.log(renderHits(hits));
      await engine.close();
      return 0;
    }
    case 'ingest': {
      const specs = positionals.length > 0 ? positionals : [config.corpusPath];
      // Read everything before writing anything: a malformed file aborts with nothing written from it.
      const inputs: PaperInput[] = [];
      const http = createHttpClient({ logger });
      for (const s of specs) {
        const remote = parseSourceSpec(s);
        if (!remote) {
          inputs.push(...(await readPaperFile(s)));
          continue;
        }
        const fetched = await fetchSourceSpec(remote, { http, hfApiBase: config.digest.hfApiBase, arxivApiBase: config.digest.arxivApiBase });
        // arXiv answers an unknown id with an empty feed: say which ids were not found.
        if (remote.kind === 'arxiv-ids') {
          const missing = remote.ids.filter((id) => !fetched.some((p) => p.id === id));
          if (missing.length > 0) console.error(`paperboy: arXiv has no paper ${missing.join(', ')}`);
          if (missing.length === remote.ids.length) return 1;
        }
        inputs.push(...fetched);
      }
      if (values.rebuild) await dropStore(config.store);
      const { store, embedder, engine } = await openEngine(config, { logger, seed: false });
      const counts = await ingestPapers(inputs, { store, embedder, progress: terminalProgress() });
      const total = await store.countPapers();
      await engine.close();
      if (values.json) console.log(JSON.stringify({ ...counts, total }));
      else console.log(`added ${counts.added}, updated ${counts.updated}, unchanged ${counts.unchanged}, rejected ${counts.rejected}; ${total} papers in the store`);
      return 0;
    }
    case 'eval': {
      // Several sets may be named, comma-separated (e.g. to calibrate on all of ours at once).
      const questions = values.set.split(',').flatMap((f) => readQuestionSet(f));
      const { engine, store, embedder } = await openEngine(config, { logger, progress: terminalProgress() });
      const ownSets = values.set.split(',').every(isTrainingSet);
      if (values.calibrate) {
        if (!ownSets) return usageError('--calibrate fits only on our own training sets in eval/; outside sets are for measuring');
        // Paste the printed models into src/retrieve/relevance.ts.
        const fitted = await calibrate(questions, createHybridRetriever({ store, embedder }));
        console.log(JSON.stringify(fitted, null, 2));
        await engine.close();
        return 0;
      }
      // The shipped models were fitted on our own sets: figures for those are cross-validated.
      const report = ownSets ? await crossValidatedEval(questions, { store, embedder }) : await runEval(questions, { engine, store });
      await engine.close();
      const out = values.json ? JSON.stringify(report, null, 2) : `Eval on ${values.set} (${questions.length} questions)\n${formatReport(report)}`;
      // A piped stdout is written asynchronously: wait for it, or process.exit cuts a long report short.
      await new Promise((done) => process.stdout.write(`${out}\n`, done));
      return 0;
    }
    case 'bench': {
      const { runBench } = await import('../../src/bench/run-bench.ts');
      const sizes = (values.sizes ?? '10000,100000').split(',').filter(Boolean).map(Number);
      await runBench({ corpusPath: config.corpusPath, sizes, log: (line) => console.log(line) });
      return 0;
    }
    case 'digest': {
      if (!values['dry-run']) return usageError('digests are posted by the running bot (npm start); use --dry-run to print one here');
      const { engine, store, embedder } = await openEngine(config, { logger, progress: terminalProgress() });
      const digests = createDigestService({
        engine,
        store,
        embedder,
        digestStore: await openDigestStore(store.connection),
        posters: {},
        config: config.digest,
        http: createHttpClient({ logger }),
        logger,
        // The dry run shows what would be posted, so it uses the model's gists when one is configured.
        ...(config.llm && { writer: await createLlmDigestWriter(config.llm, { logger }) }),
      });
      console.log(await digests.dryRun({ channel: values.channel, since: values.since, topics: values.topics ? [values.topics] : undefined }));
      await engine.close();
      return 0;
    }
    default:
      return usageError(`unknown command "${command}"`);
  }
}

/** Our own question sets (eval/*.jsonl), the only ones calibration may fit on. */
function isTrainingSet(file: string): boolean {
  const inside = relative(resolve('eval'), resolve(file));
  return !inside.startsWith('..') && inside.split(sep).length === 1;
}

function usageError(message: string): number {
  console.error(`${message}\n\n${USAGE}`);
  return 2;
}


if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // Expected failures (bad config, malformed input, store mismatch) get one clear line, no stack.
      if (error instanceof PaperboyError) console.error(`paperboy: ${error.message}`);
      else console.error(error);
      process.exit(1);
    },
  );
}
