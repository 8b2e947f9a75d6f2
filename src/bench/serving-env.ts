/**
 * The glibc malloc settings `npm start` serves with (package.json sets them, an operator's own values
 * win). Serving a 100k-paper store peaked at 408-477 MB with glibc's defaults and 367 MB with these,
 * at the same latency: LanceDB's native threads otherwise keep an arena each, holding what they freed.
 * The bench's serving probe runs with them too, so it measures what `npm start` holds.
 */
export const SERVING_MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
} as const;

/** The environment a serving process starts with: these settings unless the caller's environment sets them. */
export function servingEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...SERVING_MALLOC_ENV, ...env };
}
