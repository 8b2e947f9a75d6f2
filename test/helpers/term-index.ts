import { mineAbbreviations } from '../../src/store/abbreviations.ts';
import { applyDocument, emptyTermStats } from '../../src/store/term-stats.ts';
import { contentTerms } from '../../src/text/tokenize.ts';

/** The term statistics and mined abbreviations a store of these abstracts would hold. */
export function termIndexOf(texts: readonly string[]) {
  const stats = emptyTermStats();
  for (const t of texts) applyDocument(stats, contentTerms(t), 1);
  return { stats, abbreviations: mineAbbreviations(texts) };
}
