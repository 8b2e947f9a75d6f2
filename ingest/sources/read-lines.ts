import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { IngestError } from '../../src/errors.ts';

export interface NumberedLine {
  /** 1-based. */
  line: number;
  text: string;
}

/**
 * Streams a file's lines, checked as UTF-8 line by line (invalid bytes are an error naming the
 * line, never replacement characters) and without a leading byte-order mark or trailing `\r`.
 * Memory stays bounded by the longest line, whatever the file size.
 */
export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
  let line = 0;
  let rest = Buffer.alloc(0);
  const emit = (bytes: Buffer): NumberedLine => {
    line++;
    if (!isUtf8(bytes)) throw new IngestError(file, line, 'not valid UTF-8 (save the file as UTF-8)');
    let text = bytes.toString('utf8');
    if (line === 1 && text.startsWith('\ufeff')) text = text.slice(1);
    return { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  try {
    for await (const chunk of createReadStream(file)) {
      let data = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let newline: number;
      while ((newline = data.indexOf(0x0a)) !== -1) {
        yield emit(data.subarray(0, newline));
        data = data.subarray(newline + 1);
      }
      rest = Buffer.from(data);
    }
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError(file, 0, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (rest.length > 0) yield emit(rest);
}
