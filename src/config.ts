import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { parseSourceSpec, type SourceSpec } from './source-spec.ts';
import { ConfigError } from './errors.ts';
import { packagePath } from './package-root.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const url = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), {
    message: `${name} must be an http(s) URL, e.g. https://example.com`,
  });
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  PAPERBOY_DB_URI: z.string().default('./.paperboy/db'),
  PAPERBOY_CORPUS: z.string().default(packagePath('data', 'papers.txt')),
  LANCEDB_API_KEY: optionalString,
  LANCEDB_REGION: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RELEVANCE_FLOOR: z.coerce.number().min(0).max(1).optional(),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
  CHAT_MODEL: optionalString,
  EMBEDDING_MODEL: optionalString,
  LLM_TIMEOUT_MS: positiveInt(30_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(6).default(2),
  LLM_COMPARISON_AGENT: bool.default('false'),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.2),
  LLM_MAX_TOKENS: positiveInt(800),
  LLM_STRUCTURED_OUTPUT: bool.default('false'),
  CLAIM_CHECK: z.enum(['drop', 'mark']).default('drop'),
  LLM_VERIFY: bool.default('false'),

  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_PORT: positiveInt(3000),
  SLACK_HOST: z.string().default('0.0.0.0'),
  SLACK_API_URL: url('SLACK_API_URL'),
  SLACK_SLASH_COMMAND: z
    .string()
    .default('/papers')
    .refine((v) => /^\/[a-z0-9_-]{1,31}$/.test(v), 'SLACK_SLASH_COMMAND must look like /papers'),

  DISCORD_TOKEN: optionalString,
  DISCORD_APP_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_API_URL: url('DISCORD_API_URL'),
  DISCORD_MESSAGE_CONTENT: bool.default('false'),

  HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  HEALTH_HOST: z.string().default('0.0.0.0'),

  RATE_LIMIT_PER_MINUTE: positiveInt(6),
  MAX_QUESTION_CHARS: positiveInt(2000),
  ANSWER_TIMEOUT_MS: positiveInt(90_000),

  DIGEST_CRON: z.string().default('0 9 * * 1-5'),
  DIGEST_TZ: z.string().default('UTC'),
  DIGEST_SEND_EMPTY: bool.default('false'),
  ADMIN_USER_IDS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  DIGEST_SOURCES: z.string().default('hf-daily'),
  HF_API_BASE: z.string().url().default('https://huggingface.co'),
  ARXIV_API_BASE: z.string().url().default('https://export.arxiv.org'),
  CI: optionalString,
});

type Env = z.infer<typeof schema>;

export interface Config {
  store: { uri: string; apiKey?: string; region?: string };
  corpusPath: string;
  logLevel: Env['LOG_LEVEL'];
  /** Running on a CI runner (`CI` set): no progress bars. */
  ci: boolean;
  /** Override for the calibrated relevance floor (0..1). */
  relevanceFloor?: number;
  llm?: {
    apiKey?: string;
    baseURL?: string;
    chatModel: string;
    /** One budget for every model call of a question, retries included. */
    timeoutMs: number;
    maxRetries: number;
    comparisonAgent?: boolean;
    temperature?: number;
    maxTokens?: number;
    /** Ask for JSON (sentence, sources, quote) through the server's JSON-schema support. */
    structuredOutput?: boolean;
    /** Sentences the claim check rejects are dropped, or shown marked as unverified. */
    claimCheck?: 'drop' | 'mark';
    /** One more bounded call judging each kept sentence against its quote. */
    verify?: boolean;
  };
  /** OpenAI embeddings get a per-request timeout (LLM_TIMEOUT_MS) and bounded retries. */
  embeddings: { kind: 'builtin' } | { kind: 'openai'; model: string; apiKey?: string; baseURL?: string; timeoutMs?: number };
  limits: { ratePerMinute: number; maxQuestionChars: number };
  /** How long a chat answer may take before the asker gets an apology; a claimed question's lease is twice this. */
  answerTimeoutMs: number;
  slack?: {
    botToken: string;
    appToken?: string;
    signingSecret?: string;
    port: number;
    host: string;
    apiUrl?: string;
    slashCommand: string;
  };
  discord?: { token: string; appId?: string; guildId?: string; apiUrl?: string; messageContent: boolean };
  /** `GET /healthz` on its own port (Socket Mode, Discord only); HTTP-mode Slack serves it on SLACK_PORT anyway. */
  health?: { host: string; port: number };
  digest: {
    cron: string;
    timezone: string;
    sendEmpty: boolean;
    adminUserIds: string[];
    /** What each scheduled run fetches first, in `npm run ingest` syntax (hf-daily, arxiv:cat:cs.CL, …). */
    sources: SourceSpec[];
    hfApiBase: string;
    arxivApiBase: string;
  };
}

/** The secret values in a loaded config, for the logger to mask wherever they appear. */
export function secretValues(config: Config): (string | undefined)[] {
  return [config.llm?.apiKey, config.store.apiKey, config.slack?.botToken, config.slack?.appToken, config.slack?.signingSecret, config.discord?.token];
}

/**
 * Reads `.env` (if present) under the real environment, validates every setting once and returns
 * a typed config. Throws a ConfigError listing every problem with the variable to fix.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenvPath = '.env'): Config {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  // An empty value (`KEY=` as in .env.example) means "not set", never 0 or "".
  const merged = Object.fromEntries(Object.entries({ ...fromFile, ...env }).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];

  const llmConfigured = e.OPENAI_API_KEY !== undefined || e.OPENAI_BASE_URL !== undefined;
  if (e.EMBEDDING_MODEL && !llmConfigured) {
    problems.push('EMBEDDING_MODEL is set but neither OPENAI_API_KEY nor OPENAI_BASE_URL is: set one of them.');
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_BOT_TOKEN is set: also set SLACK_APP_TOKEN (Socket Mode, no public URL needed) or SLACK_SIGNING_SECRET (HTTP mode).',
    );
  }
  if (e.SLACK_APP_TOKEN && !e.SLACK_APP_TOKEN.startsWith('xapp-')) {
    problems.push('SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens).');
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_BOT_TOKEN.startsWith('xoxb-')) {
    problems.push('SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions).');
  }
  if ((e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) && !e.SLACK_BOT_TOKEN) {
    problems.push('SLACK_APP_TOKEN/SLACK_SIGNING_SECRET are set but SLACK_BOT_TOKEN is not.');
  }
  const sources: SourceSpec[] = [];
  for (const spec of e.DIGEST_SOURCES.split(';').map((x) => x.trim()).filter(Boolean)) {
    try {
      const parsed = parseSourceSpec(spec);
      if (parsed) sources.push(parsed);
      else problems.push(`DIGEST_SOURCES: "${spec}" is not a source; use hf-daily, arxiv:cat:cs.CL or arxiv:<query>, separated by ";".`);
    } catch (err) {
      problems.push(`DIGEST_SOURCES: ${(err as Error).message}`);
    }
  }
  if (!isValidTimezone(e.DIGEST_TZ)) {
    problems.push(`DIGEST_TZ "${e.DIGEST_TZ}" is not an IANA time zone (e.g. Europe/Berlin, UTC).`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration (see .env.example):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }

  return {
    store: { uri: e.PAPERBOY_DB_URI, apiKey: e.LANCEDB_API_KEY, region: e.LANCEDB_REGION },
    corpusPath: e.PAPERBOY_CORPUS,
    logLevel: e.LOG_LEVEL,
    ci: e.CI !== undefined && !['false', '0'].includes(e.CI),
    relevanceFloor: e.RELEVANCE_FLOOR,
    llm: llmConfigured
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseURL: e.OPENAI_BASE_URL,
          chatModel: e.CHAT_MODEL ?? 'gpt-4o-mini',
          timeoutMs: e.LLM_TIMEOUT_MS,
          maxRetries: e.LLM_MAX_RETRIES,
          comparisonAgent: e.LLM_COMPARISON_AGENT,
          temperature: e.LLM_TEMPERATURE,
          maxTokens: e.LLM_MAX_TOKENS,
          structuredOutput: e.LLM_STRUCTURED_OUTPUT,
          claimCheck: e.CLAIM_CHECK,
          verify: e.LLM_VERIFY,
        }
      : undefined,
    embeddings: e.EMBEDDING_MODEL
      ? { kind: 'openai', model: e.EMBEDDING_MODEL, apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, timeoutMs: e.LLM_TIMEOUT_MS }
      : { kind: 'builtin' },
    limits: { ratePerMinute: e.RATE_LIMIT_PER_MINUTE, maxQuestionChars: e.MAX_QUESTION_CHARS },
    answerTimeoutMs: e.ANSWER_TIMEOUT_MS,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          appToken: e.SLACK_APP_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          port: e.SLACK_PORT,
          host: e.SLACK_HOST,
          apiUrl: e.SLACK_API_URL,
          slashCommand: e.SLACK_SLASH_COMMAND,
        }
      : undefined,
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          appId: e.DISCORD_APP_ID,
          guildId: e.DISCORD_GUILD_ID,
          apiUrl: e.DISCORD_API_URL,
          messageContent: e.DISCORD_MESSAGE_CONTENT,
        }
      : undefined,
    health: e.HEALTH_PORT === undefined ? undefined : { host: e.HEALTH_HOST, port: e.HEALTH_PORT },
    digest: {
      cron: e.DIGEST_CRON,
      timezone: e.DIGEST_TZ,
      sendEmpty: e.DIGEST_SEND_EMPTY,
      adminUserIds: e.ADMIN_USER_IDS,
      sources,
      hfApiBase: e.HF_API_BASE,
      arxivApiBase: e.ARXIV_API_BASE,
    },
  };
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
