/**
 * How long Paperboy's Slack Web API calls may keep trying. The client's default (10 retries over
 * about 30 minutes) turns an outage into a start-up that hangs for minutes and answers that land
 * half an hour late; these bound both.
 */
import type { webApi } from '@slack/bolt';

/** Answers and replies: a few quick retries (about 7 s of waiting), each attempt cut off after 10 s. */
export const ANSWER_CLIENT_OPTIONS = {
  retryConfig: { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 4000 },
  timeout: 10_000,
} satisfies webApi.WebClientOptions;

/**
 * History reads: the answers' retries, but a rate-limited call fails at once instead of pausing
 * every call of the client until the limit passes (history-rate-limit.ts waits within a budget).
 */
export const HISTORY_CLIENT_OPTIONS = { ...ANSWER_CLIENT_OPTIONS, rejectRateLimitedCalls: true } satisfies webApi.WebClientOptions;

/** The start-up check: three attempts of at most 5 s, so a bad setting is named well within 30 s. */
export const STARTUP_CLIENT_OPTIONS = {
  retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
  timeout: 5_000,
} satisfies webApi.WebClientOptions;

/** Slack's public Web API base, used when SLACK_API_URL is not set. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
