/**
 * Words with which a question asks for a list of papers rather than one answer: "which papers…",
 * "any studies on…", "anything on…", "is there work on…", "what do we have on…". A plural of
 * "paper" is the plainest signal; "models" or "methods" are not, since single questions use them too.
 */
const SEVERAL = /\b(?:papers|studies|articles|publications|anything (?:on|about)|work (?:on|about)|what do (?:we|you) have)\b/i;

/** True when the question asks for the papers on a topic, so each relevant paper should be cited. */
export function asksForSeveral(question: string): boolean {
  return SEVERAL.test(question);
}
