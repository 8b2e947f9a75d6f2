import { z } from 'zod';
import { stepTimeout } from './budget.ts';
import { callModel, type ModelStepDeps } from './call-model.ts';

/** A kept sentence and the paper sentence(s) the claim check matched it to. */
export interface ClaimToVerify {
  sentence: string;
  quotes: string[];
}

/**
 * Judges claims against their quotes in one model call; resolves to the indexes of the claims the
 * model found unsupported, or undefined when the call failed or its reply is unreadable (the claim
 * check's result then stands).
 */
export type ClaimVerifier = (claims: ClaimToVerify[], options: { deadline?: number; signal?: AbortSignal }) => Promise<Set<number> | undefined>;

const ReplySchema = z.object({ verdicts: z.array(z.object({ n: z.number().int(), supported: z.boolean() })) });

/** Its prompt is `prompts/verify.md`; variable `claims`. */
export function createClaimVerifier({ model, prompt, timeoutMs, maxRetries, modelName, logger, retry }: ModelStepDeps): ClaimVerifier {
  return async (claims, { deadline, signal }) => {
    if (claims.length === 0) return new Set();
    const messages = await prompt.formatMessages({
      claims: claims.map((c, i) => `<claim n="${i + 1}">\nSentence: ${defuse(c.sentence)}\nQuote: ${c.quotes.map(defuse).join(' … ')}\n</claim>`).join('\n\n'),
    });
    try {
      const reply = await callModel(model, messages, { timeoutMs: stepTimeout(timeoutMs, deadline, retry?.now), maxRetries: Math.min(maxRetries, 1), signal, ...retry });
      logger?.info({ model: modelName, usage: reply.usage, attempts: reply.attempts }, 'claim verifier token usage');
      const start = reply.text.indexOf('{');
      const parsed = ReplySchema.safeParse(JSON.parse(reply.text.slice(start, reply.text.lastIndexOf('}') + 1)));
      if (!parsed.success) throw new Error('the verifier reply is not {"verdicts": [...]}');
      return new Set(parsed.data.verdicts.filter((v) => !v.supported && v.n >= 1 && v.n <= claims.length).map((v) => v.n - 1));
    } catch (err) {
      if (signal?.aborted) throw err;
      logger?.warn({ err, model: modelName }, 'claim verifier failed; keeping the claim check result');
      return undefined;
    }
  };
}

function defuse(text: string): string {
  return text.replace(/<\s*\/?\s*claim/gi, '‹claim').replace(/\s+/g, ' ');
}
