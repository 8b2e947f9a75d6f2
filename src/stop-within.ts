/** How long a SIGTERM waits for answers in progress before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Runs every stop at once and resolves when all have settled or `ms` has passed, whichever is
 * first: a hung platform call must not keep a stopping process alive.
 *
 * @example const finished = await stopWithin([() => slack.stop(), () => discord.stop()], SHUTDOWN_GRACE_MS);
 */
export async function stopWithin(stops: (() => Promise<void>)[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const finished = await Promise.race([Promise.allSettled(stops.map((stop) => stop())).then(() => true), timeout]);
  clearTimeout(timer);
  return finished;
}
