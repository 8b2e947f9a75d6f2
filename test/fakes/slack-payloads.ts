/** Slack request bodies shaped like the real ones (ids scrubbed to short fakes). */

export const TEAM_ID = 'T0PAPERS';
export const USER_ID = 'U0READER';

let counter = 0;
/** Slack message timestamps: seconds.micro, increasing. */
export function nextTs(): string {
  counter += 1;
  return `1764230400.${String(counter).padStart(6, '0')}`;
}

export function eventCallback(event: Record<string, unknown>, { eventId = `Ev${nextTs().replace('.', '')}` } = {}): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0PAPERBOY',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: 1764230400,
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: 'U0PAPERBOY', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: '4-fake',
  });
}

export function appMention({ text, channel = 'C0RESEARCH', ts = nextTs(), threadTs, user = USER_ID }: { text: string; channel?: string; ts?: string; threadTs?: string; user?: string }) {
  return { type: 'app_mention', user, text, ts, channel, event_ts: ts, team: TEAM_ID, ...(threadTs ? { thread_ts: threadTs } : {}) };
}

export function directMessage({ text, channel = 'D0READER', ts = nextTs(), threadTs, user = USER_ID }: { text: string; channel?: string; ts?: string; threadTs?: string; user?: string }) {
  return {
    type: 'message',
    user,
    text,
    ts,
    channel,
    event_ts: ts,
    channel_type: 'im',
    team: TEAM_ID,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  };
}

/** A slash command as Slack form-posts it. */
export function slashCommand({ command = '/papers', text, responseUrl, user = USER_ID }: { command?: string; text: string; responseUrl: string; user?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'papers',
    channel_id: 'C0RESEARCH',
    channel_name: 'research',
    user_id: user,
    user_name: 'reader',
    command,
    text,
    api_app_id: 'A0PAPERBOY',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: `${nextTs()}.trigger`,
  }).toString();
}
