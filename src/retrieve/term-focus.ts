/**
 * Below this share of the best-connected term's coherence a term's weight stops falling: it is
 * still a word the question used (the fourth root keeps it above half its full weight).
 */
const FLOOR = 0.1;
/**
 * How steeply weight follows coherence: the fourth root. Measured on our own sets, ranking only
 * (each half of the questions chose it and gained on the other half): the square root lost
 * single-paper questions whose rare word is met alone (R@1 0.969 → 0.959), the fourth root did not.
 */
const EXPONENT = 0.25;

/**
 * How much each question term belongs to the question's topic, as a factor on its ranking weight
 * in (0, 1]. A term's coherence is the idf share of the question's other terms that the
 * candidate papers holding it also hold, on average: the words of a topic meet in the same papers
 * ("rate" and "distortion", "clinical" and "NLP"), while chat filler and meta words ("question",
 * "reading group", "quick one") meet the topic's words in no paper, and match only papers about
 * something else. Each term is weighted by the fourth root of its coherence relative to the most
 * coherent term. A question of one term, or terms no candidate holds, are left alone.
 */
export function termFocus(core: ReadonlyMap<string, number>, papers: ReadonlyArray<Pick<ReadonlyMap<string, number>, 'has'>>, idfOf: (term: string) => number): Map<string, number> {
  const terms = [...core.keys()];
  const coherence = new Map<string, number>();
  for (const t of terms) {
    const others = terms.filter((u) => u !== t);
    const mass = others.reduce((a, u) => a + idfOf(u), 0);
    if (mass <= 0) continue;
    let holding = 0;
    let shared = 0;
    for (const present of papers) {
      if (!present.has(t)) continue;
      holding++;
      shared += others.reduce((a, u) => a + (present.has(u) ? idfOf(u) : 0), 0) / mass;
    }
    if (holding > 0) coherence.set(t, shared / holding);
  }
  const best = Math.max(0, ...coherence.values());
  if (best <= 0) return new Map();
  return new Map([...coherence].map(([t, c]) => [t, Math.max(FLOOR, c / best) ** EXPONENT]));
}
