/**
 * Shows a streaming answer by editing one message, no more often than the platform allows
 * (Slack's chat.update and Discord's message edits are both limited to about one per second).
 */
export interface EditThrottle {
  /** Offers the latest text; the newest text wins, and edits are spaced `minIntervalMs` apart. */
  offer(text: string): void;
  /** Stops editing: drops a pending edit and waits for one in flight, so the final message lands last. */
  finish(): Promise<void>;
}

export interface EditThrottleOptions {
  edit(text: string): Promise<unknown>;
  minIntervalMs: number;
  /** A failed edit only costs the preview; the final message is sent anyway. */
  onError(error: unknown): void;
  now?: () => number;
  /** When the message was last written (posting the placeholder counts); defaults to now. */
  lastWriteAt?: number;
}

export function createEditThrottle({ edit, minIntervalMs, onError, now = Date.now, lastWriteAt = now() }: EditThrottleOptions): EditThrottle {
  let pending: string | undefined;
  let shown: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let finished = false;

  const schedule = () => {
    if (finished || timer || inFlight || pending === undefined) return;
    timer = setTimeout(flush, Math.max(0, lastWriteAt + minIntervalMs - now()));
  };
  const flush = () => {
    timer = undefined;
    const text = pending;
    pending = undefined;
    if (finished || text === undefined || text === shown) return;
    shown = text;
    lastWriteAt = now();
    inFlight = edit(text)
      .then(() => undefined, onError)
      .finally(() => {
        inFlight = undefined;
        schedule();
      });
  };

  return {
    offer(text) {
      if (finished) return;
      pending = text;
      schedule();
    },
    async finish() {
      finished = true;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
