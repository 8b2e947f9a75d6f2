import { IngestError } from '../errors.ts';

/**
 * Parses JSON Lines, handing each value with its 1-based line number to `convert`; blank lines
 * are skipped and invalid JSON is an IngestError naming the file and line.
 */
export function mapJsonLines<T>(text: string, file: string, convert: (value: unknown, line: number) => T): T[] {
  const out: T[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new IngestError(file, i + 1, `not valid JSON (${(e as Error).message})`);
    }
    out.push(convert(value, i + 1));
  });
  return out;
}
