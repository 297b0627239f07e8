// A pub/sub client with ioredis 5's behaviour, down to its quirks. The connection
// state machine, the offline queue, reconnection and the reply matching are ported
// from ioredis (lib/Redis.ts, lib/redis/event_handler.ts, lib/DataHandler.ts), so what
// differs from a real client is only the socket: replies come from an in-memory
// `FakeRedisServer`, a microtask later. The contract suite in
// test/contract/pubsub.contract.test.ts runs the same tests against both.

import { EventEmitter } from 'node:events';

import { defaultFakeRedisServer } from './default-server';
import {
  ALREADY_CONNECTED_MESSAGE,
  CONNECTION_CLOSED_MESSAGE,
  FakeRedisMaxRetriesPerRequestError,
  FakeRedisReplyError,
  OFFLINE_QUEUE_DISABLED_MESSAGE,
  SUBSCRIBER_MODE_MESSAGE,
} from './errors';
import { type CloseInfo, type PubSubCore, type ServerConnection, coreOf } from './internal/core';
import { defer } from './internal/defer';
import { type Resp, RespError, respToJs, toBytes } from './internal/resp';
import { SubscriptionSet, type SubscriptionCommand } from './internal/subscription-set';
import type { DropConnectionOptions, FakeRedisServer } from './server';

/** ioredis's `status` values that a pub/sub client can take. */
export type FakeRedisStatus = 'wait' | 'connecting' | 'connect' | 'ready' | 'close' | 'reconnecting' | 'end';

/** Milliseconds before reconnect attempt `times` (1-based); anything but a number gives up and ends. */
export type FakeRedisRetryStrategy = (times: number) => number | null | undefined | void;

/** A channel, pattern or message, as ioredis accepts it. */
export type FakeRedisValue = string | Buffer;

export interface FakeRedisOptions {
  /**
   * The server to connect to; clients of one server see each other's publishes.
   * @default defaultFakeRedisServer
   */
  server?: FakeRedisServer;
  /**
   * Stay in status `wait` until `connect()` or the first command, as ioredis does.
   * @default false
   */
  lazyConnect?: boolean;
  /**
   * After a reconnect, subscribe again to the channels and patterns that the server
   * had confirmed before the connection dropped (ioredis's default).
   * @default true
   */
  autoResubscribe?: boolean;
  /**
   * After a reconnect, send again the commands that were written but got no reply
   * before the drop (so a PUBLISH in flight may be published twice, as with ioredis).
   * @default true
   */
  autoResendUnfulfilledCommands?: boolean;
  /**
   * Queue commands issued while not `ready` and send them once ready. When false they
   * reject with "Stream isn't writeable and enableOfflineQueue options is false".
   * @default true
   */
  enableOfflineQueue?: boolean;
  /**
   * Delay before each reconnect attempt after an unexpected close; `null` never reconnects.
   * @default (times) => Math.min(times * 50, 2000), ioredis's default
   */
  retryStrategy?: FakeRedisRetryStrategy | null;
  /**
   * After this many reconnect attempts without reaching `ready`, queued commands
   * reject with MaxRetriesPerRequestError. With 0, a drop rejects them at once.
   * `null` waits forever. (Attempts against the fake only fail if the connection is
   * dropped again before it is ready.)
   * @default 20
   */
  maxRetriesPerRequest?: number | null;
}

/** Arguments each event passes to its listeners, as ioredis emits them. */
export interface FakeRedisEvents {
  message: [channel: string, message: string];
  messageBuffer: [channel: Buffer, message: Buffer];
  pmessage: [pattern: string, channel: string, message: string];
  pmessageBuffer: [pattern: string, channel: Buffer, message: Buffer];
  wait: [];
  connecting: [];
  connect: [];
  ready: [];
  close: [];
  reconnecting: [delay: number];
  end: [];
  error: [error: Error];
}

type CommandName = 'publish' | 'subscribe' | 'psubscribe' | 'unsubscribe' | 'punsubscribe' | 'ping' | 'quit' | 'info';

const VALID_IN_SUBSCRIBER_MODE = new Set<CommandName>(['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'ping', 'quit']);
const HANDSHAKE_COMMANDS = new Set<CommandName>(['info']);

// Every status change the port can make; anything else is a bug in the fake.
const TRANSITIONS: Readonly<Record<FakeRedisStatus, readonly FakeRedisStatus[]>> = {
  wait: ['wait', 'connecting', 'close'],
  connecting: ['connect', 'close', 'end'],
  connect: ['ready', 'close'],
  ready: ['close'],
  close: ['reconnecting', 'end'],
  reconnecting: ['connecting'],
  end: ['connecting'],
};

const noop = (): void => {};

const defaultRetryStrategy: FakeRedisRetryStrategy = (times) => Math.min(times * 50, 2000);

class Command {
  readonly promise: Promise<unknown>;
  /** Replies still expected by a (p)(un)subscribe; ioredis keeps this in a WeakMap. */
  remainingReplies: number | undefined;
  #resolve!: (value: unknown) => void;
  #reject!: (error: Error) => void;

  constructor(
    readonly name: CommandName,
    readonly args: readonly Buffer[],
    readonly rawArgs: readonly unknown[],
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  resolve(reply: Resp | undefined): void {
    this.#resolve(reply === undefined ? undefined : respToJs(reply));
  }

  reject(error: Error): void {
    this.#reject(error);
  }
}

interface Condition {
  subscriber: SubscriptionSet | false;
}

// Indexing as JavaScript does it, for the reply handler's `reply[1]`: ioredis indexes
// whatever reply it got, so a mismatched reply yields bytes or undefined, not a crash here.
function at(reply: Resp | undefined, index: number): Resp | undefined {
  if (Array.isArray(reply)) return reply[index] as Resp | undefined;
  if (Buffer.isBuffer(reply)) return reply[index];
  return undefined;
}

function text(value: Resp | undefined): string {
  if (value === undefined || value === null) return '';
  if (value instanceof RespError) return value.message;
  if (Array.isArray(value)) return value.map((item: Resp) => text(item)).join(',');
  return value.toString();
}

function asBuffer(value: Resp | undefined): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(text(value));
}

/**
 * An in-memory stand-in for an ioredis 5 client, limited to pub/sub: `publish`,
 * `(p)subscribe`, `(p)unsubscribe`, `ping`, `quit`, `disconnect`, `connect`,
 * `duplicate`, the `status` values and the events ioredis emits. Structurally a
 * clustr `RedisLike`.
 *
 * Behaviour worth knowing (ioredis's, checked by the contract suite, except the last):
 * - Events and replies arrive asynchronously; `status` changes synchronously and its
 *   event is emitted a microtask later (so after `quit()` a `close` listener already
 *   sees status `end`).
 * - Subscriber mode starts when the server confirms a subscription and ends when the
 *   count drops to 0; in between other commands reject client-side.
 * - In subscriber mode `ping()` resolves `['pong', message]`, not `'PONG'`.
 * - `unsubscribe()`/`punsubscribe()` without arguments resolve only when the total
 *   subscription count reaches 0; until then they take the next reply meant for
 *   another command (ioredis's reply matching), so avoid them while the other kind
 *   of subscription is active.
 * - While the connection is down (`reconnecting`), commands wait in the offline queue
 *   and run once `ready`, after the automatic resubscription (ioredis's defaults:
 *   `enableOfflineQueue`, `autoResubscribe`). A client that was in subscriber mode
 *   stays in it while down, so its non-subscriber commands still reject at once.
 * - `disconnect()` while `reconnecting` cancels the retry and leaves the client in
 *   `reconnecting` for good: no `end`, queued commands stay pending until `connect()`.
 * - `connect()` after `quit()` resubscribes to what the client had before quitting.
 * - Without an `error` listener, errors are dropped (ioredis prints them to the console).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- typed event overloads merged onto an EventEmitter subclass; the class declares no members the interface redeclares
export class FakeRedis extends EventEmitter {
  /** The server this client connects to. */
  readonly server: FakeRedisServer;

  readonly #core: PubSubCore;
  readonly #options: FakeRedisOptions;
  #status: FakeRedisStatus = 'wait';
  #condition: Condition | undefined;
  #prevCondition: Condition | null = null;
  #commandQueue: Command[] = [];
  #prevCommandQueue: Command[] | null = null;
  #offlineQueue: Command[] = [];
  #connectionEpoch = 0;
  #retryAttempts = 0;
  #manuallyClosing = false;
  #reconnectTimeout: { handle: unknown } | null = null;
  // ioredis's connector: it keeps the last stream even after it closed, which is why
  // disconnect() while reconnecting ends nothing.
  #connecting = false;
  #stream: ServerConnection | null = null;

  constructor(options: FakeRedisOptions = {}) {
    super();
    this.#options = { ...options };
    this.server = options.server ?? defaultFakeRedisServer;
    this.#core = coreOf(this.server);
    if (options.lazyConnect === true) this.#setStatus('wait');
    else this.connect().catch(noop);
  }

  /** `wait`, `connecting`, `connect`, `ready`, `close`, `reconnecting` or `end`, as ioredis reports it. */
  get status(): FakeRedisStatus {
    return this.#status;
  }

  /** `subscriber` while the server has confirmed subscriptions, else `normal` (ioredis `mode`). */
  get mode(): 'normal' | 'subscriber' {
    return this.#condition?.subscriber ? 'subscriber' : 'normal';
  }

  /**
   * Connects (for `lazyConnect`, or again after `end`); resolves once `ready`.
   * Rejects with "Redis is already connecting/connected" unless the client is
   * `wait`, `reconnecting` or `end`.
   */
  connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#status === 'connecting' || this.#status === 'connect' || this.#status === 'ready') {
        reject(new Error(ALREADY_CONNECTED_MESSAGE));
        return;
      }
      this.#connectionEpoch += 1;
      this.#setStatus('connecting');
      this.#condition = { subscriber: false };
      this.#connecting = true;
      this.#core.register(this);
      // ioredis opens the socket a tick later; a disconnect() before then cancels it.
      defer(() => {
        if (!this.#connecting) {
          const error = new Error(CONNECTION_CLOSED_MESSAGE);
          this.#flushQueue(error);
          this.#silentEmitError(error);
          reject(error);
          this.#setStatus('end');
          return;
        }
        const stream = this.#core.accept({
          receive: (reply) => {
            if (this.#stream === stream) this.#onReply(reply);
          },
          closed: (info) => this.#onStreamClosed(info),
        });
        this.#stream = stream;
        const epoch = this.#connectionEpoch;
        defer(() => {
          if (stream.writable && epoch === this.#connectionEpoch) this.#connectHandler();
        });
        const onReady = (): void => {
          this.removeListener('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          this.removeListener('ready', onReady);
          reject(new Error(CONNECTION_CLOSED_MESSAGE));
        };
        this.once('ready', onReady);
        this.once('close', onClose);
      });
    });
  }

  /**
   * Closes the connection at once (replies already in flight still arrive); `close`
   * then `end` follow asynchronously. With `reconnect` true it reconnects instead,
   * like ioredis's `disconnect(true)`.
   */
  disconnect(reconnect = false): void {
    if (!reconnect) this.#manuallyClosing = true;
    if (this.#reconnectTimeout !== null && !reconnect) {
      this.#core.timers.clearTimeout(this.#reconnectTimeout.handle);
      this.#reconnectTimeout = null;
    }
    if (this.#status === 'wait') {
      this.#closeHandler(false);
    } else {
      this.#connecting = false;
      this.#stream?.end();
    }
  }

  /** Another client with the same options, on the same server, with its own connection. */
  duplicate(override: FakeRedisOptions = {}): FakeRedis {
    return new FakeRedis({ ...this.#options, ...override });
  }

  /** Resolves with the number of clients that received the message (exact and pattern subscriptions each count). */
  publish(channel: FakeRedisValue, message: FakeRedisValue | number): Promise<number> {
    return this.#send('publish', [channel, message]) as Promise<number>;
  }

  /** Resolves with the connection's subscription count (channels + patterns) after the last channel. */
  subscribe(...channels: FakeRedisValue[]): Promise<number> {
    return this.#send('subscribe', channels) as Promise<number>;
  }

  /** Resolves with the subscription count after the last one; without arguments, see the class notes. */
  unsubscribe(...channels: FakeRedisValue[]): Promise<number> {
    return this.#send('unsubscribe', channels) as Promise<number>;
  }

  /** Glob patterns as Redis matches them (byte-wise `*`, `?`, `[...]`, `[^...]`, `\`). */
  psubscribe(...patterns: FakeRedisValue[]): Promise<number> {
    return this.#send('psubscribe', patterns) as Promise<number>;
  }

  punsubscribe(...patterns: FakeRedisValue[]): Promise<number> {
    return this.#send('punsubscribe', patterns) as Promise<number>;
  }

  /**
   * `'PONG'`, or the message. In subscriber mode Redis answers with an array, so this
   * resolves `['pong', message ?? '']` there; the declared type follows ioredis's.
   */
  ping(): Promise<'PONG'>;
  ping(message: FakeRedisValue): Promise<string>;
  ping(message?: FakeRedisValue): Promise<string> {
    return this.#send('ping', message === undefined ? [] : [message]) as Promise<string>;
  }

  /** Asks the server to close after replying; resolves `'OK'`, then `close` and `end` are emitted. */
  quit(): Promise<'OK'> {
    return this.#send('quit', []) as Promise<'OK'>;
  }

  /**
   * Drops this client's connection from the server side, as CLIENT KILL or a network
   * failure would: replies in flight are lost, `close` and `reconnecting` follow, and
   * then a reconnect as `options.reconnect` says. While it is down, messages
   * published to its channels are lost; its commands wait in the offline queue.
   * @returns false when there was no live connection to drop.
   */
  dropConnection(options: DropConnectionOptions = {}): boolean {
    const stream = this.#stream;
    if (stream === null || !stream.open) return false;
    return stream.destroy({ error: options.error, park: options.reconnect === 'manual' });
  }

  /**
   * Reconnects now a client that is `reconnecting` (after a `'manual'` drop, or to
   * skip the retry delay); resolves once `ready`.
   */
  reconnect(): Promise<void> {
    if (this.#status !== 'reconnecting') {
      return Promise.reject(new Error(`FakeRedis.reconnect() needs status 'reconnecting', but the client is '${this.#status}'`));
    }
    if (this.#reconnectTimeout !== null) {
      this.#core.timers.clearTimeout(this.#reconnectTimeout.handle);
      this.#reconnectTimeout = null;
    }
    return this.connect();
  }

  #send(name: CommandName, args: readonly (FakeRedisValue | number)[]): Promise<unknown> {
    return this.#sendCommand(new Command(name, args.map((arg) => toBytes(arg)), args));
  }

  #sendCommand(command: Command): Promise<unknown> {
    if (this.#status === 'wait') this.connect().catch(noop);
    if (this.#status === 'end') {
      command.reject(new Error(CONNECTION_CLOSED_MESSAGE));
      return command.promise;
    }
    if (this.#condition?.subscriber && !VALID_IN_SUBSCRIBER_MODE.has(command.name)) {
      command.reject(new Error(SUBSCRIBER_MODE_MESSAGE));
      return command.promise;
    }
    const stream = this.#stream;
    let writable = this.#status === 'ready' || (this.#status === 'connect' && HANDSHAKE_COMMANDS.has(command.name));
    if (stream === null || !stream.writable) writable = false;
    if (!writable || stream === null) {
      if (this.#options.enableOfflineQueue === false) {
        command.reject(new Error(OFFLINE_QUEUE_DISABLED_MESSAGE));
        return command.promise;
      }
      if (command.name === 'quit' && this.#offlineQueue.length === 0) {
        this.disconnect();
        command.resolve(Buffer.from('OK'));
        return command.promise;
      }
      this.#offlineQueue.push(command);
      return command.promise;
    }
    stream.write(command.name, command.args);
    this.#commandQueue.push(command);
    if (command.name === 'quit') this.#manuallyClosing = true;
    return command.promise;
  }

  #setStatus(next: FakeRedisStatus, arg?: number): void {
    const previous = this.#status;
    if (!TRANSITIONS[previous].includes(next)) {
      throw new Error(`FakeRedis internal error: status cannot go from '${previous}' to '${next}'`);
    }
    this.#status = next;
    if (next === 'end') this.#core.unregister(this);
    // ioredis emits status events on the next tick; the status itself is already set.
    defer(() => this.emit(next, arg));
  }

  #silentEmitError(error: Error): void {
    if (this.#status === 'end') return;
    if (this.#manuallyClosing) {
      const { syscall } = error as { syscall?: unknown };
      if (error.message === CONNECTION_CLOSED_MESSAGE || syscall === 'connect' || syscall === 'read') return;
    }
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  #flushQueue(error: Error): void {
    // In place: #prevCommandQueue may be this very array, and ioredis empties it too.
    for (let item = this.#offlineQueue.shift(); item; item = this.#offlineQueue.shift()) item.reject(error);
    for (let item = this.#commandQueue.shift(); item; item = this.#commandQueue.shift()) item.reject(error);
  }

  #connectHandler(): void {
    this.#setStatus('connect');
    this.#commandQueue = [];
    const epoch = this.#connectionEpoch;
    // The ready check: ioredis sends INFO and is ready when it answers.
    const check = new Command('info', [], []);
    check.promise.then(() => {
      if (epoch === this.#connectionEpoch) this.#readyHandler();
    }, noop);
    this.#sendCommand(check).catch(noop);
  }

  #readyHandler(): void {
    this.#setStatus('ready');
    this.#retryAttempts = 0;
    const previous = this.#prevCondition;
    if (previous !== null) {
      this.#prevCondition = null;
      if (previous.subscriber && this.#options.autoResubscribe !== false) {
        const channels = previous.subscriber.channels('subscribe');
        if (channels.length > 0) this.subscribe(...channels).catch(noop);
        const patterns = previous.subscriber.channels('psubscribe');
        if (patterns.length > 0) this.psubscribe(...patterns).catch(noop);
      }
    }
    if (this.#prevCommandQueue !== null) {
      if (this.#options.autoResendUnfulfilledCommands !== false) {
        const unfulfilled = this.#prevCommandQueue;
        for (let item = unfulfilled.shift(); item; item = unfulfilled.shift()) void this.#sendCommand(item);
      } else {
        this.#prevCommandQueue = null;
      }
    }
    if (this.#offlineQueue.length > 0) {
      const offline = this.#offlineQueue;
      this.#offlineQueue = [];
      for (const item of offline) void this.#sendCommand(item);
    }
  }

  #onStreamClosed(info: CloseInfo): void {
    if (info.error !== undefined) this.#silentEmitError(info.error);
    this.#closeHandler(info.park);
  }

  #closeHandler(park: boolean): void {
    const previous = this.#status;
    this.#setStatus('close');
    if (previous === 'ready') {
      if (this.#prevCondition === null && this.#condition !== undefined) this.#prevCondition = this.#condition;
      if (this.#commandQueue.length > 0) this.#prevCommandQueue = this.#commandQueue;
    }
    if (this.#manuallyClosing) {
      this.#manuallyClosing = false;
      this.#end();
      return;
    }
    const retryStrategy = this.#options.retryStrategy === undefined ? defaultRetryStrategy : this.#options.retryStrategy;
    if (typeof retryStrategy !== 'function') {
      this.#end();
      return;
    }
    this.#retryAttempts += 1;
    const delay = retryStrategy(this.#retryAttempts);
    if (typeof delay !== 'number') {
      this.#end();
      return;
    }
    this.#setStatus('reconnecting', delay);
    if (!park) {
      const timer: { handle: unknown } = { handle: undefined };
      timer.handle = this.#core.timers.setTimeout(() => {
        if (this.#reconnectTimeout === timer) this.#reconnectTimeout = null;
        this.connect().catch(noop);
      }, delay);
      this.#reconnectTimeout = timer;
    }
    const max = this.#options.maxRetriesPerRequest === undefined ? 20 : this.#options.maxRetriesPerRequest;
    if (typeof max === 'number' && max >= 0 && this.#retryAttempts % (max + 1) === 0) {
      this.#flushQueue(new FakeRedisMaxRetriesPerRequestError(max));
    }
  }

  #end(): void {
    this.#setStatus('end');
    this.#flushQueue(new Error(CONNECTION_CLOSED_MESSAGE));
  }

  // --- replies (ioredis DataHandler) ---

  #onReply(reply: Resp): void {
    if (reply instanceof RespError) {
      this.#returnError(reply);
      return;
    }
    if (this.#handleSubscriberReply(reply)) return;
    const item = this.#shiftCommand(reply);
    if (item === undefined) return;
    const condition = this.#condition;
    if ((item.name === 'subscribe' || item.name === 'psubscribe') && condition !== undefined) {
      const subscriber = new SubscriptionSet();
      condition.subscriber = subscriber;
      subscriber.add(item.name, text(at(reply, 1)));
      if (!fillSubCommand(item, at(reply, 2))) this.#commandQueue.unshift(item);
    } else if (item.name === 'unsubscribe' || item.name === 'punsubscribe') {
      if (!fillUnsubCommand(item, at(reply, 2))) this.#commandQueue.unshift(item);
    } else {
      item.resolve(reply);
    }
  }

  #returnError(reply: RespError): void {
    const item = this.#shiftCommand(reply);
    if (item === undefined) return;
    const error = new FakeRedisReplyError(reply.message);
    error.command = { name: item.name, args: [...item.rawArgs] };
    item.reject(error);
  }

  /** Returns false when the reply is not a subscriber-mode reply; a falsy undefined, like ioredis, when the queue was empty. */
  #handleSubscriberReply(reply: Resp): boolean | undefined {
    const subscriber = this.#condition?.subscriber;
    if (!subscriber || this.#condition === undefined) return false;
    const replyType = Array.isArray(reply) ? text(at(reply, 0)) : null;
    switch (replyType) {
      case 'message': {
        const channel = at(reply, 1);
        const payload = at(reply, 2);
        if (this.listenerCount('message') > 0) this.emit('message', text(channel), payload ? text(payload) : '');
        this.emit('messageBuffer', asBuffer(channel), asBuffer(payload));
        break;
      }
      case 'pmessage': {
        const pattern = text(at(reply, 1));
        if (this.listenerCount('pmessage') > 0) this.emit('pmessage', pattern, text(at(reply, 2)), text(at(reply, 3)));
        this.emit('pmessageBuffer', pattern, asBuffer(at(reply, 2)), asBuffer(at(reply, 3)));
        break;
      }
      case 'subscribe':
      case 'psubscribe': {
        subscriber.add(replyType, text(at(reply, 1)));
        const item = this.#shiftCommand(reply);
        if (item === undefined) return undefined;
        if (!fillSubCommand(item, at(reply, 2))) this.#commandQueue.unshift(item);
        break;
      }
      case 'unsubscribe':
      case 'punsubscribe': {
        const name = at(reply, 1);
        // `if (channel)` as in ioredis: unsubscribing from "" leaves "" in the set.
        const channel = name !== undefined && name !== null ? text(name) : null;
        if (channel) subscriber.del(replyType as SubscriptionCommand, channel);
        const count = at(reply, 2);
        if (Number(count) === 0) this.#condition.subscriber = false;
        const item = this.#shiftCommand(reply);
        if (item === undefined) return undefined;
        if (!fillUnsubCommand(item, count)) this.#commandQueue.unshift(item);
        break;
      }
      default: {
        const item = this.#shiftCommand(reply);
        if (item === undefined) return undefined;
        item.resolve(reply);
      }
    }
    return true;
  }

  #shiftCommand(reply: Resp): Command | undefined {
    const item = this.#commandQueue.shift();
    if (item === undefined) {
      const last = reply instanceof RespError ? ` Last error: ${reply.message}` : ` Last reply: ${text(reply)}`;
      // ioredis emits this one with emit(), not silentEmit(): it throws without a listener.
      this.emit('error', new Error(`Command queue state error. If you can reproduce this, please report it.${last}`));
    }
    return item;
  }
}

function fillSubCommand(command: Command, count: Resp | undefined): boolean {
  const remaining = (command.remainingReplies ?? command.args.length) - 1;
  if (remaining <= 0) {
    command.remainingReplies = undefined;
    command.resolve(count);
    return true;
  }
  command.remainingReplies = remaining;
  return false;
}

function fillUnsubCommand(command: Command, count: Resp | undefined): boolean {
  let remaining = command.remainingReplies ?? command.args.length;
  if (remaining === 0) {
    if (Number(count) === 0) {
      command.remainingReplies = undefined;
      command.resolve(count);
      return true;
    }
    return false;
  }
  remaining -= 1;
  if (remaining <= 0) {
    command.resolve(count);
    return true;
  }
  command.remainingReplies = remaining;
  return false;
}

/** Typed listeners for the events in `FakeRedisEvents`; any other name falls back to EventEmitter's signature. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- typed event overloads merged onto an EventEmitter subclass; the class declares no members the interface redeclares
export interface FakeRedis {
  on<E extends keyof FakeRedisEvents>(event: E, listener: (...args: FakeRedisEvents[E]) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once<E extends keyof FakeRedisEvents>(event: E, listener: (...args: FakeRedisEvents[E]) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  off<E extends keyof FakeRedisEvents>(event: E, listener: (...args: FakeRedisEvents[E]) => void): this;
  off(event: string | symbol, listener: (...args: any[]) => void): this;
  addListener<E extends keyof FakeRedisEvents>(event: E, listener: (...args: FakeRedisEvents[E]) => void): this;
  addListener(event: string | symbol, listener: (...args: any[]) => void): this;
  removeListener<E extends keyof FakeRedisEvents>(event: E, listener: (...args: FakeRedisEvents[E]) => void): this;
  removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
}
