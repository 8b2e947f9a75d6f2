import { createInterface } from 'node:readline/promises';
import type { Engine, Turn } from '../../src/types.ts';
import { plainText, renderAnswer, renderAnswerTail } from './render-answer.ts';

/**
 * Interactive terminal chat (what `npm start` opens when no chat platform is configured).
 * Keeps the conversation as history so follow-ups are understood in context.
 */
export async function runTerminalChat(
  engine: Engine,
  { input = process.stdin, output = process.stdout }: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {},
): Promise<void> {
  const rl = createInterface({ input, output, terminal: Boolean((output as NodeJS.WriteStream).isTTY) });
  const history: Turn[] = [];
  output.write(`Paperboy: ask about ${await engine.countPapers()} papers. Empty line or Ctrl-D to quit.\n`);
  try {
    output.write('> ');
    // Iterating the lines (rather than rl.question) keeps lines that were piped in ahead of time.
    for await (const line of rl) {
      const question = line.trim();
      if (!question) break;
      // LLM answers arrive in pieces: print each new piece, then the sources once it is final.
      let shown = '';
      const answer = await engine.ask(question, {
        history,
        onPartial: (soFar) => {
          if (!soFar.startsWith(shown)) return;
          output.write(plainText(soFar.slice(shown.length)));
          shown = soFar;
        },
      });
      if (answer.text === shown) output.write(`\n\n${renderAnswerTail(answer)}\n\n`);
      else output.write(`${shown ? '\n\n' : ''}${renderAnswer(answer)}\n\n`);
      history.push({ role: 'user', text: question }, { role: 'assistant', text: answer.text });
      output.write('> ');
    }
  } finally {
    rl.close();
  }
}
