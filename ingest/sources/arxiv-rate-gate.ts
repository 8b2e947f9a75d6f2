/**
 * arXiv's API terms ask for at most one request every three seconds from a client. The gate hands
 * out turns in call order, each at least `intervalMs` after the previous one started, so parallel
 * callers (a scheduled digest and a CLI ingest in one process) queue instead of getting throttled.
 */
export interface RateGate {
  /** Resolves when the caller may send its request. */
  wait(): Promise<void>;
}

export function createRateGate({
  intervalMs = 3_000,
  now = () => Date.now(),
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
}: {
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
} = {}): RateGate {
  let nextAt = -Infinity;
  let queue: Promise<void> = Promise.resolve();
  return {
    wait() {
      const turn = queue.then(async () => {
        const waitMs = nextAt - now();
        if (waitMs > 0) await sleep(waitMs);
        nextAt = now() + intervalMs;
      });
      // A failed sleep must not wedge everyone queued behind it.
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
