import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';
import { createLogger } from '../src/logger.ts';

const load = (env: Record<string, string>) => loadConfig(env, '/nonexistent/.env');

describe('config', () => {
  it('needs nothing: defaults give the offline engine and no chat adapters', () => {
    const c = load({});
    expect(c.store.uri).toBe('./.paperboy/db');
    expect(c.embeddings).toEqual({ kind: 'builtin' });
    expect(c.llm).toBeUndefined();
    expect(c.slack).toBeUndefined();
    expect(c.discord).toBeUndefined();
  });

  it('accepts .env.example copied as .env unchanged', () => {
    const c = loadConfig({}, '.env.example');
    expect(c.relevanceFloor).toBeUndefined();
    expect(c.limits.ratePerMinute).toBe(6);
    expect(c.digest.adminUserIds).toEqual([]);
  });

  it('keeps the store behind one URI (object storage works the same way)', () => {
    expect(load({ PAPERBOY_DB_URI: 's3://team-bucket/paperboy' }).store.uri).toBe('s3://team-bucket/paperboy');
  });

  it('chooses Socket Mode settings when an app token is present', () => {
    const c = load({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(c.slack).toMatchObject({ botToken: 'xoxb-1', appToken: 'xapp-1', slashCommand: '/papers' });
  });

  it('serves health on HEALTH_PORT only when it is set, and names a bad one', () => {
    expect(load({}).health).toBeUndefined();
    expect(load({ HEALTH_PORT: '8081' }).health).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(() => load({ HEALTH_PORT: '70000' })).toThrow(/HEALTH_PORT/);
  });

  it('lists every problem with the variable to fix', () => {
    expect(() => load({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    let message = '';
    try {
      load({ SLACK_BOT_TOKEN: 'xoxp-user-token', DIGEST_TZ: 'Mars/Olympus' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET/);
    expect(message).toMatch(/xoxb-/);
    expect(message).toMatch(/DIGEST_TZ "Mars\/Olympus"/);
  });

  it('reads the digest sources in ingest syntax and names a bad one', () => {
    expect(load({}).digest.sources).toEqual([{ kind: 'hf-daily' }]);
    expect(load({ DIGEST_SOURCES: 'hf-daily; arxiv:cat:cs.CL' }).digest.sources).toEqual([
      { kind: 'hf-daily' },
      { kind: 'arxiv-query', query: 'cat:cs.CL' },
    ]);
    expect(() => load({ DIGEST_SOURCES: 'hf-daily;rss:feed' })).toThrow(/DIGEST_SOURCES: "rss:feed" is not a source/);
    expect(() => load({ DIGEST_SOURCES: 'hf-daily:27-11-2026' })).toThrow(/DIGEST_SOURCES: .*hf-daily:YYYY-MM-DD/);
  });

  it('rejects an embedding model with no endpoint to serve it', () => {
    expect(() => load({ EMBEDDING_MODEL: 'text-embedding-3-small' })).toThrow(/OPENAI_API_KEY nor OPENAI_BASE_URL/);
  });
});

describe('logger', () => {
  it('never writes secrets, whether logged by name or inside a message', () => {
    const lines: string[] = [];
    const logger = createLogger('info', ['xoxb-very-secret-token'], { write: (s: string) => void lines.push(s) });
    logger.info({ SLACK_BOT_TOKEN: 'xoxb-very-secret-token', detail: 'auth failed for xoxb-very-secret-token' }, 'token xoxb-very-secret-token rejected');
    logger.error(new Error('invalid_auth for xoxb-very-secret-token'), 'start-up failed');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).toContain('[redacted]');
    expect(lines.join('')).not.toContain('very-secret');
  });
});
