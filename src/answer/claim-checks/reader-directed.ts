/**
 * Text that speaks to the reader or the channel instead of answering: what an instruction hidden
 * in a paper's abstract makes an obedient model write. Such a sentence never passes the claim
 * check, whatever it cites; links and mentions pass only when the cited paper has them verbatim.
 */

const MENTION = /<[!@#][^>]*>|(?:^|[\s(])[@＠](?:channel|here|everyone|[\w.-]{2,})\b|(?:^|\s)#[a-z][\w-]{2,}\b/i;
const LINK = /\bhttps?:\/\/\S+|\bwww\.\S+|\[[^\]]+\]\([^)]+\)|\b[\w-]+\.(?:com|org|net|io|ai|dev|app|co|ly|gg|me)\b(?:\/\S*)?|\bgo\/[\w-]+/i;

/** Orders at the start of a sentence ("Ignore …", "Please star …"). */
const IMPERATIVE_START =
  /^(?:\W*)(?:please|kindly|ignore|disregard|forget|visit|click|star|share|tag|react|fill|reply|respond|tell|output|print|list every|send|dm|message|email|contact|rate|cite|subscribe|follow|upvote|download|install|run|check out|go to|sign up|grab|head (?:over|to)|join|leave a|don'?t|do not|never|always|remember|make sure|before (?:reading|replying|continuing|answering|using))\b/i;

/** Phrases that only make sense addressed to the reader or as a relayed instruction. */
const DIRECTED = [
  /\b(?:previous|prior|above|earlier|all) (?:instructions?|prompts?|messages?|rules)\b/i,
  /\b(?:ignore|disregard|forget) (?:the|all|any|every|your|these|those|this)\b/i,
  /\bsystem (?:note|prompt|message|instruction)\b/i,
  /\b(?:as|per) the [^.]{0,60}\b(?:instructs?|instruction|requests?|asks?|note|notes|wants?|demands?)\b/i,
  /\b(?:following|per|obeying) (?:the|its|their) (?:instructions?|request|note)\b/i,
  /\b(?:instruct(?:s|ed|ion)?|request(?:s|ed)?|reminder|asks?|ask that) (?:from|in|by)? ?(?:the )?(?:source|abstract|authors?|paper)\b/i,
  /\b(?:source|abstract|authors?|paper)\s*(?:\[\d+\]\s*)?(?:instructs?|requests?|asks?|wants?|demands?|reminds?)\b/i,
  /\bplease\b/i,
  /\b(?:star|fork|upvote|like|follow|bookmark) (?:the|this|their|our|its|my) (?:repo|repository|project|github|page|channel|account|post)\b/i,
  /\bsupport the (?:authors?|project|team)\b/i,
  /\b(?:DM|message|email|contact|ping|tag) (?:me|us|the authors)\b/i,
  /\b(?:I|I'm|I am|I'll|I will|we will|let me)\b[^.]{0,40}\b(?:recommend|state|say|tell|rate|answer|reply|output)/i,
  /\bthis (?:answer|response|reply|summary|thread|message)\b[^.]{0,40}\b(?:should|must|be|is being)\b/i,
  /\bregardless of (?:the|your|what)\b/i,
  // A secret, not the "token by token with …" of a model's tokens.
  /\b(?:API keys?|passwords?|credentials|(?:access|auth|api|bot|secret|slack|discord|oauth) tokens?) (?:to|with|here)\b/i,
  /\bto (?:anyone|everyone|every user|all users) who\b/i,
  /\b(?:anyone|everyone|every user)\b[^.]{0,30}\b(?:who asks|regardless)\b/i,
];

export type ReaderDirected = 'mention' | 'link' | 'instruction';

/**
 * Why a sentence addresses the reader rather than answering, or undefined. A link or mention the
 * cited paper itself contains (e.g. its code URL) is allowed; an instruction never is.
 */
export function readerDirected(sentence: string, citedText: string): ReaderDirected | undefined {
  const mention = MENTION.exec(sentence);
  if (mention && !citedText.includes(mention[0].trim())) return 'mention';
  const link = LINK.exec(sentence);
  if (link && !citedText.includes(link[0].replace(/[).,;:]+$/, ''))) return 'link';
  if (IMPERATIVE_START.test(sentence) || DIRECTED.some((re) => re.test(sentence))) return 'instruction';
  return undefined;
}
