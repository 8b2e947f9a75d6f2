import { createInterface } from 'node:readline/promises';
import type { Engine, Turn } from '../../src/types.ts';
import { renderAnswer } from './render-answer.ts';

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
    for (;;) {
      const question = (await rl.question('> ').catch(() => '')).trim();
      if (!question) break;
      const answer = await engine.ask(question, { history });
      output.write(`${renderAnswer(answer)}\n\n`);
      history.push({ role: 'user', text: question }, { role: 'assistant', text: answer.text });
    }
  } finally {
    rl.close();
  }
}
