import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';

const levels: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
};

/**
 * Routes Bolt's and the Web API client's logs into our pino logger, so they get the same secret
 * scrubbing and level. The level is ours: Bolt's `setLevel` calls are ignored on purpose.
 */
export function createBoltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack-bolt' });
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => {
    const err = msg.find((m): m is Error => m instanceof Error);
    const text = msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
    if (err) log[level]({ err }, text);
    else log[level](text);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => levels[logger.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}
