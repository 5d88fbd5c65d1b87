/**
 * Structured JSON logs. Secrets, codes, tokens and phone numbers are redacted by key,
 * wherever they sit in a logged object, so a careless `log.info({body})` cannot leak them.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const redactedKeys = [
  'phone',
  'code',
  'token',
  'access',
  'refresh',
  'password',
  'authorization',
  'Authorization',
  'secret',
  'jwt',
];

export function createLogger(options: {
  level: string;
  name: string;
  /** Where lines go (stdout by default); tests pass a capturing stream. */
  destination?: DestinationStream;
}): Logger {
  const settings: pino.LoggerOptions = {
    name: options.name,
    level: options.level,
    redact: {
      paths: [
        ...redactedKeys,
        ...redactedKeys.map((key) => `*.${key}`),
        ...redactedKeys.map((key) => `*.*.${key}`),
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** Masks a phone for human-facing diagnostics: +7777*****77. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '***';
  return `${phone.slice(0, 5)}${'*'.repeat(phone.length - 7)}${phone.slice(-2)}`;
}
