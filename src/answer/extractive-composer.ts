import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Citation } from '../types.ts';
import type { Composer } from './composer.ts';

export interface ExtractiveOptions {
  /** Most papers an answer cites. */
  maxPapers?: number;
  /** Most sentences quoted when a single paper answers. */
  sentencesFromOne?: number;
  /**
   * A further paper is cited only if its best sentence (or title) holds at least this share of
   * the question's terms that the best paper's does: it must speak to the same main concept, not
   * just share a word somewhere.
   */
  sharedConceptFloor?: number;
  /** …and if its fused score is at least this share of the best paper's. */
  relativeScoreFloor?: number;
}

/**
 * Offline composer: quotes the papers' own sentences, each followed by its citation. One paper:
 * the sentence that best answers first, then up to two more in abstract order. Several papers:
 * one line each, title then its best sentence, and a header that counts only what is cited.
 * Expects `papers` already filtered to the relevant ones, best first.
 */
export function createExtractiveComposer({
  maxPapers = 6,
  sentencesFromOne = 3,
  sharedConceptFloor = 0.5,
  relativeScoreFloor = 0.45,
}: ExtractiveOptions = {}): Composer {
  return {
    async compose(_question, papers) {
      const best = papers[0];
      if (!best) return { text: '', citations: [], mode: 'extractive', abstained: true, related: [] };
      const concept = best.features.sentenceCoverage;
      const chosen = papers
        .filter((p, i) => i === 0 || (p.features.sentenceCoverage >= concept * sharedConceptFloor && p.score >= best.score * relativeScoreFloor))
        .slice(0, maxPapers);
      const citations: Citation[] = [];
      const paragraphs: string[] = [];
      chosen.forEach((p, i) => {
        const n = i + 1;
        const quotes = pickQuotes(p, chosen.length === 1 ? sentencesFromOne : 1);
        citations.push({ n, paperId: p.paper.id, title: p.paper.title, url: p.paper.url, quote: quotes[0] ?? p.paper.title });
        const body = quotes.length > 0 ? quotes.map((q) => `${q} [${n}]`).join(' ') : `${p.paper.title} [${n}]`;
        paragraphs.push(`**${p.paper.title}** [${n}]: ${body}`);
      });
      const lead = chosen.length > 1 ? `${chosen.length} papers speak to this:\n\n` : '';
      return { text: lead + paragraphs.join('\n\n'), citations, mode: 'extractive', abstained: false, related: [] };
    },
  };
}

/** The best-matching sentence first, then the next best in the order the abstract states them. */
function pickQuotes(p: RetrievedPaper, count: number): string[] {
  // A sentence with its own "[12]"-style reference would read as one of our citations.
  const [first, ...rest] = p.evidence.filter((s) => !/\[\d+\]/.test(s)).slice(0, count);
  if (first === undefined) return [];
  return [first, ...rest.sort((a, b) => p.paper.abstract.indexOf(a) - p.paper.abstract.indexOf(b))];
}
