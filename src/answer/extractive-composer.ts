import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Citation } from '../types.ts';
import type { Composer } from './composer.ts';

export interface ExtractiveOptions {
  /** Most papers an answer cites. */
  maxPapers?: number;
  /** Sentences quoted from the best paper, and from each further one. */
  sentencesFromTop?: number;
  sentencesFromOthers?: number;
  /** A further paper is cited only if its score is at least this share of the best paper's. */
  relativeScoreFloor?: number;
}

/**
 * Offline composer: quotes the sentences that best match the question from the most relevant
 * papers, each followed by its citation, in abstract order within a paper so they read well.
 * Expects `papers` already filtered to the relevant ones, best first.
 */
export function createExtractiveComposer({
  maxPapers = 4,
  sentencesFromTop = 4,
  sentencesFromOthers = 1,
  relativeScoreFloor = 0.55,
}: ExtractiveOptions = {}): Composer {
  return {
    async compose(_question, papers) {
      const best = papers[0];
      if (!best) return { text: '', citations: [], mode: 'extractive', abstained: true, related: [] };
      const chosen = papers.filter((p, i) => i === 0 || p.score >= best.score * relativeScoreFloor).slice(0, maxPapers);
      const citations: Citation[] = [];
      const paragraphs: string[] = [];
      chosen.forEach((p, i) => {
        const n = i + 1;
        const quotes = pickQuotes(p, i === 0 ? sentencesFromTop : sentencesFromOthers);
        citations.push({ n, paperId: p.paper.id, title: p.paper.title, url: p.paper.url, quote: quotes[0] ?? p.paper.title });
        const body = quotes.length > 0 ? quotes.map((q) => `${q} [${n}]`).join(' ') : `${p.paper.title} [${n}]`;
        paragraphs.push(`**${p.paper.title}** [${n}]: ${body}`);
      });
      const lead = chosen.length > 1 ? `${chosen.length} papers speak to this:\n\n` : '';
      return { text: lead + paragraphs.join('\n\n'), citations, mode: 'extractive', abstained: false, related: [] };
    },
  };
}

/** The best-matching sentences, restored to the order in which the abstract states them. */
function pickQuotes(p: RetrievedPaper, count: number): string[] {
  // A sentence with its own "[12]"-style reference would read as one of our citations.
  const picked = p.evidence.filter((s) => !/\[\d+\]/.test(s)).slice(0, count);
  return picked.sort((a, b) => p.paper.abstract.indexOf(a) - p.paper.abstract.indexOf(b));
}
