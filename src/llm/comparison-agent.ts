import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatPromptTemplate } from '@langchain/core/prompts';
import { createAgent, modelCallLimitMiddleware, tool, toolCallLimitMiddleware } from 'langchain';
import { z } from 'zod';
import type { Composer } from '../answer/composer.ts';
import type { Logger } from '../logger.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import { splitSentences } from '../text/sentences.ts';
import type { Paper } from '../types.ts';
import type { ComposeOptions } from '../answer/composer.ts';
import { stepTimeout, type Clock } from './budget.ts';
import { ABSTAIN_SENTINEL, groundedAnswer, type GroundingSettings, type SourcePaper } from './grounded-answer.ts';
import { formatQuestion, formatSource, formatSources } from './sources.ts';

/** Questions that ask to set papers side by side, which the first retrieval often covers only in part. */
export const COMPARISON_QUESTION = /\b(compar\w*|versus|vs\.?|contrast\w*|differences?|differ)\b/i;

export interface ComparisonAgentDeps extends GroundingSettings {
  model: BaseChatModel;
  /** The comparison prompt (`prompts/compare.md`); variables `sources`, `question`, `sentinel`, `maxToolCalls`. */
  prompt: ChatPromptTemplate;
  /** Our hybrid search, best first, within `paperIds` when the question is restricted to some papers. */
  search(query: string, paperIds?: string[]): Promise<RetrievedPaper[]>;
  /** A paper by id, or else by the best title match. */
  lookup(idOrTitle: string): Promise<Paper | undefined>;
  /** Answers everything that is not a comparison, and comparisons the agent could not finish. */
  fallback: Composer;
  timeoutMs: number;
  /** Tool calls allowed per answer; the model is then told to answer with what it has. */
  maxToolCalls?: number;
  maxSources?: number;
  /** Papers one search adds as sources. */
  searchResults?: number;
  modelName?: string;
  logger?: Logger;
  /** The clock the question's budget is measured with; injectable for tests. */
  now?: Clock;
}

/**
 * For comparison questions ("compare the three codec papers"), a LangChain agent that may search
 * and look papers up before answering, bounded to a few tool calls and one deadline. Every paper
 * a tool shows gets the next source number, so the answer goes through the same citation repair
 * and verbatim quotes as any other; anything else (or a failed run) goes to `fallback`.
 */
export function createComparisonAgentComposer({
  model,
  prompt,
  search,
  lookup,
  fallback,
  timeoutMs,
  maxToolCalls = 3,
  maxSources = 6,
  searchResults = 4,
  modelName,
  logger,
  now,
  claimCheck,
  minSupportedShare,
}: ComparisonAgentDeps): Composer {
  return {
    async compose(question, papers, options = {}) {
      if (!COMPARISON_QUESTION.test(question)) return fallback.compose(question, papers, options);
      try {
        const answer = await runAgent(question, papers, options);
        if (answer) return answer;
        logger?.warn({ model: modelName }, 'comparison agent gave no cited answer; answering without tools');
      } catch (err) {
        if (options.signal?.aborted) throw err;
        logger?.warn({ err, model: modelName }, 'comparison agent failed; answering without tools');
      }
      return fallback.compose(question, papers, options);
    },
  };

  async function runAgent(question: string, papers: RetrievedPaper[], { signal, paperIds, deadline: questionDeadline, asked }: ComposeOptions) {
    const allowed = (id: string) => !paperIds || paperIds.includes(id);
    const sources: SourcePaper[] = papers.slice(0, maxSources);
    /** The source number of a paper, numbering it on first sight. */
    const numberOf = (source: SourcePaper): number => {
      const known = sources.findIndex((s) => s.paper.id === source.paper.id);
      if (known >= 0) return known + 1;
      return sources.push(source);
    };
    const searchPapers = tool(
      async ({ query }) => {
        const found = (await search(query, paperIds)).slice(0, searchResults);
        return found.length === 0 ? 'No papers matched.' : found.map((r) => formatSource(r.paper, numberOf(r))).join('\n\n');
      },
      {
        name: 'search_papers',
        description: 'Searches the paper collection by topic. Returns the best matching papers as numbered sources.',
        schema: z.object({ query: z.string().describe('Topic, method or task to search for') }),
      },
    );
    const getPaper = tool(
      async ({ idOrTitle }) => {
        const found = await lookup(idOrTitle);
        const paper = found && allowed(found.id) ? found : undefined;
        return paper ? formatSource(paper, numberOf({ paper, evidence: [paper.title, ...splitSentences(paper.abstract)] })) : `No paper matches "${idOrTitle}".`;
      },
      {
        name: 'get_paper',
        description: 'Looks one paper up by arXiv id or title. Returns it as a numbered source.',
        schema: z.object({ idOrTitle: z.string().describe('arXiv id or title words') }),
      },
    );

    const [system, user] = await prompt.formatMessages({ sources: formatSources(papers.slice(0, maxSources)), question: formatQuestion(question, asked), sentinel: ABSTAIN_SENTINEL, maxToolCalls });
    const agent = createAgent({
      model,
      tools: [searchPapers, getPaper],
      systemPrompt: system!.text,
      middleware: [
        // Over the limit, the model is told to stop calling tools and answer; a model that keeps
        // trying is cut off after a few more turns.
        toolCallLimitMiddleware({ runLimit: maxToolCalls, exitBehavior: 'continue' }),
        modelCallLimitMiddleware({ runLimit: maxToolCalls + 2, exitBehavior: 'end' }),
      ],
    });
    // The agent draws on the question's budget; whatever it leaves is the fallback's.
    const deadline = AbortSignal.timeout(Math.max(0, stepTimeout(timeoutMs, questionDeadline, now)));
    const result = await agent.invoke({ messages: [user!] }, { signal: signal ? AbortSignal.any([deadline, signal]) : deadline });
    const messages: BaseMessage[] = result.messages;
    const replies = messages.filter((m): m is AIMessage => AIMessage.isInstance(m));
    logger?.info(
      {
        model: modelName,
        modelCalls: replies.length,
        toolCalls: replies.reduce((n, m) => n + (m.tool_calls?.length ?? 0), 0),
        usage: replies.reduce(
          (sum, m) => ({
            inputTokens: sum.inputTokens + (m.usage_metadata?.input_tokens ?? 0),
            outputTokens: sum.outputTokens + (m.usage_metadata?.output_tokens ?? 0),
            totalTokens: sum.totalTokens + (m.usage_metadata?.total_tokens ?? 0),
          }),
          { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        ),
      },
      'comparison agent token usage',
    );
    const last = messages.at(-1);
    if (!last || !AIMessage.isInstance(last) || (last.tool_calls?.length ?? 0) > 0 || !last.text.trim()) return undefined;
    return groundedAnswer(last.text, sources, { question: `${question}\n${asked ?? ''}`, logger, claimCheck, minSupportedShare });
  }
}
