/**
 * Splits an abstract into sentences whose text is a verbatim substring of the input, so quotes
 * can be checked against the source. Handles abbreviations (e.g., i.e., et al.), decimals and
 * the missing space after a full stop that scraped abstracts often have ("tasks.This").
 */
const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|Fig|fig|Eq|eq|Sec|No|approx|resp|incl|w\.r\.t)\.)$/;

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /[.!?](?=["')\]]?(?:\s+|(?=[A-Z][a-z])))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const end = m.index + 1;
    const candidate = text.slice(start, end);
    if (ABBREVIATIONS.test(candidate)) continue;
    // A lone capital before the dot is an initial or a model name ("Llama 3.1 B."), not an end.
    if (/(?:^|\s)[A-Z]\.$/.test(candidate)) continue;
    let next = end;
    while (next < text.length && /["')\]]/.test(text[next]!)) next++;
    pushTrimmed(out, text.slice(start, next));
    start = next;
  }
  pushTrimmed(out, text.slice(start));
  return out;
}

function pushTrimmed(out: string[], piece: string) {
  const s = piece.trim();
  if (s.length > 0) out.push(s);
}
