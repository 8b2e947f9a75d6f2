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

/** Lower-case, accent-free, punctuation-free form used to compare titles and derive ids. */
export function titleKey(title: string): string {
  return normalizeText(title)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
