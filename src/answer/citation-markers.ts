/**
 * Citation markers as models write them, made uniform: `[1-2]`, `[1, 2]`, `[1; 2]`, `[Source 2]`,
 * `[source 1, 3]` and `【1】` all become `[1][2]`-style markers, so one `[n]` grammar is checked.
 */
const BRACKETED = /[[【]\s*(?:(?:sources?|refs?|references?|papers?)\s*)?(\d+(?:\s*(?:[,;–-]|and)\s*(?:(?:sources?|refs?|papers?)\s*)?\d+)*)\s*[\]】]/gi;

/** Longest range expanded (`[1-4]`); a wider "range" is kept as its two ends. */
const MAX_RANGE = 6;

export function normalizeCitationMarkers(text: string): string {
  return text.replace(BRACKETED, (_m, list: string) => numbersIn(list).map((n) => `[${n}]`).join(''));
}

function numbersIn(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(/\s*(?:[,;]|and)\s*/i)) {
    const [from, to] = part.split(/\s*[–-]\s*/).map((p) => Number(p.replace(/\D+/g, '')));
    if (to !== undefined && to > from! && to - from! < MAX_RANGE) for (let n = from!; n <= to; n++) out.push(n);
    else out.push(...[from, to].filter((n): n is number => n !== undefined && Number.isFinite(n)));
  }
  return [...new Set(out)];
}

const MARKER = /\[(\d+)\]/g;

/** The source numbers a piece of text cites, in order of first mention. */
export function citedNumbers(text: string): number[] {
  return [...new Set([...text.matchAll(MARKER)].map((m) => Number(m[1])))];
}

/** The text without its `[n]` markers (and the space before them). */
export function withoutMarkers(text: string): string {
  return text.replace(/\s*\[\d+\]/g, '').trim();
}
