/**
 * When in a model's life something happens: pre-training, fine-tuning, instruction tuning, training
 * or inference. "Uses X during pre-training" where the paper uses X in its instruction-tuning stage
 * shares every other word with the paper; the stage is what is wrong.
 */

const STAGES: [stage: string, pattern: RegExp][] = [
  ['pre-training', /\bpre-?train(?:ing|ed)?\b/i],
  ['instruction tuning', /\binstruction[- ]?tun(?:ing|ed)\b/i],
  ['fine-tuning', /\bfine-?tun(?:ing|ed)\b/i],
  ['inference', /\b(?:inference|test[- ]time|decoding time)\b/i],
  ['training', /(?<![-\w])(?<!pre-|fine-|pre|fine)train(?:ing)?\b/i],
];

/** A stage the text places something in: "during pre-training", "at inference time", "in the fine-tuning stage". */
const PLACED = /\b(?:during|at|in|before|after)\s+(?:the\s+|its\s+|their\s+)?((?:[\w-]+\s+){0,2}?(?:pre-?training|instruction[- ]tuning|fine-?tuning|inference|test[- ]time|training))\b/gi;

function stagesIn(text: string): Set<string> {
  return new Set(STAGES.filter(([, pattern]) => pattern.test(text)).map(([stage]) => stage));
}

/**
 * The stage the claim places something in that the paper's sentences about it never name, when
 * they name another: `[claim's stage, paper's stage]`, or undefined.
 */
export function otherStage(claim: string, paperSentences: string[]): [string, string] | undefined {
  const said = [...claim.matchAll(PLACED)].flatMap((m) => [...stagesIn(m[1]!)]);
  if (said.length === 0) return undefined;
  const paper = stagesIn(paperSentences.join(' '));
  for (const stage of said) {
    // Instruction tuning is a kind of fine-tuning; fine-tuning and pre-training are kinds of training.
    const named = paper.has(stage) || (stage === 'fine-tuning' && paper.has('instruction tuning')) || (stage === 'training' && (paper.has('pre-training') || paper.has('fine-tuning')));
    const other = [...paper].find((s) => s !== stage);
    if (!named && other) return [stage, other];
  }
  return undefined;
}
