import { z } from 'zod';

/**
 * Checkable output: with `LLM_STRUCTURED_OUTPUT=true` the model answers in JSON, one entry per
 * sentence with the source numbers it cites and the source sentence it rests on, constrained by
 * the server's JSON-schema support. The entries become `sentence [n]` text, so the same claim
 * check applies as to plain answers.
 */
const AnswerSchema = z.object({
  sentences: z.array(z.object({ sentence: z.string(), sources: z.array(z.number().int()), quote: z.string().optional() })),
});

/** `response_format` for OpenAI-compatible servers that support JSON schemas. */
export const STRUCTURED_ANSWER_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'cited_answer',
    strict: true,
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['sentences'],
      properties: {
        sentences: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['sentence', 'sources', 'quote'],
            properties: {
              sentence: { type: 'string', description: 'One sentence of the answer, without citation markers.' },
              sources: { type: 'array', items: { type: 'integer' }, description: 'Numbers of the sources that state it.' },
              quote: { type: 'string', description: 'The sentence of the cited source that supports it, copied exactly.' },
            },
          },
        },
      },
    },
  },
} as const;

/** The format instructions the answer prompt's `{format}` gets. */
export const ANSWER_FORMATS = {
  text: 'Write a short paragraph or a few bullet points in plain Markdown, no headings, no reference list (the sources are listed separately). Put the source number as [1], [2], … right after each claim.',
  json: 'Reply with JSON only: {"sentences": [{"sentence": "…", "sources": [1], "quote": "…"}]}, one entry per sentence of your answer, "sources" the numbers of the sources that state it, "quote" the sentence of that source it rests on, copied exactly. To abstain, reply with the sentinel instead of JSON.',
} as const;

/** The JSON reply as `sentence [n]` text; the sentinel passes through; undefined when unreadable. */
export function parseStructuredAnswer(reply: string): string | undefined {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start < 0 || end <= start) return reply.trim() || undefined;
  let value: unknown;
  try {
    value = JSON.parse(reply.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = AnswerSchema.safeParse(value);
  if (!parsed.success) return undefined;
  return parsed.data.sentences
    .map(({ sentence, sources }) => {
      const markers = sources.map((n) => `[${n}]`).join('');
      const [, body, end] = /^([\s\S]*?)([.!?]?)$/.exec(sentence.trim())!;
      return markers ? `${body} ${markers}${end || '.'}` : sentence.trim();
    })
    .join(' ');
}
