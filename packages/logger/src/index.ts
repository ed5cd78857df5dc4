import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Field paths that may carry secrets. pino removes them before a line is written, so even a
 * careless `log.info({ req })` cannot print an API key or a credential.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'apiKey',
  'key',
  'secret',
  'password',
  'token',
  'credentials',
  '*.authorization',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.token',
  '*.credentials',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to search the output. */
  destination?: pino.DestinationStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    },
    options.destination,
  );
}
