/**
 * The one composition root: config → store → engine → chat + digest → adapters. `npm start`
 * (src/main.ts) and the CLI (adapters/terminal/cli.ts) get everything they run from here.
 *
 * Platform SDKs and LangChain's OpenAI client load only when their settings are present, so a
 * terminal command or an offline start does not pay for them.
 */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { createHealthCheck, startHealthServer } from '../adapters/health/health-check.ts';
import { runTerminalChat } from '../adapters/terminal/chat.ts';
import { terminalProgress } from '../adapters/terminal/progress-bar.ts';
import { fetchArxiv } from '../ingest/sources/arxiv.ts';
import { createHttpClient, type HttpClient } from '../ingest/sources/http-client.ts';
import { readPaperFile } from '../ingest/sources/read-paper-file.ts';
import { sourceFetcher } from '../ingest/sources/source-spec.ts';
import { completeInterruptedRuns, ingestPapers, type IngestProgress } from '../ingest/pipeline.ts';
import { loadConfig, secretValues, type Config } from './config.ts';
import type { DigestDeps } from './digest/delivery.ts';
import { createDigestService, type DigestService } from './digest/digest-service.ts';
import { openDigestStore } from './digest/digest-store.ts';
import { createDigestScheduler } from './digest/scheduler.ts';
import { createEmbedder } from './embeddings/create-embedder.ts';
import { createEngine } from './engine.ts';
import { withLinkedPapers } from './linked-papers/with-linked-papers.ts';
import { createLogger, type Logger } from './logger.ts';
import { packagePath } from './package-root.ts';
import { createHybridRetriever, type Retriever } from './retrieve/hybrid-retriever.ts';
import { openStore, type PaperStore } from './store/lance-store.ts';
import { openQuestionClaims } from './store/question-claims.ts';
import { SHUTDOWN_GRACE_MS, stopWithin } from './stop-within.ts';
import type { Engine } from './types.ts';

/** What every entry point starts from: the config, validated once, and what needs nothing opened. */
export interface App {
  config: Config;
  /** Masks every secret in the config wherever it appears. */
  logger: Logger;
  /** For the remote paper sources (ingest, the digest's refresh). */
  http: HttpClient;
  /** A progress bar for a long ingest, where one can be shown. */
  progress(): IngestProgress;
}

export interface OpenedEngine {
  engine: Engine;
  store: PaperStore;
  embedder: EmbeddingsInterface;
  retriever: Retriever;
}

/**
 * Reads and validates the configuration (throws a ConfigError naming each setting to fix).
 *
 * @example
 * const app = loadApp({ quiet: true }); // a CLI command: info logs would mix into its output
 */
export function loadApp({ quiet = false }: { quiet?: boolean } = {}): App {
  const config = loadConfig();
  const logger = createLogger(quiet && config.logLevel === 'info' ? 'warn' : config.logLevel, secretValues(config));
  return { config, logger, http: createHttpClient({ logger }), progress: () => terminalProgress({ quiet: config.ci }) };
}

/**
 * Opens the store and builds the engine. An empty store is first filled from the bundled corpus,
 * so the first question on a fresh clone needs no separate ingest step.
 */
export async function openEngine(
  config: Pick<Config, 'store' | 'embeddings' | 'corpusPath' | 'relevanceFloor' | 'llm'>,
  {
    logger,
    progress,
    seed = true,
    promptsDir = packagePath('prompts'),
    comparisonAgent = config.llm?.comparisonAgent ?? false,
  }: {
    logger?: Logger;
    progress?: IngestProgress;
    seed?: boolean;
    /** Where the prompt files live (default the package's `prompts/`). */
    promptsDir?: string;
    /** Let comparison questions search and look papers up through a bounded LangChain agent (LLM mode only). */
    comparisonAgent?: boolean;
  } = {},
): Promise<OpenedEngine> {
  const { embedder, identity } = await createEmbedder(config.embeddings);
  const store = await openStore({ ...config.store, embedder: identity });
  if (seed && (await store.countPapers()) === 0) {
    logger?.info({ corpus: config.corpusPath }, 'empty store: ingesting the bundled corpus');
    await ingestPapers(await readPaperFile(config.corpusPath), { store, embedder, progress });
  } else {
    await completeInterruptedRuns(store, embedder);
  }
  const retriever = createHybridRetriever({ store, embedder });
  // The agent's tools are our own search and lookup; `engine` is defined by the time a tool runs.
  const tools = { search: (query: string, paperIds?: string[]) => retriever.retrieve(query, { k: 4, paperIds }), lookup: (idOrTitle: string) => engine.paper(idOrTitle) };
  // With a chat model configured, answers are written by it; without one everything stays offline.
  const llm = config.llm
    ? await (await import('./llm/create-llm.ts')).createLlm(config.llm, { logger, promptsDir, comparisonAgent: comparisonAgent ? tools : undefined })
    : undefined;
  const engine = createEngine({
    store,
    embedder,
    retriever,
    relevanceFloor: config.relevanceFloor,
    logger,
    composer: llm?.composer,
    condense: llm?.condense,
    modelBudgetMs: config.llm?.timeoutMs,
  });
  return { engine, store, embedder, retriever };
}

/**
 * The digest service over an opened engine. `posters` may be filled in later, as platforms start;
 * the scheduler skips channels of absent platforms.
 */
export async function createDigests(
  { config, logger, http }: App,
  { engine, store, embedder }: OpenedEngine,
  posters: DigestDeps['posters'] = {},
): Promise<{ digests: DigestService; deps: DigestDeps }> {
  const deps: DigestDeps = {
    engine,
    store,
    embedder,
    digestStore: await openDigestStore(store.connection),
    posters,
    config: config.digest,
    fetchSource: sourceFetcher({ http, hfApiBase: config.digest.hfApiBase, arxivApiBase: config.digest.arxivApiBase }),
    ingestPapers,
    logger,
    // With a chat model, gists and keyword-theme names are written by it (extractive on failure).
    ...(config.llm && {
      writer: await (await import('./llm/digest-writer.ts')).createLlmDigestWriter(config.llm, { logger, promptsDir: packagePath('prompts') }),
    }),
  };
  return { digests: createDigestService(deps), deps };
}

/**
 * `npm start`: every chat adapter whose tokens are set, with the daily-digest scheduler behind
 * them and `/healthz`, or an interactive terminal chat (resolved when it ends) when no platform is
 * configured. `onFatal` is told when a platform will never reconnect (e.g. a revoked token).
 * Returns how to stop what was started; answers in progress get a bounded grace period.
 */
export async function startApp(app: App, { onFatal }: { onFatal?: (error: Error) => void } = {}): Promise<{ stop(): Promise<void> }> {
  const { config, logger } = app;
  const opened = await openEngine(config, { logger, progress: app.progress() });
  const { store, embedder } = opened;
  // "summarise https://arxiv.org/abs/2501.12345": papers a question names are fetched when missing.
  const fetchPapers = (ids: string[]) => fetchArxiv({ baseUrl: config.digest.arxivApiBase, http: app.http, ids });
  const engine = withLinkedPapers(opened.engine, { store, embedder, fetchPapers, ingestPapers, logger });
  if (!config.slack && !config.discord) {
    await runTerminalChat(engine);
    await engine.close();
    return { stop: async () => {} };
  }

  const posters: DigestDeps['posters'] = {};
  const { digests, deps } = await createDigests(app, { ...opened, engine }, posters);
  // One question ledger for every platform: a question is answered once across restarts and replicas.
  const claims = await openQuestionClaims(store.connection);
  const stops: (() => Promise<void>)[] = [];
  // Filled in as platforms start; /healthz reports each.
  const platforms: Record<string, () => boolean> = {};
  const health = createHealthCheck({ store, platforms });
  const chat = { engine, claims, limits: config.limits, answerTimeoutMs: config.answerTimeoutMs, logger, digests };
  if (config.slack) {
    const { createSlackApp } = await import('../adapters/slack/create-slack-app.ts');
    const { createDigestWebClient, createSlackDigestPoster } = await import('../adapters/slack/digest-poster.ts');
    // The digest poster has its own client without automatic retries: a retried post whose
    // response was lost would publish the digest twice (the ledger asks findExisting instead).
    posters.slack = createSlackDigestPoster({ client: createDigestWebClient(config.slack, logger), logger });
    const slack = createSlackApp({ ...chat, config: config.slack, health });
    await slack.start();
    stops.push(() => slack.stop());
    platforms.slack = () => slack.connected();
    logger.info({ mode: config.slack.appToken ? 'socket' : 'http' }, 'Slack adapter started');
  }
  if (config.discord) {
    const { createDiscordBot } = await import('../adapters/discord/create-discord-bot.ts');
    const { createDiscordDigestPoster } = await import('../adapters/discord/digest-poster.ts');
    const discord = createDiscordBot({ ...chat, config: config.discord, onFatal });
    // The poster uses the client's REST connection, which has the token only after login.
    await discord.start();
    posters.discord = createDiscordDigestPoster(discord.client, { logger });
    stops.push(() => discord.stop());
    platforms.discord = () => discord.connected();
    logger.info('Discord adapter started');
  }
  if (config.health) {
    const server = await startHealthServer({ ...config.health, check: health });
    stops.push(() => server.close());
  }

  const scheduler = createDigestScheduler(deps);
  scheduler.start();
  logger.info({ cron: config.digest.cron, timezone: config.digest.timezone }, 'digest scheduler started');
  return {
    async stop() {
      await scheduler.stop();
      // Answers in progress get a bounded grace period; the platforms stop taking new ones at once.
      if (!(await stopWithin(stops, SHUTDOWN_GRACE_MS))) logger.warn('answers still in progress after the grace period were dropped');
      await engine.close();
    },
  };
}
