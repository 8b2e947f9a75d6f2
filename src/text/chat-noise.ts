/**
 * What chat adds around a question and no paper is about: platform mention tokens, greetings,
 * sign-offs, laughter and emoji. Stripped before retrieval so "<!channel> what is attention?"
 * searches for attention, not for channels.
 */
const PLATFORM_TOKENS = [
  /<[@#!][^>\s]*>/g, // Slack: <@U123>, <#C123|name>, <!channel>, <!subteam^S1|@team>
  /<@[!&]?\d+>|<#\d+>|<a?:\w+:\d+>/g, // Discord: <@123>, <@!123>, <@&123>, <#123>, <:emoji:123>
  /(?:^|\s)@(?:here|channel|everyone|[\w.-]+)/gi,
  /:[a-z0-9_+-]+:/gi, // :thinking_face: shortcodes
  /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\u200d|\ufe0f/gu,
];

// Longer alternatives first: the regex engine takes the first that matches.
const GREETING = String.raw`(?:(?:hi+|hey+|hello+) there|hiya|hi+|hey+|hello+|yo|howdy|greetings|good (?:morning|afternoon|evening)|folks|team|all|everyone|guys|y'?all|paperboy|bot)`;
const LAUGHTER = String.raw`(?:lol+|lmao+|rofl|haha+|hehe+|xd)`;
const SIGN_OFF = String.raw`(?:thanks?(?: you)?(?: so much| a lot| in advance)?|thx|ty|tia|cheers|pls|please|plz|kthx|much appreciated|appreciated)`;

const LEADING = new RegExp(String.raw`^(?:(?:${GREETING}|${LAUGHTER}|quick q(?:uestion)?|question|q|so|ok(?:ay)?|um+|uh+)[\s,!.:;-]+)+`, 'i');
const TRAILING = new RegExp(String.raw`(?:[\s,!.:;-]+(?:${SIGN_OFF}|${LAUGHTER})[\s!.]*)+$`, 'i');
const INLINE_LAUGHTER = new RegExp(String.raw`\b${LAUGHTER}\b`, 'gi');

/** The question without chat noise; whitespace collapsed. */
export function stripChatNoise(text: string): string {
  let s = text;
  for (const re of PLATFORM_TOKENS) s = s.replace(re, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  // Greetings and sign-offs may nest ("hey all, quick q: … thanks lol"): strip until stable.
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(LEADING, '').replace(TRAILING, '').trim();
  }
  return s.replace(INLINE_LAUGHTER, ' ').replace(/\s+/g, ' ').trim();
}

const SMALL_TALK = new RegExp(
  String.raw`^(?:${GREETING}|${SIGN_OFF}|${LAUGHTER}|help|what can you do|what do you do|what are you|who are you|how do (?:i|you) use (?:you|this|it)|what can i ask(?: you)?|how does this work|are you there|you there|ping|test(?:ing)?|commands|usage|\?|[\s,!.?]+)+$`,
  'i',
);

/** True for messages that carry no question: a greeting, thanks, "help" or "what can you do?". */
export function isSmallTalk(text: string): boolean {
  let s = text;
  for (const re of PLATFORM_TOKENS) s = s.replace(re, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  return s === '' || SMALL_TALK.test(s);
}
