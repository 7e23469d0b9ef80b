/** Structured logging with pino; tokens and credentials are redacted wherever they appear. */
import { pino } from 'pino';

export type Logger = Pick<pino.Logger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

const JWT_LIKE = /\b(?:bearer\.)?eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

/** Replace anything shaped like a JWT in a string; used on every logged string value. */
export function redactTokens(text: string): string {
  return text.replace(JWT_LIKE, '[redacted]');
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'insight-hub' },
      redact: {
        paths: [
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          'headers["sec-websocket-protocol"]',
          'secret',
          '*.secret',
        ],
        censor: '[redacted]',
      },
      hooks: {
        // Belt and braces: a token pasted into a message string is redacted too.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactTokens(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}
