import { createHmac } from 'node:crypto';

/**
 * Signs a request body the way Slack does: `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` keyed with
 * the app's signing secret. Returns the two headers Slack sends.
 */
export function slackSignatureHeaders(
  body: string,
  signingSecret: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

/** POSTs a signed body to a Bolt HTTP endpoint, as Slack would (`retryNum` sets X-Slack-Retry-Num). */
export async function postSigned(
  url: string,
  { body, contentType, signingSecret, retryNum }: { body: string; contentType: string; signingSecret: string; retryNum?: number },
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...slackSignatureHeaders(body, signingSecret),
      ...(retryNum === undefined ? {} : { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' }),
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}
