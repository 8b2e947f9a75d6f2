import type { RetrievedPaper } from '../retrieve/hybrid-retriever.ts';
import type { Answer, AskOptions } from '../types.ts';

export interface ComposeOptions extends AskOptions {
  /** When the whole question must be answered (epoch ms): model steps share this one budget. */
  deadline?: number;
  /** The user's own words, when the question composed is a condensed rewrite of them. */
  asked?: string;
}

/** Turns retrieved papers into a cited answer. Extractive by default; the LLM composer plugs in here. */
export interface Composer {
  compose(question: string, papers: RetrievedPaper[], options?: ComposeOptions): Promise<Omit<Answer, 'timingsMs'>>;
}
