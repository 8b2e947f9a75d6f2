import { describe, expect, it } from 'vitest';
import { stopWithin } from '../src/stop-within.ts';

describe('stopWithin', () => {
  it('waits for every stop, and says they finished', async () => {
    const stopped: string[] = [];
    const stop = (name: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      stopped.push(name);
    };
    expect(await stopWithin([stop('slack'), stop('discord')], 5_000)).toBe(true);
    expect(stopped.sort()).toEqual(['discord', 'slack']);
  });

  it('gives up on a stop that hangs once the grace period is over, and says so', async () => {
    const hung = () => new Promise<void>(() => undefined);
    expect(await stopWithin([hung, async () => undefined], 50)).toBe(false);
  });
});
