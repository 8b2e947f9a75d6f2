/** Unicode NFKC, no control characters, single spaces: what every stored title and abstract goes through. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    // Control characters from scraped or pasted text would break JSON logs and chat formatting.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200d\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Lower-case, accent-free, punctuation-free form used to compare titles and derive ids. Letters,
 * digits and marks of every script count (a Chinese or Russian title keeps its own key); for an
 * ASCII title this is exactly the older a-z0-9 form, so stored ids stay valid.
 */
export function titleKey(title: string): string {
  return normalizeText(title)
    .toLowerCase()
    .normalize('NFKD')
    // Latin, Greek and Cyrillic accents only: marks of other scripts (Devanagari vowels, kana voicing) carry meaning.
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim()
    .normalize('NFC');
}
