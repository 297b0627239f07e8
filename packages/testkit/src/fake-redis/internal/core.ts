// The fake server's engine: connections, the channel and pattern indexes, command
// execution and the delivery faults. `FakeRedisServer` is a thin public facade over it
// and `FakeRedis` talks to it through `ServerConnection`, the way a client talks to
// Redis through a socket: commands go in, RESP replies and pushes come out, later.

import { defer } from './defer';
import { globMatch } from './glob';
import { type Resp, RespError, byteKey } from './resp';

/** Timer functions; see `FakeRedisServerOptions.timers`. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How a connection ended, as the client learns it when its "socket" closes. */
export interface CloseInfo {
  /** Emitted on the client as `error` before `close`, as a socket error would be. */
  readonly error: Error | undefined;
  /** Leave the client `reconnecting` without arming its retry timer (a manual outage). */
  readonly park: boolean;
}

/** The client end of a connection, as the server sees it. */
export interface ConnectionLink {
  receive(reply: Resp): void;
  closed(info: CloseInfo): void;
}

/** What `reset()` needs from a client that has connected to this server. */
export interface RegisteredClient {
  readonly status: string;
  disconnect(): void;
}

interface PatternEntry {
  readonly key: string;
  readonly bytes: Buffer;
  readonly subscribers: Set<ServerConnection>;
}

interface Receiver {
  readonly connection: ServerConnection;
  /** Null for an exact-channel subscription. */
  readonly pattern: PatternEntry | null;
}

/** One PUBLISH (or injection) and who it is for, fixed when it reached the server. */
interface Publication {
  readonly key: string;
  readonly channel: Buffer;
  readonly payload: Buffer;
  readonly receivers: readonly Receiver[];
}

const MESSAGE = Buffer.from('message');
const PMESSAGE = Buffer.from('pmessage');
const SUBSCRIBE = Buffer.from('subscribe');
const PSUBSCRIBE = Buffer.from('psubscribe');
const UNSUBSCRIBE = Buffer.from('unsubscribe');
const PUNSUBSCRIBE = Buffer.from('punsubscribe');
const PONG_LOWER = Buffer.from('pong');
const PONG = Buffer.from('PONG');
const OK = Buffer.from('OK');
const EMPTY = Buffer.alloc(0);
// Just enough of INFO for the client's ready check.
const INFO = Buffer.from('# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n# Persistence\r\nloading:0\r\n');

/** [min, max] argument counts, as Redis's command table declares them. */
const ARITY: Readonly<Record<string, readonly [number, number]>> = {
  publish: [2, 2],
  subscribe: [1, Infinity],
  psubscribe: [1, Infinity],
  unsubscribe: [0, Infinity],
  punsubscribe: [0, Infinity],
  ping: [0, 1],
  quit: [0, Infinity],
  info: [0, Infinity],
};

/** Commands Redis accepts from a RESP2 connection that has subscriptions. */
const ALLOWED_WHEN_SUBSCRIBED = new Set(['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'ping', 'quit']);

/**
 * One client connection. Replies are queued and handed to the client in a later
 * microtask, in order, never synchronously inside the command that caused them.
 */
export class ServerConnection {
  readonly id: number;
  /** byteKey()s of subscribed channels, in subscription order. */
  readonly channels = new Set<string>();
  /** byteKey()s of subscribed patterns, in subscription order. */
  readonly patterns = new Set<string>();

  readonly #core: PubSubCore;
  readonly #link: ConnectionLink;
  #queue: Array<Resp | undefined> = [];
  #head = 0;
  #scheduled = false;
  /** The server still executes commands from this connection and may push to it. */
  #serving = true;
  /** The client has half-closed (ioredis `stream.end()`): it will write no more. */
  #clientEnded = false;
  #closing: CloseInfo | null = null;
  #closed = false;

  constructor(core: PubSubCore, id: number, link: ConnectionLink) {
    this.#core = core;
    this.id = id;
    this.#link = link;
  }

  /** Whether the server still serves this connection (it has not quit, ended or been dropped). */
  get serving(): boolean {
    return this.#serving;
  }

  /** Whether the client may write to it: ioredis checks `stream.writable`. */
  get writable(): boolean {
    return !this.#clientEnded && !this.#closed;
  }

  /** Whether the client has not yet seen it close. */
  get open(): boolean {
    return !this.#closed;
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }

  /** The client sends a command. Writes after QUIT or a drop are lost, as on a dead socket. */
  write(name: string, args: readonly Buffer[]): void {
    if (this.#serving) this.#core.execute(this, name, args);
  }

  /** The client half-closes: Redis answers what it already has, then closes. */
  end(): void {
    if (this.#clientEnded || this.#closed) return;
    this.#clientEnded = true;
    this.#shutDown({ error: undefined, park: false });
  }

  /** The server closes after the replies already queued (QUIT). */
  closeAfterReplies(): void {
    this.#shutDown({ error: undefined, park: false });
  }

  /** The connection dies at once: replies in flight are lost (CLIENT KILL, a network drop). */
  destroy(info: CloseInfo): boolean {
    if (this.#closed) return false;
    this.#queue = [];
    this.#head = 0;
    this.#serving = false;
    this.#core.detach(this);
    this.#closing = info;
    this.#schedule();
    return true;
  }

  push(reply: Resp): void {
    if (!this.#serving) return;
    this.#queue.push(reply);
    this.#schedule();
  }

  #shutDown(info: CloseInfo): void {
    if (!this.#serving) return;
    this.#serving = false;
    this.#core.detach(this);
    this.#closing = info;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    defer(this.#drain);
  }

  readonly #drain = (): void => {
    this.#scheduled = false;
    while (this.#head < this.#queue.length) {
      const reply = this.#queue[this.#head] as Resp;
      this.#queue[this.#head] = undefined;
      this.#head += 1;
      try {
        this.#link.receive(reply);
      } catch (error) {
        // A throwing listener must not swallow the replies behind it: carry on in the
        // next microtask and let this error surface, as it would from a socket listener.
        this.#schedule();
        throw error;
      }
    }
    this.#queue = [];
    this.#head = 0;
    if (this.#closing !== null && !this.#closed) {
      this.#closed = true;
      this.#link.closed(this.#closing);
    }
  };
}

function argumentError(name: string): RespError {
  return new RespError(`ERR wrong number of arguments for '${name}' command`);
}

/** The error a client sees connecting to a port nothing listens on. */
function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect', address: '127.0.0.1', port: 6379 });
}

export class PubSubCore {
  readonly timers: Timers;
  #nextId = 1;
  readonly #connections = new Set<ServerConnection>();
  readonly #clients = new Set<RegisteredClient>();
  readonly #channels = new Map<string, Set<ServerConnection>>();
  readonly #patterns = new Map<string, PatternEntry>();
  readonly #held = new Map<string, Publication[]>();
  readonly #delays = new Map<string, number>();
  readonly #delayed = new Set<{ handle: unknown }>();

  constructor(timers: Timers) {
    this.timers = timers;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  accept(link: ConnectionLink): ServerConnection {
    const connection = new ServerConnection(this, this.#nextId++, link);
    this.#connections.add(connection);
    // A stopped server: the connection attempt fails as a refused TCP connect does.
    if (this.#stopped) connection.destroy({ error: refused(), park: false });
    return connection;
  }

  #stopped = false;

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops serving: every connection drops and new ones are refused until start(). */
  stop(info: CloseInfo): number {
    this.#stopped = true;
    return this.dropAll(info);
  }

  start(): void {
    this.#stopped = false;
  }

  register(client: RegisteredClient): void {
    this.#clients.add(client);
  }

  unregister(client: RegisteredClient): void {
    this.#clients.delete(client);
  }

  /** Frees a connection's subscriptions, as Redis does when a client goes away. */
  detach(connection: ServerConnection): void {
    for (const key of connection.channels) this.#removeChannel(connection, key);
    for (const key of connection.patterns) this.#removePattern(connection, key);
    connection.channels.clear();
    connection.patterns.clear();
    this.#connections.delete(connection);
  }

  execute(connection: ServerConnection, name: string, args: readonly Buffer[]): void {
    const arity = ARITY[name];
    if (arity === undefined) {
      connection.push(new RespError(`ERR unknown command '${name}', with args beginning with: `));
      return;
    }
    if (args.length < arity[0] || args.length > arity[1]) {
      connection.push(argumentError(name));
      return;
    }
    if (connection.subscriptionCount > 0 && !ALLOWED_WHEN_SUBSCRIBED.has(name)) {
      connection.push(
        new RespError(
          `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
        ),
      );
      return;
    }
    switch (name) {
      case 'publish':
        connection.push(this.publish(args[0] as Buffer, args[1] as Buffer));
        return;
      case 'subscribe':
        for (const channel of args) {
          this.#addChannel(connection, channel);
          connection.push([SUBSCRIBE, channel, connection.subscriptionCount]);
        }
        return;
      case 'psubscribe':
        for (const pattern of args) {
          this.#addPattern(connection, pattern);
          connection.push([PSUBSCRIBE, pattern, connection.subscriptionCount]);
        }
        return;
      case 'unsubscribe':
        this.#unsubscribe(connection, args, 'channel');
        return;
      case 'punsubscribe':
        this.#unsubscribe(connection, args, 'pattern');
        return;
      case 'ping': {
        const message = args[0];
        // RESP2 answers PING with a push-shaped array while subscribed.
        if (connection.subscriptionCount > 0) connection.push([PONG_LOWER, message ?? EMPTY]);
        else connection.push(message ?? PONG);
        return;
      }
      case 'quit':
        connection.push(OK);
        connection.closeAfterReplies();
        return;
      case 'info':
        connection.push(INFO);
        return;
    }
  }

  /** Routes a message to exact and pattern subscribers; returns how many receive it. */
  publish(channel: Buffer, payload: Buffer): number {
    const key = byteKey(channel);
    const receivers: Receiver[] = [];
    for (const connection of this.#channels.get(key) ?? []) receivers.push({ connection, pattern: null });
    for (const entry of this.#patterns.values()) {
      if (!globMatch(entry.bytes, channel)) continue;
      for (const connection of entry.subscribers) receivers.push({ connection, pattern: entry });
    }
    if (receivers.length === 0) return 0;
    const publication: Publication = { key, channel, payload, receivers };
    const held = this.#held.get(key);
    const delay = this.#delays.get(key);
    if (held !== undefined) held.push(publication);
    else if (delay !== undefined) this.#deliverLater(publication, delay);
    else this.#deliver(publication);
    return receivers.length;
  }

  hold(key: string): void {
    if (!this.#held.has(key)) this.#held.set(key, []);
  }

  heldCount(key: string): number {
    return this.#held.get(key)?.length ?? 0;
  }

  release(key: string, reverse: boolean, discard: boolean): number {
    const held = this.#held.get(key);
    if (held === undefined) return 0;
    this.#held.delete(key);
    if (!discard) for (const publication of reverse ? [...held].reverse() : held) this.#deliver(publication);
    return held.length;
  }

  delay(key: string, ms: number): void {
    this.#delays.set(key, ms);
  }

  undelay(key: string): void {
    this.#delays.delete(key);
  }

  clearFaults(): void {
    this.#held.clear();
    this.#delays.clear();
    for (const timer of this.#delayed) this.timers.clearTimeout(timer.handle);
    this.#delayed.clear();
  }

  dropAll(info: CloseInfo): number {
    let dropped = 0;
    for (const connection of [...this.#connections]) if (connection.destroy(info)) dropped += 1;
    return dropped;
  }

  reset(): void {
    this.clearFaults();
    for (const client of [...this.#clients]) if (client.status !== 'end') client.disconnect();
  }

  numsub(channel: Buffer): number {
    return this.#channels.get(byteKey(channel))?.size ?? 0;
  }

  numpat(): number {
    return this.#patterns.size;
  }

  activeChannels(pattern: Buffer | undefined): Buffer[] {
    const channels: Buffer[] = [];
    for (const key of this.#channels.keys()) {
      const channel = Buffer.from(key, 'latin1');
      if (pattern === undefined || globMatch(pattern, channel)) channels.push(channel);
    }
    return channels;
  }

  #deliver(publication: Publication): void {
    const { key, channel, payload } = publication;
    for (const { connection, pattern } of publication.receivers) {
      // A receiver that left while the message was held or delayed does not get it,
      // which also keeps every push inside the subscription that asked for it.
      if (pattern === null) {
        if (connection.channels.has(key)) connection.push([MESSAGE, channel, payload]);
      } else if (connection.patterns.has(pattern.key)) {
        connection.push([PMESSAGE, pattern.bytes, channel, payload]);
      }
    }
  }

  #deliverLater(publication: Publication, ms: number): void {
    const timer: { handle: unknown } = { handle: undefined };
    timer.handle = this.timers.setTimeout(() => {
      this.#delayed.delete(timer);
      this.#deliver(publication);
    }, ms);
    this.#delayed.add(timer);
  }

  #unsubscribe(connection: ServerConnection, args: readonly Buffer[], kind: 'channel' | 'pattern'): void {
    const reply = kind === 'channel' ? UNSUBSCRIBE : PUNSUBSCRIBE;
    const owned = kind === 'channel' ? connection.channels : connection.patterns;
    const names = args.length > 0 ? args : [...owned].map((key) => Buffer.from(key, 'latin1'));
    if (names.length === 0) {
      connection.push([reply, null, connection.subscriptionCount]);
      return;
    }
    for (const name of names) {
      const key = byteKey(name);
      if (owned.delete(key)) {
        if (kind === 'channel') this.#removeChannel(connection, key);
        else this.#removePattern(connection, key);
      }
      connection.push([reply, name, connection.subscriptionCount]);
    }
  }

  #addChannel(connection: ServerConnection, channel: Buffer): void {
    const key = byteKey(channel);
    if (connection.channels.has(key)) return;
    connection.channels.add(key);
    let subscribers = this.#channels.get(key);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.#channels.set(key, subscribers);
    }
    subscribers.add(connection);
  }

  #addPattern(connection: ServerConnection, pattern: Buffer): void {
    const key = byteKey(pattern);
    if (connection.patterns.has(key)) return;
    connection.patterns.add(key);
    let entry = this.#patterns.get(key);
    if (entry === undefined) {
      entry = { key, bytes: Buffer.from(pattern), subscribers: new Set() };
      this.#patterns.set(key, entry);
    }
    entry.subscribers.add(connection);
  }

  #removeChannel(connection: ServerConnection, key: string): void {
    const subscribers = this.#channels.get(key);
    if (subscribers === undefined) return;
    subscribers.delete(connection);
    if (subscribers.size === 0) this.#channels.delete(key);
  }

  #removePattern(connection: ServerConnection, key: string): void {
    const entry = this.#patterns.get(key);
    if (entry === undefined) return;
    entry.subscribers.delete(connection);
    if (entry.subscribers.size === 0) this.#patterns.delete(key);
  }
}

const cores = new WeakMap<object, PubSubCore>();

/** Ties a public `FakeRedisServer` to its engine without putting the engine on its public surface. */
export function bindCore(server: object, core: PubSubCore): void {
  cores.set(server, core);
}

export function coreOf(server: object): PubSubCore {
  const core = cores.get(server);
  if (core === undefined) throw new TypeError('FakeRedis: `server` must be a FakeRedisServer');
  return core;
}
