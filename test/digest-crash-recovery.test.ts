/**
 * A digest is delivered exactly once and complete (top-level message and its whole thread) however
 * a process dies: the real Slack Web client and the real discord.js REST client talk to the fakes
 * through a link that is cut at one platform call, after which that process's ledger writes never
 * land either (it is dead). A restarted process a minute later must finish the delivery.
 */
import { REST } from 'discord.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordDigestPoster } from '../adapters/discord/digest-poster.ts';
import { createDigestWebClient, createSlackDigestPoster, DIGEST_EVENT_TYPE, DIGEST_PART_EVENT_TYPE } from '../adapters/slack/digest-poster.ts';
import type { DigestDeps } from '../src/digest/delivery.ts';
import { createDigestService } from '../src/digest/digest-service.ts';
import type { DigestStore } from '../src/digest/digest-store.ts';
import { createDigestScheduler } from '../src/digest/scheduler.ts';
import type { DigestPoster, Platform } from '../src/digest/types.ts';
import { startFakeDiscord, type FakeDiscord } from './fakes/fake-discord.ts';
import { BOT_TOKEN, startFakeSlackApi, type FakeSlackApi } from './fakes/fake-slack-api.ts';
import { hfDay, makeDigestRig, type DigestRig } from './fixtures/digest-fakes.ts';
import { startDyingLink, type DeathMode, type DyingLink } from './fixtures/dying-link.ts';

const silent = pino({ level: 'silent' });
const RUN = Date.parse('2030-01-07T09:00:00Z');
/** A restarted process looks again a minute after the crash: the lease (45 s) must have run out by then. */
const RESTART_AFTER_MS = 60_000;
const never = () => new Promise<never>(() => undefined);

/** What a channel shows: each digest's top-level message and its thread parts, in order. */
interface Shown {
  tops: string[];
  /** Part numbers in the order the thread shows them. */
  parts: number[];
  /** The thread parts' content, in order. */
  thread: string[];
}

interface TestChannel {
  channelId: string;
  /** Where the platform fake listens; the dying link forwards there. */
  origin: string;
  poster(origin: string): DigestPoster;
  shown(): Shown;
  close(): Promise<void>;
}

interface PlatformRig {
  platform: Platform;
  channel(): Promise<TestChannel>;
}

function slackRig(fake: FakeSlackApi, rig: DigestRig): PlatformRig {
  let n = 0;
  return {
    platform: 'slack',
    async channel() {
      const channelId = `C0CRASH${++n}`;
      return {
        channelId,
        origin: new URL(fake.apiUrl).origin,
        poster: (origin) =>
          createSlackDigestPoster({
            client: createDigestWebClient({ botToken: BOT_TOKEN, apiUrl: `${origin}/api/` }, silent),
            logger: silent,
            clock: () => rig.clock.now,
            // Small thread messages: many parts, so many places to die between.
            threadMessageChars: 1_500,
          }),
        shown() {
          const inChannel = fake.messages.filter((m) => m.channel === channelId);
          const tops = inChannel.filter((m) => m.thread_ts === undefined && m.metadata?.event_type === DIGEST_EVENT_TYPE);
          const replies = inChannel.filter((m) => m.thread_ts !== undefined && m.thread_ts === tops[0]?.ts).sort((a, b) => Number(a.ts) - Number(b.ts));
          return {
            tops: tops.map((m) => m.text),
            parts: replies.map((m) => (m.metadata?.event_type === DIGEST_PART_EVENT_TYPE ? Number((m.metadata.event_payload as { part: number }).part) : -1)),
            thread: replies.map((m) => m.text),
          };
        },
        close: async () => undefined,
      };
    },
  };
}

function discordRig(fakes: FakeDiscord[]): PlatformRig {
  return {
    platform: 'discord',
    async channel() {
      // The fake serves one channel: a fresh fake per channel.
      const fake = await startFakeDiscord();
      fakes.push(fake);
      return {
        channelId: fake.channelId,
        origin: new URL(fake.apiUrl).origin,
        poster: (origin) => createDiscordDigestPoster(new REST({ api: `${origin}/api` }).setToken('fake-bot-token'), { logger: silent }),
        shown() {
          const tops = fake.channelMessages(fake.channelId).filter((m) => ((m.embeds as { footer?: { text: string } }[])[0]?.footer?.text ?? '').includes(' · ref '));
          const thread = tops.length === 0 ? [] : fake.channelMessages(String(tops[0]!.id));
          // The footer carries the channel's own delivery ref; the rest must be the same everywhere.
          const comparable = (m: Record<string, unknown>) => JSON.stringify(m.embeds).replace(/ · ref [0-9a-f]+/, '');
          return {
            tops: tops.map(comparable),
            parts: thread.map((m) => Number(/^-# Part (\d+) of/.exec(String(m.content))?.[1] ?? -1)),
            thread: thread.map((m) => `${String(m.content)}\n${JSON.stringify(m.embeds)}`),
          };
        },
        close: () => fake.close(),
      };
    },
  };
}

/** The ledger as a process that died with its link sees it: once the link is cut, its writes never land. */
function diesWith(store: DigestStore, link: DyingLink): DigestStore {
  const unlessDead =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      link.dead ? never() : write(...args);
  return { ...store, claim: unlessDead(store.claim), advance: unlessDead(store.advance), putSubscription: unlessDead(store.putSubscription) };
}

/** `count` daily-list entries made from `entries`, each its own paper. */
function manyPapers(entries: unknown[], count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => {
    const { paper, ...rest } = entries[i % entries.length] as { paper: { title: string } };
    return { ...rest, paper: { ...paper, id: `3001.${String(500 + i).padStart(5, '0')}`, title: `${paper.title} (${i + 1})` } };
  });
}

async function untilDeadOrDone(link: DyingLink, run: Promise<unknown>): Promise<'dead' | 'done'> {
  let done = false;
  void run.then(() => (done = true));
  while (!done && !link.dead) await new Promise((resolve) => setTimeout(resolve, 5));
  return link.dead ? 'dead' : 'done';
}

describe.each(['slack', 'discord'] as const)('%s: a digest survives its process dying at any platform call', (platformName) => {
  let rig: DigestRig;
  let platform: PlatformRig;
  let restarted: DigestDeps;
  let clean: Shown;
  let cleanCalls: number;
  const closers: (() => Promise<void>)[] = [];

  /** One life of a process: ticks at `at` through a link cut at `dieAt` (never, when undefined). */
  async function life(channel: TestChannel, at: number, cut: { dieAt?: number; mode?: DeathMode }) {
    const link = await startDyingLink(channel.origin, cut);
    closers.push(() => link.close());
    const deps: DigestDeps = { ...restarted, digestStore: diesWith(restarted.digestStore, link), posters: { [platformName]: channel.poster(link.url) } };
    rig.clock.set(new Date(at).toISOString());
    const ending = await untilDeadOrDone(link, createDigestScheduler(deps).tick());
    return { ending, calls: link.calls };
  }

  async function subscribed(): Promise<TestChannel> {
    const channel = await platform.channel();
    closers.push(() => channel.close());
    rig.clock.set(new Date(RUN - 3_600_000).toISOString());
    await createDigestService(rig.deps).subscribe(platformName, channel.channelId, { userId: 'U1' });
    return channel;
  }

  beforeAll(async () => {
    rig = await makeDigestRig();
    // A long day, so the thread has several parts to die between.
    rig.hfDays['2030-01-07'] = manyPapers(hfDay('2030-01-07'), 40);
    const fakes: FakeDiscord[] = [];
    if (platformName === 'slack') {
      const fake = await startFakeSlackApi({ clock: () => rig.clock.now });
      closers.push(() => fake.close());
      platform = slackRig(fake, rig);
    } else {
      platform = discordRig(fakes);
    }
    restarted = await rig.anotherProcess();
    // A clean delivery: what every channel must end up showing, and how many calls it takes.
    const channel = await subscribed();
    const { ending, calls } = await life(channel, RUN, {});
    expect(ending).toBe('done');
    clean = channel.shown();
    cleanCalls = calls;
    expect(clean.tops).toHaveLength(1);
    expect(clean.parts.length).toBeGreaterThanOrEqual(2);
    expect(clean.parts).toEqual(clean.parts.map((_, i) => i + 1));
  }, 60_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await rig.cleanup();
  });

  it('dying before or after any one platform call, the restarted process completes the digest, posting nothing twice', async () => {
    const cuts = Array.from({ length: cleanCalls }, (_, i) => i + 1).flatMap((dieAt) => (['before', 'after'] as const).map((mode) => ({ dieAt, mode })));
    for (const cut of cuts) {
      const channel = await subscribed();
      expect(await life(channel, RUN, cut)).toMatchObject({ ending: 'dead' });
      const recovery = await life(channel, RUN + RESTART_AFTER_MS, {});
      expect(recovery.ending, `cut ${cut.mode} call ${cut.dieAt}`).toBe('done');
      expect(channel.shown(), `cut ${cut.mode} call ${cut.dieAt}`).toEqual(clean);
      const key = `${platformName}:${channel.channelId}|2030-01-07`;
      expect(await restarted.digestStore.getDelivery(key)).toMatchObject({ state: 'posted' });
    }
  }, 240_000);

  it('killed again and again at random calls, until one life gets through: still exactly one complete digest', async () => {
    // A fixed seed: the same 30-ish crash points on every run.
    let seed = platformName === 'slack' ? 11 : 23;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const channel = await subscribed();
    let at = RUN;
    let kills = 0;
    for (let lives = 0; lives < 40; lives++) {
      const cut = kills < 30 ? { dieAt: 1 + Math.floor(random() * 4), mode: random() < 0.5 ? ('before' as const) : ('after' as const) } : {};
      const { ending } = await life(channel, at, cut);
      if (ending === 'done') break;
      kills++;
      at += RESTART_AFTER_MS;
    }
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(channel.shown()).toEqual(clean);
    expect(await restarted.digestStore.getDelivery(`${platformName}:${channel.channelId}|2030-01-07`)).toMatchObject({ state: 'posted' });
  }, 240_000);
});
