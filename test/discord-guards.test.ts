import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiscordAPIError } from 'discord.js';
import { errorForLog } from '../adapters/discord/guards.ts';
import { refusalFor } from '../src/chat/admission.ts';
import { withDeadline } from '../src/chat/deadline.ts';
import { userMessageFor } from '../src/chat/messages.ts';
import { createRateLimiter, rateLimitMessage } from '../src/chat/rate-limit.ts';
import { ModelError } from '../src/errors.ts';

function context(now: () => number) {
  return { limits: { ratePerMinute: 2, maxQuestionChars: 10 }, rateLimiter: createRateLimiter({ perMinute: 2, now }) };
}

describe('refusalFor', () => {
  it('refuses empty and oversized text without using up the rate limit', () => {
    let t = 0;
    const ctx = context(() => t);
    const refusal = (text: string, userKey: string) => refusalFor(text, { userKey, ifEmpty: 'Please type something for me to look up.' }, ctx);
    expect(refusal('', 'u1')).toBe('Please type something for me to look up.');
    expect(refusal('x'.repeat(11), 'u1')).toBe('That question is too long for me: please keep it under 10 characters.');
    expect(refusal('ok', 'u1')).toBeUndefined();
    expect(refusal('ok', 'u1')).toBeUndefined();
    t = 15_000;
    expect(refusal('ok', 'u1')).toBe(rateLimitMessage(45));
    expect(refusal('ok', 'u2')).toBeUndefined();
    t = 60_000;
    expect(refusal('ok', 'u1')).toBeUndefined();
  });
});

describe('withDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the result of a call that finishes in time', async () => {
    await expect(withDeadline(1000, async () => 42)).resolves.toBe(42);
  });

  it('rejects with a TimeoutError and aborts the call once the deadline passes', async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    const pending = withDeadline(5000, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    });
    const outcome = expect(pending).rejects.toMatchObject({ name: 'TimeoutError', code: 'platform' });
    await vi.advanceTimersByTimeAsync(4999);
    expect(seen!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(seen!.aborted).toBe(true);
  });
});

describe('userMessageFor', () => {
  it('says a timeout took too long and keeps other errors vague', () => {
    const timeout = Object.assign(new Error('No answer within 5 ms'), { name: 'TimeoutError' });
    expect(userMessageFor(timeout)).toBe('Sorry, that took too long to answer. Please try again in a moment.');
    const failure = new ModelError('upstream 500 from https://internal.example/v1 with key sk-123');
    expect(userMessageFor(failure)).toBe('Sorry, something went wrong while I was answering. Please try again in a moment.');
  });
});

describe('errorForLog', () => {
  it('keeps what explains a REST failure but not the URL or body, which carry the interaction token', () => {
    const interactionToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQ';
    const error = new DiscordAPIError(
      { code: 10062, message: 'Unknown interaction' },
      10062,
      404,
      'POST',
      `https://discord.com/api/v10/interactions/123/${interactionToken}/callback`,
      { body: { type: 5, token: interactionToken } },
    );
    const logged = errorForLog(new Error('reply failed', { cause: error }));
    expect(JSON.stringify(logged)).not.toContain(interactionToken);
    expect(logged).toMatchObject({ message: 'reply failed', cause: { message: 'Unknown interaction', code: 10062, status: 404, method: 'POST' } });
  });
});
