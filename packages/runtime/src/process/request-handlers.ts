import { ClustrError, MAX_METHOD_LENGTH, type DataOf, type FrameOf, type MessageValidators, type Meta } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../platform/platform';
import type { Logger } from './logger';
import type { LogLimiter } from './log-limiter';
import { describeValue } from './options';
import { refusal, thrownToWire } from './remote-error';
import type { Stats } from './stats';

/** What a request handler receives. */
export interface RequestMessage<D = unknown> {
  /** Who asked. */
  meta: Meta;
  /** The request body, checked against the method's request schema. */
  data: D;
  /** The request's id: the same in the caller's and the handler's log records (`requestId`). */
  id: string;
  /** The method; undefined for the method without a name. */
  method: string | undefined;
}

/** Answers a request: its return value (or what its promise resolves to) is the reply; a throw or rejection fails the caller's request. */
export type RequestHandler<Req = unknown, Rep = unknown> = (request: RequestMessage<Req>) => Rep | PromiseLike<Rep>;

type Answer = DataOf<'reply'>;

/** A request seen from one caller run: its answer once there is one. */
interface Seen {
  key: string;
  expires: number;
  answer: Answer | undefined;
}

/**
 * Requests the same caller may send again (after a reconnect) are remembered
 * this long past their own timeout, and at most this many at once.
 */
const SEEN_SLACK_MS = 1_000;
const MAX_SEEN = 50_000;

/** Why a reply could not be encoded: the caller hears that instead of waiting for its timeout. */
const UNWRITABLE = new Set<string>(['CLUSTR_FRAME_TOO_LARGE', 'CLUSTR_NOT_SERIALIZABLE', 'CLUSTR_INVALID_FRAME']);

export interface HandlerDeps {
  group: string;
  clock: Clock;
  logger: Logger;
  /** Write the debug records of every request (false with the silent logger: nothing reads them). */
  trace: boolean;
  limiter: LogLimiter;
  stats: Stats;
  validators: MessageValidators;
  defaultTimeout: number;
  /** Replies of a handler that threw carry its stack. */
  errorStacks: boolean;
  /** At most this many ms for drain(): the process's killTimeout. Undefined: until the last caller stops waiting. */
  drainLimit: number | undefined;
  /** The process is stopping: requests picked from a group go to other members. */
  stopping(): boolean;
  /** Publishes `data` as the reply to request `re` of pid `to`. */
  reply(to: number, re: string, data: Answer): Promise<number>;
  report(error: Error, context: { event: string; [field: string]: unknown }): void;
}

/**
 * The answering side of requests: one handler per method; each request is
 * checked, run once per caller run and id (a request sent again after a
 * reconnect gets the first answer again, its handler does not run twice), and
 * answered with the handler's value or its error.
 *
 * A stopping process takes no new requests picked from its group (the caller
 * gives them to another member); the ones addressed to its pid run until its
 * kill hooks are done. Then drain() refuses every new request and waits for
 * the running ones, each until its caller stops waiting.
 */
export class RequestHandlers {
  private readonly handlers = new Map<string | undefined, RequestHandler>();
  private readonly seen = new Map<string, Seen>();
  /**
   * The same entries, oldest first, from `oldest` on: forget() drops from the front. (Iterating
   * the Map for its oldest entry walks every entry deleted since V8 last compacted it: at 50,000
   * remembered requests, tens of thousands of steps per request.)
   */
  private order: Array<Seen | undefined> = [];
  private oldest = 0;
  private running = 0;
  /** The latest time a running handler's caller still waits. */
  private runningUntil = 0;
  private idle: (() => void) | undefined;
  private state: 'open' | 'draining' | 'closed' = 'open';
  /** A handler was added at some point: the process is a target, and must stop being one cleanly. */
  everServed = false;

  constructor(private readonly deps: HandlerDeps) {}

  add(method: string | undefined, handler: RequestHandler): () => void {
    if (method !== undefined && (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH)) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `onRequest method must be a string of 1 to ${MAX_METHOD_LENGTH} characters; got ${describeValue(method)}.`, { field: 'method' });
    }
    if (typeof handler !== 'function') {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `onRequest() needs a function; got ${handler === null ? 'null' : typeof handler}.`, { field: 'handler' });
    }
    if (this.handlers.has(method)) {
      // One answer per request: two handlers would race to give it.
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `onRequest: ${method === undefined ? 'the method without a name' : `method ${JSON.stringify(method)}`} already has a handler; remove it first (call the function onRequest returned).`, { field: 'method' });
    }
    this.handlers.set(method, handler);
    this.everServed = true;
    return () => {
      if (this.handlers.get(method) === handler) this.handlers.delete(method);
    };
  }

  receive(frame: FrameOf<'request'>): void {
    const now = this.deps.clock.now();
    this.forget(now);
    // Stryker disable next-line StringLiteral: any text that is no valid instance (the schema refuses '' and spaces) names the runs without one
    const run = frame.meta.instance ?? '';
    const key = `${frame.meta.pid}:${run}:${frame.id}`;
    const seen = this.seen.get(key);
    if (seen !== undefined) {
      // Sent again (after a reconnect): the first answer again, or nothing while the handler runs.
      if (this.deps.trace) this.deps.logger.debug({ event: 'request.duplicate', requestId: frame.id, from: frame.meta.pid, answered: seen.answer !== undefined }, 'request seen before; not run again');
      // Stryker disable next-line ArrowFunction: the catch keeps a failed resend from being an unhandled rejection; its value is discarded
      if (seen.answer !== undefined) void this.deps.reply(frame.meta.pid, frame.id, seen.answer).catch(() => 0);
      return;
    }
    const { method, group, timeout, body } = frame.data;
    const entry: Seen = { key, expires: now + (timeout ?? this.deps.defaultTimeout) + SEEN_SLACK_MS, answer: undefined };
    this.seen.set(key, entry);
    this.order.push(entry);
    this.deps.stats.requestsReceived++;
    if (this.deps.trace) this.deps.logger.debug({ event: 'request.received', requestId: frame.id, from: frame.meta.pid, method }, 'request received');

    if (this.state !== 'open' || (group !== undefined && this.deps.stopping())) {
      this.answer(frame, entry, { ok: false, error: refusal('CLUSTR_CLOSED', 'this process is stopping and takes no more requests') });
      return;
    }
    if (group !== undefined && group !== this.deps.group) {
      this.answer(frame, entry, { ok: false, error: refusal('CLUSTR_NO_MEMBER', `this process is in group "${this.deps.group}", not "${group}"`) });
      return;
    }
    const handler = this.handlers.get(method);
    if (handler === undefined) {
      this.answer(frame, entry, { ok: false, error: refusal('CLUSTR_NO_HANDLER', method === undefined ? 'no handler for requests without a method' : `no handler for method ${JSON.stringify(method)}`) });
      return;
    }
    const verdict = this.deps.validators.method(method).request(body);
    if (!verdict.ok) {
      this.answer(frame, entry, { ok: false, error: refusal('CLUSTR_INVALID_DATA', verdict.message) });
      return;
    }
    this.run(frame, entry, handler, now + (timeout ?? this.deps.defaultTimeout));
  }

  /**
   * The process is about to disconnect: new requests are refused from now on;
   * resolves when every running handler has answered, or when the last of their
   * callers has stopped waiting (at most drainLimit ms).
   */
  drain(): Promise<void> {
    // Stryker disable next-line StringLiteral: only 'open' is ever compared against: draining and closed refuse alike
    this.state = 'draining';
    if (this.running === 0) {
      // Stryker disable next-line StringLiteral: only 'open' is ever compared against: draining and closed refuse alike
      this.state = 'closed';
      return Promise.resolve();
    }
    const { clock } = this.deps;
    const wait = Math.max(0, this.runningUntil - clock.now());
    return new Promise<void>((resolve) => {
      const done = () => {
        clock.clearTimeout(timer);
        this.idle = undefined;
        // Stryker disable next-line StringLiteral: only 'open' is ever compared against: draining and closed refuse alike
        this.state = 'closed';
        resolve();
      };
      const timer: TimerHandle = clock.setTimeout(done, this.deps.drainLimit === undefined ? wait : Math.min(wait, this.deps.drainLimit));
      this.idle = done;
    });
  }

  private run(frame: FrameOf<'request'>, entry: Seen, handler: RequestHandler, until: number): void {
    this.running++;
    if (until > this.runningUntil) this.runningUntil = until;
    const { id, meta, data } = frame;
    let result: unknown;
    try {
      result = handler({ meta, data: data.body, id, method: data.method });
    } catch (error) {
      this.threw(frame, entry, error);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) => this.returned(frame, entry, value),
        (error: unknown) => this.threw(frame, entry, error),
      );
      return;
    }
    this.returned(frame, entry, result);
  }

  private returned(frame: FrameOf<'request'>, entry: Seen, value: unknown): void {
    this.finished();
    // JSON has no undefined: a handler that returns nothing replies null.
    const body = value === undefined ? null : value;
    const verdict = this.deps.validators.method(frame.data.method).reply(body);
    if (!verdict.ok) {
      const error = new ClustrError('CLUSTR_INVALID_REPLY', `the handler of request ${frame.id}${frame.data.method === undefined ? '' : ` (${frame.data.method})`} returned a reply that does not match the reply schema: ${verdict.message}.`, { field: verdict.issues[0]!.path });
      this.deps.report(error, { event: 'request.reply', requestId: frame.id });
      this.answer(frame, entry, { ok: false, error: refusal('CLUSTR_INVALID_REPLY', verdict.message) });
      return;
    }
    this.answer(frame, entry, { ok: true, body });
  }

  private threw(frame: FrameOf<'request'>, entry: Seen, error: unknown): void {
    this.finished();
    const wire = thrownToWire(error, this.deps.errorStacks);
    this.deps.limiter.log('warn', { event: 'request.handler.threw', requestId: frame.id, from: frame.meta.pid, code: wire.code, error }, `the handler of request ${frame.id} failed: ${wire.message}`);
    this.answer(frame, entry, { ok: false, error: wire });
  }

  private finished(): void {
    this.running--;
    if (this.running === 0) {
      this.runningUntil = 0;
      this.idle?.();
    }
  }

  private answer(frame: FrameOf<'request'>, entry: Seen, data: Answer): void {
    entry.answer = data;
    this.deps.stats.requestsReplied++;
    if (this.deps.trace) this.deps.logger.debug({ event: 'request.answered', requestId: frame.id, to: frame.meta.pid, ok: data.ok, code: data.ok ? undefined : data.error.code }, 'reply sent');
    this.deps.reply(frame.meta.pid, frame.id, data).catch((error: ClustrError) => {
      // A reply that cannot be written (too large, not JSON) fails the request instead of leaving it to time out.
      if (!data.ok || !UNWRITABLE.has(error.code)) return;
      const failed: Answer = { ok: false, error: { code: error.code, message: error.message } };
      entry.answer = failed;
      // Stryker disable next-line ArrowFunction: the catch keeps a failed resend from being an unhandled rejection; its value is discarded
      void this.deps.reply(frame.meta.pid, frame.id, failed).catch(() => 0);
    });
  }

  /** Drops remembered requests whose callers stopped waiting (oldest first), and the oldest beyond MAX_SEEN. */
  private forget(now: number): void {
    const { order } = this;
    while (this.oldest < order.length) {
      const seen = order[this.oldest]!;
      if (seen.expires > now && this.seen.size < MAX_SEEN) break;
      this.seen.delete(seen.key);
      // Let its answer go now, not at the next compaction.
      order[this.oldest++] = undefined;
    }
    // Drop the forgotten front once it is half the list: each entry is moved at most once more.
    if (this.oldest * 2 > order.length) {
      this.order = order.slice(this.oldest);
      this.oldest = 0;
    }
  }
}
