/**
 * The engine's public types: what ingest produces, what retrieval returns and what adapters render.
 * Adapters import only from here and from `engine.ts`.
 */

/** What remote sources know beyond the basics; kept with the paper for digests. */
export interface PaperExtras {
  /** Hugging Face's one-paragraph summary: a ready-made digest gist. */
  aiSummary?: string;
  aiKeywords?: string[];
  githubRepo?: string;
  projectPage?: string;
  /** arXiv categories, primary first. */
  categories?: string[];
  submittedOnDailyAt?: string;
}

export const PAPER_EXTRA_KEYS = ['aiSummary', 'aiKeywords', 'githubRepo', 'projectPage', 'categories', 'submittedOnDailyAt'] as const;

/** A paper as the store keeps it. */
export interface Paper extends PaperExtras {
  /** arXiv id when known (no version suffix), else `t-` + a hash of the normalised title. */
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  url?: string;
  publishedAt?: string;
  /** Where it came from: `file:papers.txt`, `hf-daily`, `arxiv`, … */
  source: string;
  /** ISO time the store first saw it. */
  addedAt: string;
  /** sha256 of the normalised title + abstract; unchanged hash means no re-embedding. */
  contentHash: string;
  /** Hugging Face upvotes when the source knows them. */
  upvotes?: number;
}

/** A paper as it comes out of a parser, before the store stamps it. */
export type PaperInput = Omit<Paper, 'addedAt' | 'contentHash'>;

/** Short reference to a paper, enough to render a link. */
export interface PaperRef {
  id: string;
  title: string;
  url?: string;
}

/** One retrieved paper with the sentences of its abstract that matched the query. */
export interface SearchHit {
  paper: PaperRef & { abstract: string; authors: string[]; publishedAt?: string; upvotes?: number };
  /** Fused relevance score; comparable only within one result list. */
  score: number;
  /** Calibrated probability-like relevance in [0, 1]; the abstention floor applies to it. */
  relevance: number;
  /** Sentences of the abstract, best first, verbatim. */
  evidence: string[];
}

export interface Citation {
  n: number;
  paperId: string;
  title: string;
  url?: string;
  /** Verbatim sentence from the paper's title or abstract that supports the claim. */
  quote: string;
}

export type AnswerMode = 'extractive' | 'llm';

export interface Answer {
  /** Markdown; every claim carries `[n]` pointing at `citations`. */
  text: string;
  citations: Citation[];
  mode: AnswerMode;
  /** True when no paper was relevant enough: `text` says so and `related` lists near misses. */
  abstained: boolean;
  /** Near-miss papers shown as "maybe related" when abstaining. */
  related: PaperRef[];
  /**
   * True when the message was a greeting, thanks or "what can you do?": `text` says what
   * Paperboy does, with two example questions, and cites nothing (this is not an abstention).
   */
  capabilities?: boolean;
  /** Shown to users when the engine had to degrade (e.g. the LLM failed and extractive answered). */
  note?: string;
  timingsMs: Record<string, number>;
}

/** A previous turn of a conversation (Slack thread, Discord reply chain, terminal session). */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

export interface AskOptions {
  /** Earlier turns of the same conversation, oldest first. */
  history?: Turn[];
  /** Restrict retrieval to these papers (e.g. the papers of a digest thread). */
  paperIds?: string[];
  /** Called with the answer text so far while an LLM streams; extractive answers call it once. */
  onPartial?: (textSoFar: string) => void;
  signal?: AbortSignal;
}

export interface SearchOptions {
  k?: number;
  paperIds?: string[];
}

/** The facade every adapter and the CLI use. Nothing outside `src/` touches the store directly. */
export interface Engine {
  ask(question: string, options?: AskOptions): Promise<Answer>;
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Look a paper up by id, or else by the best title match. */
  paper(idOrTitle: string): Promise<Paper | undefined>;
  /** Title autocomplete: papers whose title best matches the typed prefix/words. */
  suggestTitles(typed: string, limit?: number): Promise<PaperRef[]>;
  /** How many papers the store holds. */
  countPapers(): Promise<number>;
  close(): Promise<void>;
}
