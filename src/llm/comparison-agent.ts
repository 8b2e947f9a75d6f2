import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatPromptTemplate } from '@langchain/core/prompts';
import { createAgent, createMiddleware, modelCallLimitMiddleware, tool, toolCallLimitMiddleware } from 'langchain';
import { z } from 'zod';
import type { Composer } from '../answer/composer.ts';
import { createExtractiveComposer } from '../answer/extractive-composer.ts';
import type { Logger } from '../logger.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import { splitSentences } from '../text/sentences.ts';
import type { Paper } from '../types.ts';
import type { ComposeOptions } from '../answer/composer.ts';
import { stepTimeout, type Clock } from './budget.ts';
import { checkedReply } from './checked-reply.ts';
import { ABSTAIN_SENTINEL, type GroundingSettings, type SourcePaper } from './grounded-answer.ts';
import { formatQuestion, formatSource, formatSources } from './sources.ts';
import type { ClaimVerifier } from './verify-claims.ts';

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
  /** Answers with quotes when too little of the agent's answer is supported; extractive by default. */
  quotes?: Composer;
  /** The same verifier pass as the plain answer's (`LLM_VERIFY`). */
  verify?: ClaimVerifier;
  /** The question's budget when the engine gives none. */
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
 * a tool shows gets the next source number, so the answer goes through the same claim check,
 * verifier and fallback to quotes as any other; anything else (or a failed run) goes to
 * `fallback`, within what is left of the same budget.
 */
export function createComparisonAgentComposer({
  model,
  prompt,
  search,
  lookup,
  fallback,
  quotes = createExtractiveComposer(),
  verify,
  timeoutMs,
  maxToolCalls = 3,
  maxSources = 6,
  searchResults = 4,
  modelName,
  logger,
  now = Date.now,
  claimCheck,
  minSupportedShare,
}: ComparisonAgentDeps): Composer {
  return {
    async compose(question, papers, given = {}) {
      if (!COMPARISON_QUESTION.test(question)) return fallback.compose(question, papers, given);
      // The agent, the verifier and the fallback all draw on one budget.
      const options = { ...given, deadline: given.deadline ?? now() + timeoutMs };
      let reply;
      try {
        reply = await runAgent(question, papers, options);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        logger?.warn({ err, model: modelName }, 'comparison agent failed; answering without tools');
        return fallback.compose(question, papers, options);
      }
      if (reply) return checkedReply(reply.text, { ...reply, papers, question }, options, { fallback: quotes, verify, logger, modelName, claimCheck, minSupportedShare });
      logger?.warn({ model: modelName }, 'comparison agent gave no answer; answering without tools');
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
        // Each model turn starts only while the question's budget lasts (tools take time too).
        createMiddleware({
          name: 'QuestionBudgetMiddleware',
          beforeModel: () => {
            if (stepTimeout(timeoutMs, questionDeadline, now) <= 0) throw new Error('No time was left for the comparison agent within LLM_TIMEOUT_MS');
          },
        }),
      ],
    });
    // The agent draws on the question's budget; whatever it leaves is the verifier's or the fallback's.
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
    return { text: last.text, sources };
  }
}
