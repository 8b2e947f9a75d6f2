import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEditThrottle } from '../src/chat/throttled-edits.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function recordingThrottle(minIntervalMs = 1000) {
  const edits: { at: number; text: string }[] = [];
  const throttle = createEditThrottle({
    minIntervalMs,
    edit: async (text) => {
      edits.push({ at: Date.now(), text });
    },
    onError: (e) => {
      throw e;
    },
  });
  return { edits, throttle };
}

describe('throttled message edits', () => {
  it('waits one interval after the placeholder, then shows only the newest text', async () => {
    const { edits, throttle } = recordingThrottle();
    throttle.offer('A');
    throttle.offer('A b');
    await vi.advanceTimersByTimeAsync(999);
    expect(edits).toEqual([]);
    throttle.offer('A b c');
    await vi.advanceTimersByTimeAsync(1);
    expect(edits).toEqual([{ at: 1000, text: 'A b c' }]);
  });

  it('spaces edits at least an interval apart however fast text arrives', async () => {
    const { edits, throttle } = recordingThrottle();
    for (let i = 1; i <= 50; i++) {
      throttle.offer('word '.repeat(i));
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(edits.length).toBe(5);
    for (let i = 1; i < edits.length; i++) expect(edits[i]!.at - edits[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(edits.at(-1)?.text).toBe('word '.repeat(50));
  });

  it('never edits after finish, so the final message stays last', async () => {
    const { edits, throttle } = recordingThrottle();
    throttle.offer('draft');
    await throttle.finish();
    throttle.offer('late');
    await vi.advanceTimersByTimeAsync(5000);
    expect(edits).toEqual([]);
  });

  it('lets an edit in flight land before finish resolves', async () => {
    let release!: () => void;
    const landed: string[] = [];
    const throttle = createEditThrottle({
      minIntervalMs: 1000,
      edit: (text) =>
        new Promise<void>((resolve) => {
          release = () => {
            landed.push(text);
            resolve();
          };
        }),
      onError: () => undefined,
    });
    throttle.offer('draft');
    await vi.advanceTimersByTimeAsync(1000);
    const finished = throttle.finish();
    release();
    await finished;
    expect(landed).toEqual(['draft']);
  });

  it('reports a failed edit and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const throttle = createEditThrottle({
      minIntervalMs: 1000,
      edit: async () => {
        calls++;
        if (calls === 1) throw new Error('ratelimited');
      },
      onError: (e) => errors.push(e),
    });
    throttle.offer('one');
    await vi.advanceTimersByTimeAsync(1000);
    throttle.offer('two');
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
  });
});
