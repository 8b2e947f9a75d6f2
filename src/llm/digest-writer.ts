import { z } from 'zod';
import type { DigestPaperText, DigestWriter } from '../digest/types.ts';
import type { Logger } from '../logger.ts';
import { callModel, type ModelStepDeps, type RetryTuning } from './call-model.ts';
import { createChatModel, type LlmConfig } from './create-llm.ts';
import { loadPrompt } from './prompts.ts';

/** Its prompt is `prompts/digest.md`; variables `papers`, `themes`, `maxGistWords`, `maxThemeWords`. */
export interface DigestWriterDeps extends ModelStepDeps {
  /** Papers sent to the model, in digest order; the rest keep their extractive gists. */
  maxPapers?: number;
  maxAbstractChars?: number;
  /** Longest gist accepted; a longer one keeps the extractive gist. */
  maxGistChars?: number;
  /** Longest theme name accepted. */
  maxThemeChars?: number;
  /** What the prompt asks for (the character limits are what is enforced). */
  maxGistWords?: number;
  maxThemeWords?: number;
}

/** The reply's shape; items are checked one by one so one bad gist does not cost the others. */
const ReplySchema = z.object({ papers: z.array(z.unknown()).default([]), themes: z.array(z.unknown()).default([]) });
const GistSchema = z.object({ n: z.number().int().positive(), gist: z.string() }).transform(({ n, gist }) => ({ n, text: oneLine(gist) }));
const ThemeNameSchema = z.object({ n: z.number().int().positive(), name: z.string() }).transform(({ n, name }) => ({ n, text: oneLine(name) }));

/**
 * Gists and theme names written by the chat model in one call per digest. Papers go to the model
 * numbered and delimited as untrusted data; its JSON reply is validated item by item. A paper
 * whose gist is missing, malformed or too long keeps its extractive gist; a failed call or an
 * unreadable reply keeps the whole extractive digest (one warning). Themes of a digest with
 * topics are the channel's own words and are never renamed.
 *
 * @example
 * const writer = createDigestWriter({ model, prompt: await loadPrompt('digest'), timeoutMs: 120_000, maxRetries: 2 });
 * const digest = await writer.write(extractiveDigest, papers);
 */
export function createDigestWriter({
  model,
  prompt,
  timeoutMs,
  maxRetries,
  modelName,
  logger,
  maxPapers = 40,
  maxAbstractChars = 1500,
  maxGistChars = 240,
  maxGistWords = 30,
  maxThemeChars = 40,
  maxThemeWords = 4,
  retry,
}: DigestWriterDeps): DigestWriter {
  return {
    async write(digest, papers) {
      const textOf = new Map(papers.map((p) => [p.id, p]));
      const sent = digest.themes
        .flatMap((t) => t.papers)
        .filter((p) => textOf.has(p.id))
        .slice(0, maxPapers);
      if (sent.length === 0) return digest;
      const numberOf = new Map(sent.map((p, i) => [p.id, i + 1]));
      const themesToName = digest.topics.length > 0 ? [] : digest.themes.map((t, i) => ({ n: i + 1, theme: t })).filter(({ theme }) => theme.papers.some((p) => numberOf.has(p.id)));

      const messages = await prompt.formatMessages({
        papers: sent.map((p) => formatPaper(numberOf.get(p.id)!, textOf.get(p.id)!, p.gist, maxAbstractChars)).join('\n\n'),
        themes:
          themesToName.length === 0
            ? 'None: answer with an empty "themes" list.'
            : themesToName.map(({ n, theme }) => formatTheme(n, theme.name, theme.papers.flatMap((p) => numberOf.get(p.id) ?? []))).join('\n'),
        maxGistWords,
        maxThemeWords,
      });

      let reply;
      try {
        const answer = await callModel(model, messages, { timeoutMs, maxRetries, ...retry });
        logger?.info({ model: modelName, usage: answer.usage, attempts: answer.attempts }, 'digest writer token usage');
        reply = ReplySchema.parse(JSON.parse(jsonPart(answer.text)));
      } catch (err) {
        logger?.warn({ err, model: modelName, day: digest.day }, 'digest writer failed; the digest keeps its extractive gists and theme names');
        return digest;
      }

      const gists = collect(reply.papers, GistSchema, (_n, gist) => gist.length <= maxGistChars);
      const nameable = new Set(themesToName.map((t) => t.n));
      const names = collect(reply.themes, ThemeNameSchema, (n, name) => name.length <= maxThemeChars && nameable.has(n));

      const kept = sent.filter((p) => !gists.has(numberOf.get(p.id)!)).map((p) => p.id);
      if (kept.length > 0) logger?.warn({ model: modelName, paperIds: kept }, 'digest writer gave no usable gist for some papers; they keep their extractive gists');
      return {
        ...digest,
        themes: digest.themes.map((theme, i) => ({
          name: names.get(i + 1) ?? theme.name,
          papers: theme.papers.map((p) => {
            const gist = gists.get(numberOf.get(p.id) ?? 0);
            return gist ? { ...p, gist } : p;
          }),
        })),
      };
    },
  };
}

export interface LlmDigestWriterOptions {
  logger?: Logger;
  /** Where the prompt files live (default `prompts`). */
  promptsDir?: string;
  /** Deadline for a digest's call, retries included; default `LLM_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Backoff tuning, for tests. */
  retry?: RetryTuning;
}

/**
 * The digest writer from config, for `DigestDeps.writer`.
 *
 * @example
 * const writer = config.llm ? await createLlmDigestWriter(config.llm, { logger }) : undefined;
 */
export async function createLlmDigestWriter(
  config: LlmConfig,
  { logger, promptsDir, timeoutMs = config.timeoutMs, retry }: LlmDigestWriterOptions = {},
): Promise<DigestWriter> {
  const prompt = await loadPrompt('digest', { dir: promptsDir });
  // The client's own timeout covers the wait for headers, which for a JSON reply is the whole
  // generation: it must not cut the call before our deadline does.
  // One reply holds dozens of gists, so the chat answers' token cap does not apply.
  const model = createChatModel({ ...config, timeoutMs, maxTokens: undefined });
  return createDigestWriter({ model, prompt, timeoutMs, maxRetries: config.maxRetries, modelName: config.chatModel, logger, retry });
}

/** One paper between delimiters; its text is untrusted, so nothing in it may close the block early. */
function formatPaper(n: number, paper: DigestPaperText, currentGist: string, maxAbstractChars: number): string {
  const lines = [
    `Title: ${defuse(oneLine(paper.title))}`,
    paper.aiSummary ? `Summary: ${defuse(oneLine(paper.aiSummary))}` : undefined,
    `Current gist: ${defuse(oneLine(currentGist))}`,
    `Abstract: ${defuse(oneLine(paper.abstract.slice(0, maxAbstractChars)))}`,
  ].filter(Boolean);
  return `<paper n="${n}">\n${lines.join('\n')}\n</paper>`;
}

function formatTheme(n: number, name: string, paperNumbers: number[]): string {
  return `<theme n="${n}" papers="${paperNumbers.join(', ')}">${defuse(oneLine(name))}</theme>`;
}

function defuse(text: string): string {
  return text.replace(/<\s*\/?\s*(paper|theme)/gi, '‹$1');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first acceptable text for each number; items of the wrong shape are skipped. */
function collect(items: unknown[], schema: z.ZodType<{ n: number; text: string }, z.ZodTypeDef, unknown>, accept: (n: number, text: string) => boolean): Map<number, string> {
  const out = new Map<number, string>();
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success && parsed.data.text && accept(parsed.data.n, parsed.data.text) && !out.has(parsed.data.n)) out.set(parsed.data.n, parsed.data.text);
  }
  return out;
}

/** The JSON object in a reply, without the code fence or preamble some models add anyway. */
function jsonPart(text: string): string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : text;
}
