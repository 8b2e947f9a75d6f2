/**
 * Words with which a question asks for a list of papers rather than one answer: "which papers…",
 * "any studies on…", "anything on…", "is there work on…", "what do we have on…", and in chat
 * "video generation stuff?", "… - what's there", "who compares …?", "can any of these models …?".
 * A plural of "paper" is the plainest signal; "models" or "methods" alone are not, since single
 * questions use them too.
 */
const SEVERAL = /\b(?:papers|studies|articles|publications|anything (?:on|about)|work (?:on|about)|what do (?:we|you) have|stuff|literature|what(?:'s| is) there|who \w+s|any of (?:these|those|the) \w+s)\b/i;

/** True when the question asks for the papers on a topic, so each relevant paper should be cited. */
export function asksForSeveral(question: string): boolean {
  return SEVERAL.test(question);
}

/**
 * "Which of those is fastest?", "which one uses Mistral?": a question that points back at papers
 * named before and asks for the one that fits (a singular verb), not for every one that does
 * ("which of them use LLMs?").
 */
const ASKS_FOR_ONE = /\bwhich (?:one|paper)\b|\bwhich of (?:th(?:ose|ese|em)|the (?:papers|above))\s+(?:is|was|has|does|only|\w+[^s\W]s)\b/i;

/** True when the question asks which one of the papers named before fits. */
export function asksForOne(question: string): boolean {
  return ASKS_FOR_ONE.test(question);
}
