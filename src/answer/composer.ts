import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Answer, AskOptions } from '../types.ts';

/** Turns retrieved papers into a cited answer. Extractive by default; the LLM composer plugs in here. */
export interface Composer {
  compose(question: string, papers: RetrievedPaper[], options?: AskOptions): Promise<Omit<Answer, 'timingsMs'>>;
}
