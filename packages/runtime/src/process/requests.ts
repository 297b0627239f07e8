import { ClustrError, MAX_METHOD_LENGTH, PROTOCOL_VERSION, assertGroupName, type Channels, type ClusterInfo, type DataOf, type FrameOf, type MessageValidators, type Meta } from '@clustr/protocol/core';
import type { Clock, TimerHandle } from '../platform/platform';
import type { Logger } from './logger';
import type { LogLimiter } from './log-limiter';
import { MembershipView } from './membership';
import { checkKeys, checks, describeValue, optionsObject } from './options';
import { PendingReplies } from './pending';
import { REROUTABLE, wireToError } from './remote-error';
import type { Stats } from './stats';

/** How long `request()` waits for its reply unless told otherwise (the `requestTimeout` option, or `{ timeout }` per call), ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** Who a request goes to: a pid, or one live registered member of a group. */
export type RequestTarget = number | { group: string };

/** Options of one `request()` call. */
export interface RequestOptions {
  /** Milliseconds to wait for the reply. Default: the process's `requestTimeout` (`5000`). */
  timeout?: number;
}

const REQUEST_OPTION_CHECKS = { timeout: checks.positiveMs };

/**
 * A request Redis reported as delivered to nobody (its target is not
 * subscribed: resubscribing after a Redis restart, or gone) is sent again
 * after this many ms, doubling up to RETRY_MAX_MS, while its target is in the
 * membership view and the caller still waits.
 */
const RETRY_FIRST_MS = 25;
const RETRY_MAX_MS = 400;

/** One request waiting for its reply. */
interface Call {
  readonly id: string;
  readonly method: string | undefined;
  /** Set when the target was `{ group }`: the call may move to another member. */
  readonly group: string | undefined;
  readonly body: unknown;
  readonly deadline: number;
  readonly startedAt: number;
  target: number;
  /** Counts sends: the answer of Redis to an older send is ignored. */
  attempt: number;
  /** What Redis said of the last send: delivered to a subscriber or not; undefined until it answers. */
  delivered: boolean | undefined;
  /** The target left the membership view while Redis had not answered the send yet. */
  gone: boolean;
  /** Members that refused or could not be reached: not picked again for this call. */
  tried: Set<number> | undefined;
  retry: TimerHandle | undefined;
  retryDelay: number;
}

export interface CallerDeps {
  meta: Meta;
  clock: Clock;
  logger: Logger;
  /** Write the debug records of every request (false with the silent logger: nothing reads them). */
  trace: boolean;
  limiter: LogLimiter;
  stats: Stats;
  channels: Channels;
  validators: MessageValidators;
  defaultTimeout: number;
  clusterInfoTimeout: number;
  /** The master keeps its own view (its registry): it never asks for one. */
  localView: boolean;
  nextId(): string;
  assertRunning(method: string): void;
  /** Checks user data against messages.group (what emitAny sends). Throws CLUSTR_INVALID_DATA. */
  assertGroupData(data: unknown, method: string): void;
  /** A runtime frame: resolves to the number of receivers; failures are reported, and reject. */
  publish(channel: string, frame: FrameOf<'request'>): Promise<number>;
  /** A user message (emitAny): resolves to the number of receivers; a failed publish is reported, and rejects. */
  send(channel: string, frame: FrameOf<'any'>): Promise<number>;
  /** Reports an error through onError (and the log). */
  report(error: Error, context: { event: string; [field: string]: unknown }): void;
  fetchClusterInfo(timeoutMs: number): Promise<ClusterInfo>;
  /** The error of a request that got no answer in time: Redis's fault if it was away meanwhile. */
  timeoutError(downtimeBefore: number, fallback: () => ClustrError): ClustrError;
  downtime(): number;
}

/**
 * The calling side of requests, and emitAny: picks a member of a group from the
 * membership view, sends, matches the reply by id and settles each call once.
 *
 * A call is handed to another member of its group only when the runtime knows
 * the handler did not run: the member refused it (stopping, or not in the
 * group), or Redis reported that nobody received it. A call whose target left
 * the cluster after receiving it is rejected with CLUSTR_TARGET_GONE, never sent
 * again: it may have run.
 */
export class Requests {
  readonly view = new MembershipView();
  private readonly pending: PendingReplies<unknown>;
  private readonly calls = new Map<string, Call>();
  /** Calls waiting on each pid: what least-pending picks by. */
  private readonly load = new Map<number, number>();
  /** Pids that refused a call because they are stopping: not picked again while they are in the view. */
  private readonly stopping = new Set<number>();
  private fetching: Promise<void> | undefined;
  /** emitAny failures reported already (a failed publish is reported by send). */
  private readonly sendFailures = new WeakSet<Error>();
  private readonly loadOf = (pid: number): number => this.load.get(pid) ?? 0;
  private readonly isStopping = (pid: number): boolean => this.stopping.has(pid);

  constructor(private readonly deps: CallerDeps) {
    this.pending = new PendingReplies<unknown>(deps.clock);
  }

  /** Calls waiting for their reply. */
  get size(): number {
    return this.calls.size;
  }

  request(method: string | undefined, target: unknown, body: unknown, options: unknown): Promise<unknown> {
    let timeoutMs: number;
    let group: string | undefined;
    let pid = 0;
    const now = this.deps.clock.now();
    try {
      this.deps.assertRunning('request');
      if (method !== undefined && (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH)) {
        throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `request method must be a string of 1 to ${MAX_METHOD_LENGTH} characters; got ${describeValue(method)}.`, { field: 'method' });
      }
      if (typeof target === 'number') {
        if (!Number.isInteger(target) || target < 1) throw invalidTarget(target);
        pid = target;
      } else if (target !== null && typeof target === 'object' && !Array.isArray(target) && Object.keys(target).length === 1 && 'group' in target) {
        group = (target as { group: unknown }).group as string;
        assertGroupName(group, 'target.group');
      } else {
        throw invalidTarget(target);
      }
      timeoutMs = this.deps.defaultTimeout;
      // No options: optionsObject gives {}, and the default timeout stands.
      const opts = optionsObject(options, 'request options');
      checkKeys(opts, REQUEST_OPTION_CHECKS, 'options.');
      timeoutMs = (opts['timeout'] as number | undefined) ?? timeoutMs;
      this.assertBody(method, body);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const deadline = now + timeoutMs;
    if (group === undefined) {
      // Not needed to send, but to notice at once that the target left: ask for the view meanwhile.
      if (!this.view.ready && !this.deps.localView) this.ensureView(timeoutMs).catch(() => undefined);
      return this.start(method, undefined, pid, body, deadline, now);
    }
    const inGroup = group;
    if (this.view.ready) return this.startInGroup(method, inGroup, body, deadline, now);
    return this.ensureView(timeoutMs).then(
      () => this.startInGroup(method, inGroup, body, deadline, now),
      (error: Error) => this.failEarly(error),
    );
  }

  /**
   * Sends `data` to one live member of `group`, delivered to its onGroup
   * handlers; another member when Redis reports that the one picked did not get
   * it. Resolves to 1; rejects with CLUSTR_NO_MEMBER when no member could take it.
   */
  emitAny(group: string, data: unknown): Promise<number> {
    try {
      this.deps.assertRunning('emitAny');
      assertGroupName(group);
      this.deps.assertGroupData(data, 'emitAny');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.deps.stats.emitAny++;
    const go = () => this.sendAny(group, data, new Set());
    const sent = this.view.ready ? go() : this.ensureView(this.deps.clusterInfoTimeout).then(go);
    // Fire-and-forget is what emitAny is for: a message that found no member (or no view of
    // the group) is reported through onError too, and a caller that ignores the promise
    // does not crash on an unhandled rejection. A failed publish is reported by send already.
    sent.catch((error: Error) => {
      // Once per error: calls waiting on one view fetch share its failure.
      if (this.sendFailures.has(error)) return;
      this.sendFailures.add(error);
      this.deps.report(error, { event: 'any.failed', group });
    });
    return sent;
  }

  /** A reply arrived on this process's private channel. */
  replied(frame: FrameOf<'reply'>): void {
    const call = frame.re === undefined ? undefined : this.calls.get(frame.re);
    // A second answer, one after the timeout, or one from a member the call has moved away from.
    if (call === undefined || frame.meta.pid !== call.target) {
      this.deps.stats.lateReplies++;
      if (this.deps.trace) this.deps.logger.debug({ event: 'reply.late', requestId: frame.re, from: frame.meta.pid }, 'dropped a reply nothing waits for');
      return;
    }
    const data = frame.data;
    if (data.ok) {
      const verdict = this.deps.validators.method(call.method).reply(data.body);
      if (!verdict.ok) {
        this.fail(call, new ClustrError('CLUSTR_INVALID_REPLY', `${this.describe(call)}: the reply from pid ${frame.meta.pid} does not match this process's reply schema: ${verdict.message}.`, { field: verdict.issues[0]!.path }));
        return;
      }
      this.settle(call);
      if (this.deps.trace) this.deps.logger.debug({ event: 'request.replied', requestId: call.id, from: frame.meta.pid, ms: this.deps.clock.now() - call.startedAt }, 'request answered');
      this.pending.resolve(call.id, data.body);
      return;
    }
    const { error } = data;
    if (REROUTABLE.has(error.code)) {
      if (error.code === 'CLUSTR_CLOSED') this.stopping.add(call.target);
      if (call.group !== undefined) {
        this.reroute(call, error.code);
        return;
      }
      this.fail(call, gone(this.describe(call), `pid ${call.target} is stopping and takes no more requests`, false));
      return;
    }
    this.fail(call, wireToError(error, frame.meta.pid, this.describe(call)));
  }

  /** The master's membership (or a cluster-info reply): the view changes, calls to pids that left are settled. */
  membership(info: ClusterInfo): void {
    const left = this.view.update(info);
    for (const pid of this.stopping) if (!this.view.has(pid)) this.stopping.delete(pid);
    const leaving = new Set(left);
    for (const call of [...this.calls.values()]) if (leaving.has(call.target)) this.targetLeft(call);
  }

  /** Redis is back: every call is sent again (its request or its reply may have been lost), and the view is asked for anew. */
  reconnected(): void {
    this.pending.resendAll();
    if (this.deps.localView || !this.view.ready) return;
    const version = this.view.version;
    this.deps.fetchClusterInfo(this.deps.clusterInfoTimeout).then(
      (info) => {
        if (this.view.version === version) this.membership(info);
      },
      () => undefined,
    );
  }

  /** Rejects every call (the process is closing); each counts as failed, as stats.requestsFailed says. */
  rejectAll(error: () => Error): void {
    for (const call of [...this.calls.values()]) this.fail(call, error());
  }

  // ---- internals ----------------------------------------------------------------------------

  private assertBody(method: string | undefined, body: unknown): void {
    const name = method === undefined ? 'request' : `request ${method}`;
    if (body === undefined) throw new ClustrError('CLUSTR_INVALID_DATA', `${name}: data is undefined, which JSON cannot carry. Send null or a value.`, { field: '/data/body' });
    const verdict = this.deps.validators.method(method).request(body);
    if (!verdict.ok) {
      const issue = verdict.issues[0]!;
      const schema = method === undefined ? 'messages.request' : `messages.requests.${method}.request`;
      throw new ClustrError('CLUSTR_INVALID_DATA', `${name}: ${issue.path} ${issue.message}. Send data that matches ${schema}.`, { field: issue.path });
    }
  }

  /** Fetches the view once for every caller waiting on it; called only while the view is not ready. */
  private ensureView(timeoutMs: number): Promise<void> {
    if (this.fetching === undefined) {
      const version = this.view.version;
      this.fetching = this.deps
        .fetchClusterInfo(Math.min(timeoutMs, this.deps.clusterInfoTimeout))
        .then((info) => {
          // A membership frame that came meanwhile is newer than this answer.
          if (this.view.version === version) this.membership(info);
        })
        .finally(() => {
          this.fetching = undefined;
        });
    }
    return this.fetching;
  }

  private failEarly(error: Error): Promise<never> {
    this.deps.stats.requestsFailed++;
    return Promise.reject(error);
  }

  private startInGroup(method: string | undefined, group: string, body: unknown, deadline: number, startedAt: number): Promise<unknown> {
    const pid = this.view.pick(group, this.loadOf, this.isStopping);
    if (pid === undefined) return this.failEarly(noMember(`request${method === undefined ? '' : ` ${method}`}`, group, this.view.members(group).length));
    return this.start(method, group, pid, body, deadline, startedAt);
  }

  private start(method: string | undefined, group: string | undefined, target: number, body: unknown, deadline: number, startedAt: number): Promise<unknown> {
    const now = this.deps.clock.now();
    if (now >= deadline) return this.failEarly(new ClustrError('CLUSTR_REQUEST_TIMEOUT', `request${method === undefined ? '' : ` ${method}`}: no time left to send it (the membership view took the whole timeout).`));
    const call: Call = { id: this.deps.nextId(), method, group, body, deadline, startedAt, target, attempt: 0, delivered: undefined, gone: false, tried: undefined, retry: undefined, retryDelay: RETRY_FIRST_MS };
    this.calls.set(call.id, call);
    this.addLoad(target, 1);
    this.deps.stats.requestsSent++;
    if (this.deps.trace) this.deps.logger.debug({ event: 'request.sent', requestId: call.id, method, target, group }, 'request sent');
    const downtimeBefore = this.deps.downtime();
    return this.pending.add(call.id, {
      timeoutMs: deadline - now,
      send: () => this.send(call),
      timeoutError: () => {
        this.settle(call);
        this.deps.stats.requestsTimedOut++;
        this.deps.limiter.log('warn', { event: 'request.timeout', requestId: call.id, method, target: call.target }, `${this.describe(call)} got no reply in time`);
        return this.deps.timeoutError(
          downtimeBefore,
          () =>
            new ClustrError(
              'CLUSTR_REQUEST_TIMEOUT',
              `${this.describe(call)} got no reply within ${deadline - startedAt} ms. Check that pid ${call.target} has an onRequest handler${method === undefined ? '' : ` for ${method}`} that answers; raise the timeout for slow handlers.`,
            ),
        );
      },
    });
  }

  private send(call: Call): void {
    if (this.calls.get(call.id) !== call) return;
    if (call.retry !== undefined) {
      this.deps.clock.clearTimeout(call.retry);
      call.retry = undefined;
    }
    // Stryker disable next-line UpdateOperator: attempts are only compared for equality with the one a send captured; counting down tells them apart as well
    const attempt = ++call.attempt;
    call.delivered = undefined;
    const data: DataOf<'request'> = { body: call.body, timeout: Math.max(1, call.deadline - this.deps.clock.now()) };
    if (call.method !== undefined) data.method = call.method;
    if (call.group !== undefined) data.group = call.group;
    const frame: FrameOf<'request'> = { v: PROTOCOL_VERSION, kind: 'request', id: call.id, meta: this.deps.meta, data };
    this.deps.publish(this.deps.channels.private(call.target), frame).then(
      (receivers) => this.published(call, attempt, receivers),
      (error: Error) => {
        if (this.calls.get(call.id) === call) this.fail(call, error);
      },
    );
  }

  private published(call: Call, attempt: number, receivers: number): void {
    if (this.calls.get(call.id) !== call || attempt !== call.attempt) return;
    call.delivered = receivers > 0;
    if (call.delivered) {
      if (call.gone) this.fail(call, gone(this.describe(call), `pid ${call.target} left the cluster before it answered`));
      return;
    }
    this.undeliverable(call);
  }

  /** Nobody received the last send: the handler did not run. */
  private undeliverable(call: Call): void {
    const { target } = call;
    const reachable = !call.gone && !this.stopping.has(target) && (!this.view.ready || this.view.has(target));
    if (reachable && call.deadline - this.deps.clock.now() > call.retryDelay) {
      // Registered, so most likely resubscribing after a Redis restart: try again shortly.
      call.retry = this.deps.clock.setTimeout(() => {
        call.retry = undefined;
        this.send(call);
      }, call.retryDelay);
      call.retryDelay = Math.min(RETRY_MAX_MS, call.retryDelay * 2);
      return;
    }
    if (call.group !== undefined) {
      this.reroute(call, 'unreachable');
      return;
    }
    if (reachable) return; // Too little time left for another try: the timeout settles it.
    this.fail(call, gone(this.describe(call), `nothing listens on pid ${target}'s channel (not running, or not in this cluster)`, false));
  }

  private targetLeft(call: Call): void {
    if (call.delivered === undefined) {
      // Redis has not said yet whether it got there; decide when it does.
      call.gone = true;
      return;
    }
    if (call.delivered) {
      this.fail(call, gone(this.describe(call), `pid ${call.target} left the cluster before it answered`));
      return;
    }
    // Stryker disable next-line BooleanLiteral: undeliverable() right below reads the pid out of the view already (not reachable either way), and reroute() resets the flag
    call.gone = true;
    this.undeliverable(call);
  }

  /** Hands a call the handler did not run to another member of its group. */
  private reroute(call: Call, reason: string): void {
    const group = call.group!;
    const tried = (call.tried ??= new Set());
    tried.add(call.target);
    const next = this.view.pick(group, this.loadOf, (pid) => tried.has(pid) || this.stopping.has(pid));
    if (next === undefined) {
      this.fail(call, noMember(this.describe(call), group, this.view.members(group).length, tried.size));
      return;
    }
    if (this.deps.trace) this.deps.logger.debug({ event: 'request.rerouted', requestId: call.id, from: call.target, to: next, reason }, `request moved from pid ${call.target} to pid ${next} (${reason})`);
    this.addLoad(call.target, -1);
    this.addLoad(next, 1);
    call.target = next;
    call.gone = false;
    call.retryDelay = RETRY_FIRST_MS;
    this.send(call);
  }

  private async sendAny(group: string, data: unknown, tried: Set<number>): Promise<number> {
    for (;;) {
      const pid = this.view.pick(group, this.loadOf, (p) => tried.has(p) || this.stopping.has(p));
      if (pid === undefined) throw noMember('emitAny', group, this.view.members(group).length, tried.size);
      const frame: FrameOf<'any'> = { v: PROTOCOL_VERSION, kind: 'any', id: this.deps.nextId(), meta: this.deps.meta, data: { group, body: data } };
      const receivers = await this.deps.send(this.deps.channels.private(pid), frame).catch((error: Error) => {
        this.sendFailures.add(error);
        throw error;
      });
      if (receivers > 0) return receivers;
      // Nobody got it: safe to give it to another member.
      tried.add(pid);
      if (this.deps.trace) this.deps.logger.debug({ event: 'any.rerouted', group, from: pid }, `emitAny: pid ${pid} did not get it; trying another member`);
    }
  }

  private fail(call: Call, error: Error): void {
    this.settle(call);
    this.deps.stats.requestsFailed++;
    if (this.deps.trace) this.deps.logger.debug({ event: 'request.failed', requestId: call.id, target: call.target, code: (error as ClustrError).code }, error.message);
    this.pending.reject(call.id, error);
  }

  /** Forgets a call that is about to be settled. */
  private settle(call: Call): void {
    this.calls.delete(call.id);
    this.addLoad(call.target, -1);
    if (call.retry !== undefined) {
      this.deps.clock.clearTimeout(call.retry);
      call.retry = undefined;
    }
  }

  private addLoad(pid: number, delta: number): void {
    const next = (this.load.get(pid) ?? 0) + delta;
    if (next <= 0) this.load.delete(pid);
    else this.load.set(pid, next);
  }

  private describe(call: Call): string {
    return `request ${call.id}${call.method === undefined ? '' : ` (${call.method})`} to ${call.group === undefined ? `pid ${call.target}` : `group "${call.group}" (pid ${call.target})`}`;
  }
}

function invalidTarget(target: unknown): ClustrError {
  return new ClustrError('CLUSTR_INVALID_ARGUMENT', `request target must be a pid (a whole number of at least 1) or { group: "name" }; got ${describeValue(target)}.`, { field: 'target' });
}

/** `mayHaveRun`: the target got the request before it left; false when it never ran it. */
function gone(what: string, why: string, mayHaveRun = true): ClustrError {
  return new ClustrError('CLUSTR_TARGET_GONE', `${what} failed: ${why}. ${mayHaveRun ? 'It may or may not have run.' : 'It did not run.'}`);
}

function noMember(what: string, group: string, members: number, refused = 0): ClustrError {
  const why = members === 0 ? `group "${group}" has no live registered member` : `none of the ${members} member${members === 1 ? '' : 's'} of group "${group}" took it (${refused} refused or could not be reached)`;
  return new ClustrError('CLUSTR_NO_MEMBER', `${what}: ${why}. Wait for the group to start (onClusterStarted), or retry later.`);
}
