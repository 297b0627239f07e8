import type { Clock, TimerHandle } from '../platform/platform';
import type { LogFields, LogLevel, Logger } from './logger';

/** Records of one kind logged in full per window; the rest are counted and summed up once. */
export const LOG_BURST = 10;
export const LOG_WINDOW_MS = 10_000;

interface Window {
  start: number;
  logged: number;
  suppressed: number;
  level: LogLevel;
  event: string;
  reason: string | undefined;
  timer: TimerHandle | undefined;
}

/**
 * Keeps repeated records (rejected frames, gaps, connection errors) from
 * flooding a log: per kind (event + reason), the first LOG_BURST records of a
 * window are written; the others are counted, and one summary record says how
 * many there were ("12,345 more frame.rejected (not_json) in the last 10 s").
 * Stats counters are kept elsewhere and stay exact.
 */
export class LogLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  log(level: LogLevel, fields: LogFields & { reason?: unknown }, message: string): void {
    const reason = typeof fields.reason === 'string' ? fields.reason : undefined;
    // As JSON, so no event and reason can read as another pair (`a:b` and `a` for reason `b`).
    const key = JSON.stringify([fields.event, reason]);
    const now = this.clock.now();
    let window = this.windows.get(key);
    if (window === undefined || (window.suppressed === 0 && now - window.start >= LOG_WINDOW_MS)) {
      window = { start: now, logged: 0, suppressed: 0, level, event: fields.event, reason, timer: undefined };
      this.windows.set(key, window);
    }
    if (window.logged < LOG_BURST) {
      window.logged++;
      this.logger[level](fields, message);
      return;
    }
    window.suppressed++;
    if (window.timer === undefined) {
      const current = window;
      current.timer = this.clock.setTimeout(() => this.summarize(key, current), Math.max(0, current.start + LOG_WINDOW_MS - now));
    }
  }

  /** Writes the pending summaries now (the process is stopping) and cancels their timers. */
  close(): void {
    for (const [key, window] of this.windows) {
      if (window.timer !== undefined) this.clock.clearTimeout(window.timer);
      if (window.suppressed > 0) this.summarize(key, window);
    }
    this.windows.clear();
  }

  private summarize(key: string, window: Window): void {
    window.timer = undefined;
    const seconds = Math.max(1, Math.round((this.clock.now() - window.start) / 1000));
    const what = window.reason === undefined ? window.event : `${window.event} (${window.reason})`;
    this.logger[window.level](
      { event: 'log.suppressed', of: window.event, ...(window.reason === undefined ? {} : { reason: window.reason }), count: window.suppressed, windowMs: this.clock.now() - window.start },
      `${window.suppressed.toLocaleString('en-US')} more ${what} in the last ${seconds} s`,
    );
    // A new window starts with the next record.
    this.windows.delete(key);
  }
}
