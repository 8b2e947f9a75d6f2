import { describe, expect, it } from 'vitest';
import { createRateGate } from '../ingest/sources/arxiv-rate-gate.ts';

/** A clock that only moves when someone sleeps on it. */
function fakeClock(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

describe('arXiv rate gate', () => {
  it('lets the first request through at once', async () => {
    const clock = fakeClock();
    await createRateGate({ now: clock.now, sleep: clock.sleep }).wait();
    expect(clock.sleeps).toEqual([]);
  });

  it('spaces concurrent callers three seconds apart, in call order', async () => {
    const clock = fakeClock(0);
    const gate = createRateGate({ now: clock.now, sleep: clock.sleep });
    const started: [string, number][] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => gate.wait().then(() => started.push([name, clock.now()]))));
    expect(started).toEqual([
      ['a', 0],
      ['b', 3_000],
      ['c', 6_000],
    ]);
  });

  it('only waits for what is left of the interval', async () => {
    const clock = fakeClock();
    const gate = createRateGate({ now: clock.now, sleep: clock.sleep, intervalMs: 3_000 });
    await gate.wait();
    clock.advance(1_200);
    await gate.wait();
    clock.advance(5_000);
    await gate.wait();
    expect(clock.sleeps).toEqual([1_800]);
  });

  it('keeps serving callers after a sleep fails', async () => {
    const clock = fakeClock();
    let failNext = true;
    const gate = createRateGate({
      now: clock.now,
      sleep: async (ms) => {
        if (failNext) {
          failNext = false;
          throw new Error('timer broke');
        }
        await clock.sleep(ms);
      },
    });
    await gate.wait();
    await expect(gate.wait()).rejects.toThrow('timer broke');
    await gate.wait();
    expect(clock.sleeps).toEqual([3_000]);
  });
});
