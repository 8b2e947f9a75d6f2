import { pino, destination, type DestinationStream, type Logger } from 'pino';
import { SECRET_KEYS } from './secrets.ts';

/**
 * JSON logs on stderr (stdout stays for answers and --json output). pino's redaction strips
 * anything logged under a secret's name, and `scrubSecrets` masks secret values that end up
 * inside messages (e.g. an SDK error that echoes a token).
 */
export function createLogger(level: string, secrets: (string | undefined)[] = [], output: DestinationStream = destination(2)): Logger {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6);
  return pino(
    {
      level,
      redact: {
        paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a, values) : a)) as typeof args);
        },
      },
      formatters: {
        log: (obj) => scrubObject(obj, values),
      },
    },
    output,
  );
}

export function scrubSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

function scrubObject(obj: Record<string, unknown>, secrets: string[]): Record<string, unknown> {
  if (secrets.length === 0) return obj;
  const json = JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v));
  return JSON.parse(scrubSecrets(json, secrets)) as Record<string, unknown>;
}

export type { Logger };
