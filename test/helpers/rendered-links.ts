/**
 * What a Slack or Discord client would turn into live links and mentions, read the way each
 * platform parses a message, so tests can assert on what people would actually see.
 */

export interface Rendered {
  /** Every URL the client would make clickable. */
  links: string[];
  /** Every mention the client would render (user, role, channel, @everyone, @here, Slack groups). */
  mentions: string[];
}

const CODE = /```[\s\S]*?```|`[^`\n]+`/g;

/**
 * Discord markdown: a backslash before a non-alphanumeric character makes it text; masked links
 * `[x](url)`, `<url>` and bare `http(s)://` URLs are links; `<@id>`, `<@&id>`, `<#id>`, `@everyone`
 * and `@here` are mentions. Nothing inside code is either.
 */
export function renderDiscord(text: string): Rendered {
  // An escaped character becomes an inert one, so it can neither open nor continue any construct.
  const plain = text.replace(CODE, ' ').replace(/\\[^A-Za-z0-9\s]/g, '\u0001');
  const links: string[] = [];
  const rest = plain.replace(/\[[^[\]]*\]\(\s*<?(https?:\/\/[^\s)>]+)>?\s*\)/g, (_m, url: string) => {
    links.push(url);
    return ' ';
  });
  for (const m of rest.matchAll(/https?:\/\/[^\s<>]+/g)) links.push(m[0]);
  const mentions = [...rest.matchAll(/<@[!&]?\d+>|<#\d+>|@everyone|@here/g)].map((m) => m[0]);
  return { links, mentions };
}

/** Every string Discord renders with markdown in a message body: content, embed text and fields. */
export function discordTexts(body: { content?: string; embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[] }): string[] {
  return [
    body.content ?? '',
    ...(body.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]),
  ];
}

interface SlackTextObject {
  type?: string;
  text?: string;
  verbatim?: boolean;
}

/**
 * Slack mrkdwn: `<url|label>` and `<url>` are links, and so is a bare URL unless the text object
 * is `verbatim` (the top-level `text` always links bare URLs); `<@U…>`, `<!here>`, `<!channel>`,
 * `<!everyone>`, `<!subteam^…>`, `<#C…>` and bare `@here`-style words are mentions.
 */
export function renderSlack(message: { text?: string; blocks?: unknown[] }): Rendered {
  const objects: SlackTextObject[] = [{ type: 'mrkdwn', text: message.text ?? '' }];
  for (const block of (message.blocks ?? []) as { text?: SlackTextObject; elements?: SlackTextObject[]; fields?: SlackTextObject[] }[]) {
    objects.push(...[block.text, ...(block.elements ?? []), ...(block.fields ?? [])].filter((o): o is SlackTextObject => o !== undefined));
  }
  const links: string[] = [];
  const mentions: string[] = [];
  for (const object of objects) {
    if (object.type !== 'mrkdwn' || !object.text) continue;
    const text = object.text.replace(CODE, ' ');
    const rest = text.replace(/<([^>|]+)(?:\|[^>]*)?>/g, (_m, target: string) => {
      if (/^(https?|mailto):/i.test(target)) links.push(target);
      else if (!target.startsWith('!date^')) mentions.push(target);
      return ' ';
    });
    if (!object.verbatim) for (const m of rest.matchAll(/https?:\/\/[^\s<>]+|\bwww\.[^\s<>]+/gi)) links.push(m[0]);
    // Only with `link_names`, which Paperboy never sets; counted anyway.
    for (const m of rest.matchAll(/@(channel|here|everyone)\b/gi)) mentions.push(m[0]);
  }
  return { links, mentions };
}
