/**
 * Remembers recently seen keys (event ids, message ids) so a retried or duplicated Slack delivery
 * is answered once. Bounded: the oldest keys are forgotten first.
 */
export interface Deduper {
  /** True the first time a key is seen, false for every repeat while it is remembered. */
  firstSeen(key: string): boolean;
}

export function createDeduper({ capacity = 10_000 }: { capacity?: number } = {}): Deduper {
  // A Set iterates in insertion order, so its first element is always the oldest key.
  const seen = new Set<string>();
  return {
    firstSeen(key) {
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > capacity) seen.delete(seen.values().next().value as string);
      return true;
    },
  };
}
