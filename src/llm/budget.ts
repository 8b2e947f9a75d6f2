/**
 * One budget per question: condensing, the agent, the answer and its verification all draw on
 * the same deadline (`LLM_TIMEOUT_MS` from the moment the question arrived), so the steps
 * together cannot take several times the setting.
 */
export type Clock = () => number;

/** Milliseconds a step may take: its own limit, cut to what the question's budget has left. */
export function stepTimeout(limitMs: number, deadline: number | undefined, now: Clock = Date.now): number {
  return deadline === undefined ? limitMs : Math.min(limitMs, deadline - now());
}
