// Repeated log records held to a burst per window (process/log-limiter.ts), on a hand clock:
// the first LOG_BURST records of a kind are written, the rest counted into one summary.
import type { Clock, TimerHandle } from '../../src/platform/platform';
import type { LogFields, LogLevel, Logger } from '../../src/process/logger';
import { LOG_BURST, LOG_WINDOW_MS, LogLimiter } from '../../src/process/log-limiter';
import { handClock, type HandClock } from './redis-stub';

interface Written {
  level: LogLevel;
  fields: LogFields;
  message: string | undefined;
  at: number;
}

function recorder(clock: Clock): Logger & { written: Written[]; summaries(): Written[] } {
  const written: Written[] = [];
  const at = (level: LogLevel) => (fields: LogFields, message?: string) => void written.push({ level, fields, message, at: clock.now() });
  return { written, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), summaries: () => written.filter((w) => w.fields.event === 'log.suppressed') };
}

let clock: HandClock;
let logger: ReturnType<typeof recorder>;
let limiter: LogLimiter;
beforeEach(() => {
  clock = handClock(1_000_000);
  logger = recorder(clock);
  limiter = new LogLimiter(logger, clock);
});

function rejected(times: number, reason: unknown = 'not_json', level: LogLevel = 'warn'): void {
  for (let i = 0; i < times; i++) limiter.log(level, { event: 'frame.rejected', reason, n: i }, `rejected frame ${i}`);
}

test('a burst of 10 per 10 s', () => {
  expect(LOG_BURST).toBe(10);
  expect(LOG_WINDOW_MS).toBe(10_000);
});

test('the first records of a kind are written in full, at their level, with their fields and message', () => {
  rejected(LOG_BURST);
  expect(logger.written).toHaveLength(LOG_BURST);
  expect(logger.written[0]).toEqual({ level: 'warn', fields: { event: 'frame.rejected', reason: 'not_json', n: 0 }, message: 'rejected frame 0', at: 1_000_000 });
  expect(logger.written[9]!.fields['n']).toBe(9);
  // Nothing was held back: no summary is due.
  expect(clock.pending).toBe(0);
  clock.advance(LOG_WINDOW_MS);
  expect(logger.summaries()).toEqual([]);
});

test('the rest are counted, and summed up once when the window ends, at the level of the kind', () => {
  rejected(LOG_BURST + 3);
  clock.advance(2_000);
  rejected(2);
  expect(logger.written).toHaveLength(LOG_BURST);
  clock.advance(LOG_WINDOW_MS - 2_000 - 1);
  expect(logger.summaries()).toEqual([]);
  clock.advance(1);
  expect(logger.written.slice(LOG_BURST)).toEqual([
    {
      level: 'warn',
      fields: { event: 'log.suppressed', of: 'frame.rejected', reason: 'not_json', count: 5, windowMs: LOG_WINDOW_MS },
      message: '5 more frame.rejected (not_json) in the last 10 s',
      at: 1_000_000 + LOG_WINDOW_MS,
    },
  ]);
  expect(clock.pending).toBe(0);
});

test('counts are written with thousands separators', () => {
  rejected(LOG_BURST + 1_234, 'too_large', 'error');
  clock.advance(LOG_WINDOW_MS);
  expect(logger.summaries()).toEqual([expect.objectContaining({ level: 'error', message: '1,234 more frame.rejected (too_large) in the last 10 s' })]);
});

test('a kind is its event and its reason: each has its own burst and its own summary', () => {
  rejected(LOG_BURST + 1, 'not_json');
  rejected(LOG_BURST + 2, 'bad_signature');
  for (let i = 0; i < LOG_BURST + 3; i++) limiter.log('info', { event: 'redis.error' }, 'redis error');
  expect(logger.written).toHaveLength(3 * LOG_BURST);
  clock.advance(LOG_WINDOW_MS);
  expect(logger.summaries().map((s) => [s.level, s.fields, s.message])).toEqual([
    ['warn', { event: 'log.suppressed', of: 'frame.rejected', reason: 'not_json', count: 1, windowMs: LOG_WINDOW_MS }, '1 more frame.rejected (not_json) in the last 10 s'],
    ['warn', { event: 'log.suppressed', of: 'frame.rejected', reason: 'bad_signature', count: 2, windowMs: LOG_WINDOW_MS }, '2 more frame.rejected (bad_signature) in the last 10 s'],
    ['info', { event: 'log.suppressed', of: 'redis.error', count: 3, windowMs: LOG_WINDOW_MS }, '3 more redis.error in the last 10 s'],
  ]);
});

test('a reason that is not a string does not split the kind, and a summary without a reason has no reason field', () => {
  rejected(LOG_BURST, 7);
  rejected(1, { code: 1 });
  rejected(1);
  expect(logger.written).toHaveLength(LOG_BURST + 1);
  clock.advance(LOG_WINDOW_MS);
  expect(logger.summaries().map((s) => s.fields)).toStrictEqual([{ event: 'log.suppressed', of: 'frame.rejected', count: 1, windowMs: LOG_WINDOW_MS }]);
});

test('no event and reason pass for another pair', () => {
  const burst = (event: string, reason?: string) => {
    for (let i = 0; i < LOG_BURST; i++) limiter.log('warn', reason === undefined ? { event } : { event, reason }, 'm');
  };
  burst('redis:error');
  burst('redis', 'error');
  burst('x');
  burst('x', 'undefined');
  expect(logger.written).toHaveLength(4 * LOG_BURST);
});

test('after a summary, the next record opens a new window and is written in full', () => {
  rejected(LOG_BURST + 1);
  clock.advance(LOG_WINDOW_MS + 500);
  rejected(LOG_BURST + 2);
  expect(logger.written.filter((w) => w.fields.event === 'frame.rejected')).toHaveLength(2 * LOG_BURST);
  clock.advance(LOG_WINDOW_MS);
  expect(logger.summaries().map((s) => [s.fields['count'], s.at])).toEqual([
    [1, 1_000_000 + LOG_WINDOW_MS],
    [2, 1_000_000 + 2 * LOG_WINDOW_MS + 500],
  ]);
});

test('a window with nothing held back ends after 10 s: the burst starts again', () => {
  rejected(5);
  clock.advance(LOG_WINDOW_MS - 1);
  rejected(5);
  // Still the first window: its burst is used up.
  rejected(1);
  expect(logger.written).toHaveLength(LOG_BURST);
  clock.advance(LOG_WINDOW_MS);
  expect(logger.summaries().map((s) => s.fields['count'])).toEqual([1]);

  const fresh = new LogLimiter(logger, clock);
  logger.written.length = 0;
  for (let i = 0; i < 5; i++) fresh.log('warn', { event: 'e' }, 'm');
  clock.advance(LOG_WINDOW_MS);
  for (let i = 0; i < LOG_BURST; i++) fresh.log('warn', { event: 'e' }, 'm');
  expect(logger.written).toHaveLength(5 + LOG_BURST);
});

test('records held back after the window ended, before its summary ran, go into that summary', () => {
  // A timer can fire late (a busy event loop): now moves on first.
  let now = 0;
  const timers: Array<() => void> = [];
  const late: Clock = { now: () => now, setTimeout: (fn) => (timers.push(fn), {} as TimerHandle), clearTimeout: () => undefined };
  const written: LogFields[] = [];
  const sink = (fields: LogFields) => void written.push(fields);
  const slow = new LogLimiter({ debug: sink, info: sink, warn: sink, error: sink }, late);
  for (let i = 0; i < LOG_BURST + 1; i++) slow.log('warn', { event: 'e' }, 'm');
  now = LOG_WINDOW_MS + 200;
  slow.log('warn', { event: 'e' }, 'm');
  expect(written).toHaveLength(LOG_BURST);
  expect(timers).toHaveLength(1);
  timers[0]!();
  expect(written.slice(LOG_BURST)).toEqual([{ event: 'log.suppressed', of: 'e', count: 2, windowMs: LOG_WINDOW_MS + 200 }]);
});

test('close writes the summaries due now, with the time so far, and cancels their timers', () => {
  rejected(LOG_BURST + 4);
  limiter.log('info', { event: 'quiet' }, 'once');
  clock.advance(2_600);
  limiter.close();
  expect(clock.pending).toBe(0);
  expect(logger.summaries().map((s) => [s.fields, s.message])).toEqual([
    [{ event: 'log.suppressed', of: 'frame.rejected', reason: 'not_json', count: 4, windowMs: 2_600 }, '4 more frame.rejected (not_json) in the last 3 s'],
  ]);
  // Nothing more comes when the window would have ended.
  clock.advance(LOG_WINDOW_MS);
  expect(logger.summaries()).toHaveLength(1);
});

test('a summary written within the first second says 1 s', () => {
  rejected(LOG_BURST + 1);
  clock.advance(300);
  limiter.close();
  expect(logger.summaries().map((s) => [s.fields['windowMs'], s.message])).toEqual([[300, '1 more frame.rejected (not_json) in the last 1 s']]);
});

test('after close every kind starts afresh', () => {
  rejected(LOG_BURST + 1);
  limiter.close();
  logger.written.length = 0;
  rejected(LOG_BURST);
  expect(logger.written).toHaveLength(LOG_BURST);
});
