/**
 * Per-user sliding-window rate limit shared by every chat adapter, so one user cannot monopolise
 * the bot. In memory: limits are per process, which is what a single bot instance needs.
 */
export interface RateLimiter {
  /** Records an attempt; returns 0 when allowed, else the seconds until the next slot frees up. */
  take(userKey: string): number;
}

export function createRateLimiter({
  perMinute,
  now = () => Date.now(),
}: {
  perMinute: number;
  now?: () => number;
}): RateLimiter {
  const windowMs = 60_000;
  const hits = new Map<string, number[]>();
  return {
    take(userKey) {
      const t = now();
      const recent = (hits.get(userKey) ?? []).filter((h) => t - h < windowMs);
      if (recent.length >= perMinute) {
        hits.set(userKey, recent);
        return Math.max(1, Math.ceil((recent[0]! + windowMs - t) / 1000));
      }
      recent.push(t);
      hits.set(userKey, recent);
      return 0;
    },
  };
}

export function rateLimitMessage(retryInSeconds: number): string {
  return `You're asking faster than I can read. Please try again in ${retryInSeconds}s.`;
}
