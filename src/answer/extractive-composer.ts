import { pointsBack } from '../retrieve/conversation.ts';
import { ownWordsFirst } from '../retrieve/evidence.ts';
import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Citation } from '../types.ts';
import type { Composer } from './composer.ts';

export interface ExtractiveOptions {
  /** Most sentences quoted when a single paper answers. */
  sentencesFromOne?: number;
}

/**
 * Offline composer: quotes the papers' own sentences, each followed by its citation. One paper:
 * the sentence that best answers first, then up to two more in abstract order. Several papers:
 * one line each, title then its best sentence, and a header that counts only what is cited.
 * Cites every paper it is given: `papers` are those chosen to cite (cite-choice.ts), best first.
 */
export function createExtractiveComposer({ sentencesFromOne = 3 }: ExtractiveOptions = {}): Composer {
  return {
    async compose(question, chosen, { history } = {}) {
      if (chosen.length === 0) return { text: '', citations: [], mode: 'extractive', abstained: true, related: [] };
      // A follow-up was retrieved together with the question before it: quote what it asks first.
      const followsUp = (history?.length ?? 0) > 0 && pointsBack(question);
      const evidenceOf = (p: RetrievedPaper) => (followsUp ? ownWordsFirst(p.evidence, question) : p.evidence);
      const citations: Citation[] = [];
      const paragraphs: string[] = [];
      chosen.forEach((p, i) => {
        const n = i + 1;
        const quotes = pickQuotes(p.paper.abstract, evidenceOf(p), chosen.length === 1 ? sentencesFromOne : 1);
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
function pickQuotes(abstract: string, evidence: string[], count: number): string[] {
  // A sentence with its own "[12]"-style reference would read as one of our citations.
  const [first, ...rest] = evidence.filter((s) => !/\[\d+\]/.test(s)).slice(0, count);
  if (first === undefined) return [];
  return [first, ...rest.sort((a, b) => abstract.indexOf(a) - abstract.indexOf(b))];
}
