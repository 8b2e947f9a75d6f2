import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { QuestionClaim, QuestionClaims } from '../store/question-claims.ts';
import type { Engine } from '../types.ts';
import { refusalFor, userKeyOf } from './admission.ts';
import { conversationTurns } from './conversation.ts';
import { withDeadline } from './deadline.ts';
import { messages, placeholderFor, userMessageFor } from './messages.ts';
import type { RateLimiter } from './rate-limit.ts';
import { createEditThrottle } from './throttled-edits.ts';
import { ConversationGoneError, type ChatRenderer, type ChatTransport, type Question } from './transport.ts';

export interface ChatFlowOptions {
  engine: Engine;
  claims: QuestionClaims;
  limits: Config['limits'];
  rateLimiter: RateLimiter;
  logger: Logger;
  /** How long an answer may take before the asker gets a short apology instead (default 90 s). */
  answerTimeoutMs?: number;
  /** Least time between edits while an answer streams in (both platforms allow about one a second). */
  streamEditIntervalMs?: number;
  /**
   * How long a claim protects a question being answered; after it, a redelivery takes the question
   * over. Default: twice the answer deadline, so a live attempt is not taken over, while Slack's
   * last retry (5 minutes after the event) still finds a dead attempt's lease over.
   */
  leaseMs?: number;
  now?: () => Date;
}

export interface AskedQuestion<M> {
  question: Question;
  transport: ChatTransport<M>;
  render: ChatRenderer<M>;
  /** Says how to get help on this platform, e.g. "`/papers help`". */
  help: string;
  /** The adapter's logger, with its context (event id, channel). */
  logger?: Logger;
}

export interface ChatFlow {
  /** Answers a question once, however often it is delivered; never throws. */
  answer<M>(asked: AskedQuestion<M>): Promise<void>;
  /** How long a claim protects a question being answered. */
  readonly leaseMs: number;
}

export const STREAM_EDIT_INTERVAL_MS = 1200;

/**
 * The one conversation flow every chat platform goes through: admission (empty, too long) →
 * claim (once per question across restarts and replicas) → rate limit → placeholder → history →
 * engine, with a deadline and streamed edits → final answer, or an apology in the placeholder.
 *
 * @example
 * const chat = createChatFlow({ engine, claims, limits, rateLimiter, logger });
 * await chat.answer({ question, transport, render, help: '`/papers help`' });
 */
export function createChatFlow({
  engine,
  claims,
  limits,
  rateLimiter,
  logger,
  answerTimeoutMs = 90_000,
  streamEditIntervalMs = STREAM_EDIT_INTERVAL_MS,
  leaseMs = 2 * answerTimeoutMs,
  now = () => new Date(),
}: ChatFlowOptions): ChatFlow {
  const processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let attempts = 0;

  return {
    leaseMs,
    async answer<M>({ question: q, transport, render, help, logger: log = logger }: AskedQuestion<M>) {
      const key = [q.platform, q.workspaceId ?? '', q.channelId, q.eventId].join(':');
      log = log.child({ question: key });
      const text = q.text.trim();
      const tell = (note: string) => transport.ephemeral(render.notice(note)).catch((err: unknown) => log.error({ err }, 'could not tell the asker'));

      // Checks that need no state come first: a retried empty mention costs no store write.
      const invalid = refusalFor(text, { userKey: '', ifEmpty: messages.emptyQuestion(help), rateLimited: false }, { limits, rateLimiter });
      if (invalid !== undefined) return void (await tell(invalid));

      const owner = `${processId}:${++attempts}`;
      let claim: QuestionClaim;
      /** Where the lease of the attempt this one took over ended; undefined when it took none over. */
      let previousLeaseEnd: Date | undefined;
      try {
        const taken = await claims.claim({ key, owner, now: now(), leaseMs });
        if (!taken) return log.debug('question already answered or being answered; delivery ignored');
        if (taken.previous) {
          previousLeaseEnd = new Date(taken.previous.leaseUntil);
          log.warn({ previous: taken.previous.leaseOwner }, 'an earlier attempt died while answering; taking the question over');
        }
        claim = { key, state: 'answering', leaseOwner: owner, leaseUntil: '', updatedAt: '', ...(taken.previous?.placeholderRef !== undefined && { placeholderRef: taken.previous.placeholderRef }) };
      } catch (err) {
        log.error({ err }, 'could not claim the question; not answering it');
        return void (await tell(messages.apology));
      }
      const record = async (state: QuestionClaim['state'], placeholderRef = claim.placeholderRef) => {
        const at = now();
        claim = { ...claim, state, updatedAt: at.toISOString(), leaseUntil: new Date(at.getTime() + leaseMs).toISOString(), ...(placeholderRef !== undefined && { placeholderRef }) };
        const held = await claims.update(claim).catch((err: unknown) => (log.warn({ err }, 'could not record the question’s progress'), true));
        if (!held) log.warn('another attempt took this question over');
      };

      // An attempt that outlived its lease (a paused process) must not overwrite the one that took over.
      const stillMine = async () => {
        const current = await claims.get(key).catch(() => undefined);
        if (current === undefined || current.leaseOwner === owner) return true;
        log.warn({ by: current.leaseOwner }, 'another attempt took this question over; leaving the reply to it');
        return false;
      };

      // Retries and replays cost no rate-limit slot: only a claimed question is counted.
      const limited = refusalFor(text, { userKey: userKeyOf(q) }, { limits, rateLimiter });
      if (limited !== undefined) {
        await tell(limited);
        return record('refused');
      }

      let placeholder = claim.placeholderRef;
      try {
        // A dead attempt may have posted its placeholder without living to record it.
        if (placeholder === undefined && previousLeaseEnd && transport.findPlaceholder) {
          placeholder = await transport.findPlaceholder(key, { postedBefore: previousLeaseEnd }).catch((err: unknown) => (log.warn({ err }, 'could not look for an earlier placeholder'), undefined));
          if (placeholder !== undefined) await record('answering', placeholder);
        }
        if (placeholder === undefined) {
          placeholder = await transport.postPlaceholder(render.placeholder(await placeholderFor(engine)), key);
          await record('answering', placeholder);
        }
        const ref = placeholder;
        const [history, paperIds] = await Promise.all([
          transport.history().then(
            (recent) => conversationTurns(recent, q.userId),
            (err: unknown) => (log.warn({ err }, 'could not read the conversation; answering without its history'), []),
          ),
          transport.digestPaperIds(),
        ]);
        const preview = createEditThrottle({
          minIntervalMs: streamEditIntervalMs,
          edit: (soFar) => transport.update(ref, render.partial(soFar, text)),
          onError: (err) => log.warn({ err }, 'could not show the partial answer'),
        });
        const answer = await withDeadline(answerTimeoutMs, (signal) =>
          engine.ask(text, { history, signal, onPartial: preview.offer, ...(paperIds && { paperIds }) }),
        ).finally(() => preview.finish());
        if (!(await stillMine())) return;
        const [first, ...rest] = render.answer(answer, text);
        if (first !== undefined) await transport.update(ref, first);
        for (const part of rest) await transport.post(part);
        await record('answered');
        log.info({ platform: q.platform, citations: answer.citations.length, abstained: answer.abstained, turns: history.length }, 'answered');
      } catch (err) {
        if (err instanceof ConversationGoneError) {
          log.warn({ err: err.message }, 'the conversation is gone; the question stays unanswered');
          return record('failed');
        }
        log.error({ err }, 'answering a question failed');
        if (!(await stillMine())) return;
        const apology = render.notice(userMessageFor(err));
        await (placeholder === undefined ? transport.post(apology) : transport.update(placeholder, apology)).catch((e: unknown) =>
          log.error({ err: e }, 'could not post the apology either'),
        );
        await record('failed');
      }
    },
  };
}
