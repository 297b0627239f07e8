// Small probes shared by the unit tests, light enough for the narrow ones that mutation testing
// runs per mutant (they load no cluster and no testkit): a recording logger, a promise watcher, and
// what a call threw.
import { ClustrError } from '@clustr/protocol/core';
import type { LogFields, LogLevel, Logger } from '../../src/process/logger';

export interface LogRecord {
  level: LogLevel;
  fields: LogFields;
  msg: string | undefined;
  /** Clock time of the record, when the logger was given a clock. */
  at?: number;
}

export interface RecordingLogger extends Logger {
  readonly records: LogRecord[];
  /** The fields of every record whose `event` is `event`, in order. */
  events(event: string): LogFields[];
}

/** A logger that keeps every structured record, so tests assert on log events rather than text. */
export function recordingLogger(now?: () => number): RecordingLogger {
  const records: LogRecord[] = [];
  const at = (level: LogLevel) => (fields: LogFields, msg?: string) => {
    records.push(now ? { level, fields, msg, at: now() } : { level, fields, msg });
  };
  return {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    events: (event) => records.filter((r) => r.fields.event === event).map((r) => r.fields),
  };
}

/** What a promise did so far, for assertions between clock steps. */
export function watch<T>(promise: Promise<T>): { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: any } {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: any } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(seen, { state: 'resolved', value }),
    (error: unknown) => Object.assign(seen, { state: 'rejected', error }),
  );
  return seen;
}

/** What `fn` threw: a ClustrError (fails the test when it throws nothing, or something else). */
export function thrownClustrError(fn: () => unknown): ClustrError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClustrError);
    return error as ClustrError;
  }
  throw new Error('expected the call to throw');
}
