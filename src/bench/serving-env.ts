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

/**
 * The V8 heap settings `npm start` serves with (package.json passes them to node). A question at
 * 100k papers allocates ~6 MB, and the analyses retrieval memoises die old: with V8's defaults the
 * heap grew to ~150 MB around ~36 MB live. An 8 MB semi-space and 1.5x old-space growth held it
 * near 75 MB (serving peak 357 -> 243-246 MB, 300 questions), for a few more collections.
 */
export const SERVING_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=50'] as const;

/** The environment a serving process starts with: these settings unless the caller's environment sets them. */
export function servingEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...SERVING_MALLOC_ENV, ...env };
}
