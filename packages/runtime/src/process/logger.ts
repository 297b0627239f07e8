import type { Platform } from '../platform/platform';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields of one log record; `event` names what happened, e.g. `child.respawn`. */
export interface LogFields {
  event: string;
  [field: string]: unknown;
}

/**
 * A pino-style logger: one method per level taking a fields object and an
 * optional message. A pino or bunyan logger can be passed as it is.
 */
export interface Logger {
  debug(fields: LogFields, message?: string): void;
  info(fields: LogFields, message?: string): void;
  warn(fields: LogFields, message?: string): void;
  error(fields: LogFields, message?: string): void;
}

const noop = () => undefined;
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** One JSON line per record on stderr, tagged `process: "group:pid"` so interleaved output stays readable. */
export function jsonLogger(platform: Platform, base: { pid: number; group: string }): Logger {
  const write = (level: LogLevel) => (fields: LogFields, message?: string) => {
    // `process` names the writer; record fields such as a child's `pid` cannot overwrite it.
    const record = { time: new Date(platform.clock.now()).toISOString(), level, process: `${base.group}:${base.pid}`, ...fields, ...(message === undefined ? {} : { msg: message }) };
    let line: string;
    try {
      line = JSON.stringify(record, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message, code: (value as { code?: unknown }).code } : value));
    } catch {
      line = JSON.stringify({ level, process: `${base.group}:${base.pid}`, event: fields.event, msg: 'unserializable log record' });
    }
    platform.write('stderr', `${line}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Wraps a user logger so one that throws never breaks the runtime. The silent logger is returned as it is: it cannot throw, and callers check for it to skip building records. */
export function safeLogger(logger: Logger): Logger {
  if (logger === silentLogger) return logger;
  const guard = (level: LogLevel) => (fields: LogFields, message?: string) => {
    try {
      logger[level](fields, message);
    } catch {
      // A broken logger must not take the process down; there is nowhere left to report it.
    }
  };
  return { debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error') };
}
