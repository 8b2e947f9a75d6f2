import { createSlackApp, type SlackAppOptions } from '../../adapters/slack/create-slack-app.ts';
import { createLogger } from '../../src/logger.ts';
import { BOT_TOKEN, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { eventCallback, slashCommand } from '../fakes/slack-payloads.ts';
import { postSigned } from '../fakes/slack-sign.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/**
 * A real Bolt app in HTTP mode on a loopback port, talking to the fake Slack API, plus senders of
 * requests signed as Slack signs them.
 */
export async function startSlackHarness(fake: FakeSlackApi, options: Pick<SlackAppOptions, 'engine' | 'claims'> & Partial<SlackAppOptions>) {
  const slack = createSlackApp({
    config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, host: '127.0.0.1', apiUrl: fake.apiUrl, slashCommand: '/papers' },
    limits: { ratePerMinute: 1000, maxQuestionChars: 2000 },
    logger: createLogger('silent'),
    ...options,
  });
  await slack.start();
  const endpoint = `http://127.0.0.1:${slack.address()!.port}/slack/events`;
  const sendBody = (body: string, retryNum?: number) => postSigned(endpoint, { body, contentType: 'application/json', signingSecret: SIGNING_SECRET, retryNum });
  return {
    slack,
    endpoint,
    /** Posts a recorded or hand-made event body as Slack would deliver it (`retryNum` marks a redelivery). */
    sendBody,
    sendEvent: (event: Record<string, unknown>, { eventId, retryNum }: { eventId?: string; retryNum?: number } = {}) => sendBody(eventCallback(event, { eventId }), retryNum),
    sendCommand: (text: string, responseUrl = fake.responseUrl()) =>
      postSigned(endpoint, { body: slashCommand({ text, responseUrl }), contentType: 'application/x-www-form-urlencoded', signingSecret: SIGNING_SECRET }).then((res) => ({
        ...res,
        responseUrl,
      })),
  };
}
export type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;
