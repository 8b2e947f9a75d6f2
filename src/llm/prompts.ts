import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { ConfigError } from '../errors.ts';

/** Where prompt files live, relative to the working directory (the repo root for npm scripts). */
export const DEFAULT_PROMPTS_DIR = 'prompts';

const SECTION = /^## (System|User)\s*$/gm;

/**
 * Loads `prompts/<name>.md` as a chat prompt: the text under `## System` is the system message,
 * the text under `## User` the user message; anything before the first heading is a comment.
 * Read at run time so prompts can be edited without touching code.
 *
 * @example
 * const prompt = await loadPrompt('answer');
 * const messages = await prompt.formatMessages({ sources, question, sentinel });
 */
export async function loadPrompt(name: string, { dir = DEFAULT_PROMPTS_DIR }: { dir?: string } = {}): Promise<ChatPromptTemplate> {
  const path = join(dir, `${name}.md`);
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new ConfigError(`Cannot read the prompt ${path}: ${err instanceof Error ? err.message : String(err)}`);
  });
  const sections = new Map<string, string>();
  const headings = [...text.matchAll(SECTION)];
  headings.forEach((h, i) => {
    const end = headings[i + 1]?.index ?? text.length;
    sections.set(h[1]!.toLowerCase(), text.slice(h.index + h[0].length, end).trim());
  });
  const system = sections.get('system');
  const user = sections.get('user');
  if (!system || !user) throw new ConfigError(`${path} needs a "## System" and a "## User" section.`);
  return ChatPromptTemplate.fromMessages([
    ['system', system],
    ['human', user],
  ]);
}
