// The base class of every master and worker (process/cluster-process.ts) on its own: a tiny
// subclass against hand-driven Redis clients (redis-stub.ts), a hand clock and a bare platform,
// so every frame it receives, every publish, timer and exit is a step the test takes. No
// cluster is started: mutation testing reruns these tests for every mutant of the file.
import { ClustrError, createSigner, type ClusterInfo, type Frame, type MessageSchemas } from '@clustr/protocol/core';
import { ClusterProcess, EXIT_REDIS_UNREACHABLE, MIN_FRAME_BYTES, PROCESS_OPTION_CHECKS, resolveSecret, type ProcessOptions } from '../../src/process/cluster-process';
import type { ChildExit, Platform, SpawnSpec } from '../../src/platform/platform';
import type { RedisLike } from '../../src/transport/redis-like';
import { recordingLogger, thrownClustrError, watch, type RecordingLogger } from './probes';
import { handClock, settle, StubRedis, type HandClock } from './redis-stub';

const PID = 100;
const NS = 'clustr';
const KEY = 'process-core-key-0123456789';
const OWN = `${NS}:private:${PID}`;
const CONTROL = `${NS}:control`;
const MASTER = `${NS}:master`;
const PUBLIC = `${NS}:public`;
const GROUP = `${NS}:group:web`;
const CONFIRMATION = `${NS}:confirmation`;
const SENDER = { pid: 7, group: 'web', instance: 'other' };
const MASTER_META = { pid: 1, group: 'master', instance: 'boss' };

/** A concrete process: the subclass seams record when they run. */
class Probe<S extends MessageSchemas = MessageSchemas> extends ClusterProcess<S> {
  readonly calls: string[] = [];
  failDisconnect: Error | undefined;
  /** Descriptors handed to children; the base class hands none. */
  fds: number[] | undefined;

  constructor(options: ProcessOptions<S>, role: 'master' | 'worker' = 'worker', group = 'web') {
    super({ group, options, role, roleChecks: { extra: () => undefined } });
  }

  get delay(): number {
    return this.reloadDelay;
  }

  get childStopTimeout(): number {
    return this.stopTimeout;
  }

  get code(): number | undefined {
    return this.stopCode;
  }

  stopWith(code: number, reason: string, hooks = true): Promise<void> {
    return this.shutdown(code, reason, hooks);
  }

  force(reason: string): void {
    this.stopNow(reason);
  }

  move(next: 'running' | 'stopping' | 'closed'): void {
    this.setState(next, {});
  }

  tell(error: Error): void {
    this.report(error, { event: 'test.report' });
  }

  run(fn: () => unknown): boolean {
    return this.invoke('test.listener', fn);
  }

  connected(): Promise<void> {
    return this.whenConnected();
  }

  membership(info: ClusterInfo): void {
    this.applyMembership(info);
  }

  beat(parentPid: number): void {
    this.heartbeat.start(parentPid);
  }

  dispose(fn: () => void): void {
    this.disposers.push(fn);
  }

  checkPid(pid: unknown): void {
    this.assertPid(pid, 'target');
  }

  /** What first launches wait for besides the subscriptions; the base class waits for nothing. */
  launchHold: Promise<unknown> | undefined;

  protected override inheritFds(): number[] {
    return this.fds ?? super.inheritFds();
  }

  protected override beforeLaunch(): Promise<unknown> {
    return this.launchHold ?? super.beforeLaunch();
  }

  protected override beforeStop(): void {
    this.calls.push('beforeStop');
  }

  protected override async beforeDisconnect(): Promise<void> {
    this.calls.push('beforeDisconnect');
    if (this.failDisconnect) throw this.failDisconnect;
  }

  protected override afterReconnect(): void {
    this.calls.push('afterReconnect');
  }

  protected override closePending(): void {
    this.calls.push('closePending');
  }
}

interface World {
  clock: HandClock;
  platform: Platform;
  /** Clients the platform created, in order: the publisher, then the subscriber. */
  clients: StubRedis[];
  targets: unknown[];
  exits: number[];
  stderr: string[];
  spawned: SpawnSpec[];
  ends: Array<(exit: ChildExit) => void>;
}

interface WorldOptions {
  env?: Record<string, string>;
  argv?: string[];
  redisServer?: Platform['redisServer'];
  /** Children ignore SIGTERM. */
  stubborn?: boolean;
  /** The pid the OS gives the first child (Node reports 0 for one that failed to start). */
  firstPid?: number;
}

function world(options: WorldOptions = {}): World {
  const clock = handClock(1_000_000);
  const clients: StubRedis[] = [];
  const targets: unknown[] = [];
  const exits: number[] = [];
  const stderr: string[] = [];
  const spawned: SpawnSpec[] = [];
  const ends: Array<(exit: ChildExit) => void> = [];
  let nextPid = 500;
  const platform: Platform = {
    pid: PID,
    ppid: 1,
    argv: options.argv ?? [],
    env: { ...options.env },
    execPath: '/usr/bin/node',
    execArgv: [],
    baseDir: '/srv/app',
    clock,
    spawn(spec) {
      spawned.push(spec);
      const index = spawned.length - 1;
      const pid = index === 0 && options.firstPid !== undefined ? options.firstPid : nextPid++;
      const listeners: Array<(exit: ChildExit) => void> = [];
      ends.push((exit) => {
        for (const listener of listeners.splice(0)) listener(exit);
      });
      return {
        pid,
        onExit: (listener) => void listeners.push(listener),
        kill: (signal) => {
          if (options.stubborn === true && signal !== 'SIGKILL') return true;
          queueMicrotask(() => ends[index]!({ code: null, signal }));
          return true;
        },
        send: () => Promise.resolve(false),
        onMessage: () => undefined,
      };
    },
    exit: (code) => void exits.push(code),
    onSignal: () => () => undefined,
    watchParent: () => () => undefined,
    createRedis(target) {
      targets.push(target);
      const client = new StubRedis();
      clients.push(client);
      return client;
    },
    fileExists: () => true,
    findExecutable: (name) => `/usr/bin/${name}`,
    cpuCount: () => 2,
    write: (stream, text) => {
      if (stream === 'stderr') stderr.push(text);
    },
    signalPid: () => false,
    parentChannel: () => undefined,
    hostname: 'testhost',
    memoryUsage: () => ({ rss: 3, heapUsed: 1, heapTotal: 2 }),
    cpuTime: () => 0,
    monitorLoopDelay: () => ({ take: () => ({ p50: 0, p99: 0, max: 0 }), stop: () => undefined }),
    ...(options.redisServer === undefined ? {} : { redisServer: options.redisServer }),
  };
  return { clock, platform, clients, targets, exits, stderr, spawned, ends };
}

interface Setup extends World {
  proc: Probe;
  log: RecordingLogger;
  errors: Array<{ error: Error; context: Record<string, unknown> }>;
  publisher: StubRedis;
  subscriber: StubRedis;
  /** Both clients ready; the subscriptions confirmed. */
  connect(): Promise<void>;
  /** A frame from another process arrives on `channel`. */
  receive(channel: string, frame: Record<string, unknown>): void;
  /** The frames published on `channel`, decoded, in order. */
  published(channel?: string): Array<Record<string, any>>;
}

function setup(options: ProcessOptions & { extra?: unknown } = {}, more: WorldOptions & { role?: 'master' | 'worker'; group?: string } = {}): Setup {
  const w = world(more);
  const log = recordingLogger();
  const errors: Setup['errors'] = [];
  const proc = new Probe({ logger: log, coalesce: false, onError: (error, context) => errors.push({ error, context }), platform: w.platform, ...options }, more.role, more.group);
  const [publisher, subscriber] = w.clients as [StubRedis, StubRedis];
  return {
    ...w,
    proc,
    log,
    errors,
    publisher,
    subscriber,
    async connect() {
      publisher.goes('ready');
      subscriber.goes('ready');
      await settle();
    },
    receive(channel, frame) {
      subscriber.emit('message', channel, JSON.stringify({ v: 2, id: `f${Math.random().toString(36).slice(2, 10)}`, meta: SENDER, ...frame }));
    },
    published(channel) {
      return publisher
        .sent('publish')
        .filter(([ch]) => channel === undefined || ch === channel)
        .map(([, text]) => JSON.parse(text!) as Record<string, any>);
    },
  };
}

/** Error codes and contexts reported so far. */
function reported(s: Setup): Array<[string | undefined, Record<string, unknown>]> {
  return s.errors.map(({ error, context }) => [(error as ClustrError).code, context]);
}

async function rejectionOf(promise: Promise<unknown>): Promise<ClustrError> {
  try {
    await promise;
  } catch (error) {
    return error as ClustrError;
  }
  throw new Error('expected a rejection');
}

// ---------------------------------------------------------------------------------------------

describe('resolveSecret', () => {
  test('the option wins over CLUSTR_SECRET', () => {
    expect(resolveSecret('from-option', { CLUSTR_SECRET: 'from-env' })).toBe('from-option');
    expect(resolveSecret(['a', 'b'], {})).toEqual(['a', 'b']);
  });

  test('CLUSTR_SECRET: unset or empty is no secret, text is one secret, a JSON list is several', () => {
    expect(resolveSecret(undefined, {})).toBeUndefined();
    expect(resolveSecret(undefined, { CLUSTR_SECRET: '' })).toBeUndefined();
    expect(resolveSecret(undefined, { CLUSTR_SECRET: 'plain' })).toBe('plain');
    expect(resolveSecret(undefined, { CLUSTR_SECRET: 'x[1]' })).toBe('x[1]');
    expect(resolveSecret(undefined, { CLUSTR_SECRET: '["a","b"]' })).toEqual(['a', 'b']);
  });

  test('a CLUSTR_SECRET that starts with [ but is no JSON is refused, naming the variable', () => {
    const error = thrownClustrError(() => resolveSecret(undefined, { CLUSTR_SECRET: '[oops' }));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'CLUSTR_SECRET', message: 'CLUSTR_SECRET starts with "[" but is not a JSON list of secrets.' });
  });
});

describe('option checks', () => {
  test('killTimeout takes false or milliseconds', () => {
    expect(() => PROCESS_OPTION_CHECKS.killTimeout(false, 'killTimeout')).not.toThrow();
    expect(() => PROCESS_OPTION_CHECKS.killTimeout(0, 'killTimeout')).not.toThrow();
    expect(thrownClustrError(() => PROCESS_OPTION_CHECKS.killTimeout(true, 'killTimeout'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'killTimeout' });
    expect(thrownClustrError(() => PROCESS_OPTION_CHECKS.killTimeout(-1, 'killTimeout'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'killTimeout' });
  });

  test('maxFrameBytes: a whole number of at least MIN_FRAME_BYTES', () => {
    expect(MIN_FRAME_BYTES).toBe(1024);
    expect(() => PROCESS_OPTION_CHECKS.maxFrameBytes(1024, 'maxFrameBytes')).not.toThrow();
    const refusal = (value: unknown) => thrownClustrError(() => PROCESS_OPTION_CHECKS.maxFrameBytes(value, 'max')).message;
    expect(refusal(1023)).toBe('max must be a whole number of bytes, 1024 or more; got 1023.');
    expect(refusal(2048.5)).toBe('max must be a whole number of bytes, 1024 or more; got 2048.5.');
    expect(refusal('4096')).toBe('max must be a whole number of bytes, 1024 or more; got the string "4096".');
    expect(thrownClustrError(() => PROCESS_OPTION_CHECKS.maxFrameBytes(10, 'max'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'max' });
  });

  test('each option is checked by the check of its kind', () => {
    const refused = (key: keyof typeof PROCESS_OPTION_CHECKS, value: unknown) => {
      try {
        PROCESS_OPTION_CHECKS[key](value, key);
        return false;
      } catch {
        return true;
      }
    };
    expect(refused('reloadDelay', 0)).toBe(false);
    expect(refused('reloadDelay', -1)).toBe(true);
    expect(refused('stopTimeout', -1)).toBe(true);
    expect(refused('clusterInfoTimeout', -1)).toBe(true);
    expect(refused('replayWindow', 0)).toBe(true);
    expect(refused('connectTimeout', 0)).toBe(true);
    expect(refused('requestTimeout', 0)).toBe(true);
    expect(refused('heartbeatInterval', 0)).toBe(true);
    expect(refused('heartbeatTimeout', 0)).toBe(true);
    expect(refused('coalesce', 'yes')).toBe(true);
    expect(refused('replyErrorStacks', 1)).toBe(true);
    expect(refused('onError', {})).toBe(true);
    expect(refused('offlineQueue', { maxWait: 0 })).toBe(true);
    expect(refused('offlineQueue', { maxFrames: -1 })).toBe(true);
    expect(refused('offlineQueue', { maxBytes: -1 })).toBe(true);
    expect(refused('offlineQueue', { maxFrames: 1, maxBytes: 1, maxWait: 1 })).toBe(false);
    expect(refused('inboundQueue', { maxFrames: -1 })).toBe(true);
    expect(refused('inboundQueue', { maxBytes: -1 })).toBe(true);
    expect(refused('inboundQueue', { maxFrames: 1, maxBytes: 1 })).toBe(false);
  });
});

describe('construction', () => {
  test('options that are not an object are refused, naming the role', () => {
    const w = world();
    expect(thrownClustrError(() => new Probe(5 as never, 'worker')).message).toContain('Worker.create() options');
    expect(thrownClustrError(() => new Probe(5 as never, 'master')).message).toContain('Master.create() options');
    expect(w.clients).toHaveLength(0);
  });

  test('an unknown option is refused before any Redis client exists; the role checks count as known', () => {
    const w = world();
    expect(thrownClustrError(() => new Probe({ platform: w.platform, bogus: 1 } as never))).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION' });
    expect(w.clients).toHaveLength(0);
    expect(() => new Probe({ platform: w.platform, extra: 1 } as never)).not.toThrow();
  });

  test('identity: pid from the platform, an instance of 8 url-safe characters, the group', () => {
    const s = setup();
    expect(s.proc.pid).toBe(PID);
    expect(s.proc.instance).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(setup().proc.instance).not.toBe(s.proc.instance);
    expect(s.proc.group).toBe('web');
    expect(thrownClustrError(() => setup({}, { group: 'no spaces' }))).toMatchObject({ code: 'CLUSTR_INVALID_NAME' });
  });

  test('namespace: the option, else CLUSTR_NAMESPACE, else "clustr"; a bad one names where it came from', () => {
    expect(setup().proc.namespace).toBe('clustr');
    expect(setup({}, { env: { CLUSTR_NAMESPACE: 'envns' } }).proc.namespace).toBe('envns');
    expect(setup({ namespace: 'opt' }, { env: { CLUSTR_NAMESPACE: 'envns' } }).proc.namespace).toBe('opt');
    expect(thrownClustrError(() => setup({}, { env: { CLUSTR_NAMESPACE: 'bad ns' } }))).toMatchObject({ field: 'CLUSTR_NAMESPACE' });
    expect(thrownClustrError(() => setup({ namespace: 'bad ns' }))).toMatchObject({ field: 'namespace' });
  });

  test('masterPid: the master is its own; a worker takes a positive whole CLUSTR_MASTER_PID', () => {
    expect(setup({}, { role: 'master', group: 'master', env: { CLUSTR_MASTER_PID: '42', CLUSTR_REDIS_URL: 'redis://h:1' } }).proc.masterPid).toBe(PID);
    expect(setup({}, { env: { CLUSTR_MASTER_PID: '42' } }).proc.masterPid).toBe(42);
    expect(setup({}, { env: { CLUSTR_MASTER_PID: '1' } }).proc.masterPid).toBe(1);
    expect(setup({}, { env: { CLUSTR_MASTER_PID: '0' } }).proc.masterPid).toBeUndefined();
    expect(setup({}, { env: { CLUSTR_MASTER_PID: '-4' } }).proc.masterPid).toBeUndefined();
    expect(setup({}, { env: { CLUSTR_MASTER_PID: '4.5' } }).proc.masterPid).toBeUndefined();
    expect(setup().proc.masterPid).toBeUndefined();
  });

  test('timing defaults: reloadDelay 500; children get 2 × killTimeout + 5000 ms to stop, at most 2^31-1', () => {
    const s = setup();
    expect(s.proc.delay).toBe(500);
    expect(s.proc.childStopTimeout).toBe(25_000);
    expect(setup({ reloadDelay: 7 }).proc.delay).toBe(7);
    expect(setup({ killTimeout: 1_000 }).proc.childStopTimeout).toBe(7_000);
    expect(setup({ killTimeout: false }).proc.childStopTimeout).toBe(25_000);
    expect(setup({ killTimeout: 2 ** 31 - 1 }).proc.childStopTimeout).toBe(2 ** 31 - 1);
    expect(setup({ killTimeout: 1_000, stopTimeout: 3 }).proc.childStopTimeout).toBe(3);
  });

  test('config: plain options, the Redis label, the config option, then command-line args; no clients, secrets or functions', () => {
    const s = setup({ reloadDelay: 9, secret: KEY, config: { port: 80, name: 'x' }, redis: 'redis://u:pw@h:7/0' }, { argv: ['--port=3000'] });
    expect(s.proc.config).toEqual({ reloadDelay: 9, coalesce: false, redis: 'redis://u:***@h:7/0', port: 3000, name: 'x' });
  });

  test('options left undefined are not in config', () => {
    const s = setup({ reloadDelay: undefined, coalesce: undefined } as never);
    expect(Object.keys(s.proc.config)).toEqual(['redis']);
  });

  test('Redis: clients for the resolved target; CLUSTR_REDIS_OPTIONS is checked when it is what applies', () => {
    const s = setup({}, { env: { CLUSTR_REDIS_URL: 'redis://elsewhere:6390' } });
    expect(s.targets).toEqual(['redis://elsewhere:6390', 'redis://elsewhere:6390']);
    expect(thrownClustrError(() => setup({}, { env: { CLUSTR_REDIS_OPTIONS: '""' } }))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'CLUSTR_REDIS_OPTIONS' });
    expect(() => setup({ redis: 'redis://h:1' }, { env: { CLUSTR_REDIS_OPTIONS: '""' } })).not.toThrow();
    expect(setup({}, { env: { CLUSTR_REDIS_OPTIONS: '{"host":"h","port":7}' } }).targets).toEqual([{ host: 'h', port: 7 }, { host: 'h', port: 7 }]);
  });

  test('a secret too short is refused naming where it came from', () => {
    expect(thrownClustrError(() => setup({ secret: 'short' }))).toMatchObject({ field: 'secret' });
    expect(thrownClustrError(() => setup({}, { env: { CLUSTR_SECRET: 'short' } }))).toMatchObject({ field: 'CLUSTR_SECRET' });
  });

  test('a given publisher is duplicated for subscribing and left open on close', async () => {
    const w = world();
    const publisher = new StubRedis();
    const subscriber = new StubRedis();
    publisher.duplicate = () => subscriber;
    const proc = new Probe({ platform: w.platform, publisher, coalesce: false });
    expect(w.clients).toHaveLength(0);
    publisher.goes('ready');
    subscriber.goes('ready');
    await settle();
    expect(subscriber.sent('subscribe')).toEqual([[OWN, CONTROL]]);
    void proc.close(0);
    await settle();
    expect(publisher.sent('quit')).toEqual([]);
    expect(subscriber.sent('quit')).toEqual([`quit`].map(() => []));
  });

  test('given both clients: none is created, neither is quit', async () => {
    const w = world();
    const publisher = new StubRedis();
    const subscriber = new StubRedis();
    const proc = new Probe({ platform: w.platform, publisher, subscriber });
    expect(w.clients).toHaveLength(0);
    publisher.goes('ready');
    subscriber.goes('ready');
    await settle();
    void proc.close(0);
    await settle();
    expect([publisher.sent('quit'), subscriber.sent('quit')]).toEqual([[], []]);
  });

  test('a worker subscribes to its own and the control channel; a master to the master channel too', async () => {
    const s = setup();
    await s.connect();
    expect(s.subscriber.sent('subscribe')).toEqual([[OWN, CONTROL]]);
    const m = setup({ redis: 'redis://h:1' }, { role: 'master', group: 'master' });
    await m.connect();
    expect(m.subscriber.sent('subscribe')).toEqual([[OWN, MASTER, CONTROL]]);
  });

  test('the logger: silent by default; JSON lines on stderr with --cluster-verbose, or --verbose for a master', async () => {
    const quiet = world({ argv: ['--verbose'] });
    new Probe({ platform: quiet.platform }).tell(new Error('hush'));
    expect(quiet.stderr).toEqual([]);
    const loud = world({ argv: ['--cluster-verbose'] });
    new Probe({ platform: loud.platform }).tell(new Error('loud'));
    expect(loud.stderr.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([expect.objectContaining({ level: 'error', event: 'test.report', msg: 'loud', process: `web:${PID}` })]);
    const plainMaster = world();
    new Probe({ platform: plainMaster.platform, redis: 'redis://h:1' }, 'master', 'master').tell(new Error('quiet boss'));
    expect(plainMaster.stderr).toEqual([]);
    const master = world({ argv: ['--verbose'] });
    new Probe({ platform: master.platform, redis: 'redis://h:1' }, 'master', 'master').tell(new Error('boss'));
    expect(master.stderr.map((line) => (JSON.parse(line) as Record<string, unknown>).msg)).toEqual(['boss']);
  });

  test('inspect shows who it is, never the platform', () => {
    const s = setup({ secret: KEY });
    const inspect = (s.proc as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')]!;
    expect(inspect.call(s.proc)).toBe(`Probe { pid: ${PID}, group: "web", namespace: "clustr", status: "running", signed: true }`);
    expect(inspect.call(setup().proc)).toContain('signed: false }');
  });
});

describe('connecting', () => {
  test('connected: logged once, and whenConnected resolves', async () => {
    const s = setup();
    const ready = watch(s.proc.connected());
    await settle();
    expect(ready.state).toBe('pending');
    await s.connect();
    expect(ready.state).toBe('resolved');
    expect(s.log.events('redis.connected')).toEqual([{ event: 'redis.connected' }]);
    expect(s.log.records.find((r) => r.fields.event === 'redis.connected')!.msg).toBe('connected to Redis at redis://127.0.0.1:6379');
    expect(s.proc.connection.state).toBe('ready');
  });

  test('no Redis within connectTimeout (default 20 s): one stderr line, CLUSTR_REDIS_UNREACHABLE, exit 69', async () => {
    const s = setup();
    const hook = jest.fn();
    s.proc.onKill(hook);
    s.clock.advance(19_999);
    await settle();
    expect(s.exits).toEqual([]);
    s.clock.advance(1);
    await settle();
    const message = 'could not reach Redis at redis://127.0.0.1:6379 within 20000 ms (no answer). Start Redis there, or point clustr at one with the redis option or CLUSTR_REDIS_URL.';
    expect(s.stderr).toEqual([`clustr[web:${PID}]: ${message}\n`]);
    expect(s.errors.map(({ error, context }) => [(error as ClustrError).code, error.message, context, error.cause])).toEqual([['CLUSTR_REDIS_UNREACHABLE', message, { event: 'redis.unreachable' }, undefined]]);
    expect(s.exits).toEqual([EXIT_REDIS_UNREACHABLE]);
    expect(EXIT_REDIS_UNREACHABLE).toBe(69);
    expect(Object.hasOwn(s.errors[0]!.error, 'cause')).toBe(false);
    // The process never ran: its kill hooks do not run either.
    expect(hook).not.toHaveBeenCalled();
    expect(s.log.events('process.state')).toEqual([
      { event: 'process.state', from: 'running', to: 'stopping', reason: 'redis-unreachable', code: 69 },
      { event: 'process.state', from: 'stopping', to: 'closed', code: 69 },
    ]);
  });

  test('the last Redis error is named, and kept as the cause', async () => {
    const s = setup({ connectTimeout: 50 });
    const refused = new Error('connect ECONNREFUSED');
    s.publisher.emit('error', refused);
    s.clock.advance(50);
    await settle();
    expect(s.errors[0]!.error.message).toBe('could not reach Redis at redis://127.0.0.1:6379 within 50 ms (connect ECONNREFUSED). Start Redis there, or point clustr at one with the redis option or CLUSTR_REDIS_URL.');
    expect(s.errors[0]!.error.cause).toBe(refused);
  });

  test('the last error an authentication refusal: CLUSTR_REDIS_AUTH at the timeout', async () => {
    const s = setup({ connectTimeout: 50 });
    // Refused while the process is stopping: only logged; then the timeout names it.
    const wrongpass = new Error('WRONGPASS invalid username-password pair');
    const stopping = s.proc.stopWith(3, 'test', false);
    s.publisher.emit('error', wrongpass);
    await settle();
    expect(s.errors).toEqual([]);
    expect(s.log.events('redis.error')).toEqual([{ event: 'redis.error', error: wrongpass }]);
    void stopping;
  });

  test('connected in time: the connect timer is cleared', async () => {
    const s = setup({ connectTimeout: 50 });
    await s.connect();
    s.clock.advance(100);
    await settle();
    expect(s.exits).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  test('an authentication refusal before the first connection fails the start at once', async () => {
    const s = setup();
    s.subscriber.emit('error', new Error('NOAUTH Authentication required.'));
    await settle();
    expect(reported(s)).toEqual([['CLUSTR_REDIS_AUTH', { event: 'redis.unreachable' }]]);
    expect(s.stderr[0]).toMatch(/^clustr\[web:100\]: Redis at redis:\/\/127\.0\.0\.1:6379 refused this process: NOAUTH Authentication required\. /);
    expect(s.exits).toEqual([69]);
  });

  test('a certificate not trusted before the first connection fails the start at once', async () => {
    const s = setup();
    s.publisher.emit('error', Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }));
    await settle();
    expect(reported(s)).toEqual([['CLUSTR_REDIS_UNREACHABLE', { event: 'redis.unreachable' }]]);
    expect(s.errors[0]!.error.message).toMatch(/^the TLS handshake with Redis at redis:\/\/127\.0\.0\.1:6379 failed: self-signed certificate\. /);
    expect(s.exits).toEqual([69]);
  });

  test('an authentication or TLS refusal after the first connection is only logged', async () => {
    const s = setup();
    await s.connect();
    const auth = new Error('NOAUTH Authentication required.');
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    s.publisher.emit('error', auth);
    s.publisher.emit('error', tls);
    await settle();
    expect(s.errors).toEqual([]);
    expect(s.exits).toEqual([]);
    expect(s.log.records.filter((r) => r.fields.event === 'redis.error').map((r) => [r.level, r.msg])).toEqual([
      ['warn', 'Redis connection error: NOAUTH Authentication required.'],
      ['warn', 'Redis connection error: self-signed certificate'],
    ]);
  });

  test('a TLS refusal while stopping is only logged', async () => {
    const s = setup();
    void s.proc.stopWith(3, 'test', false);
    s.publisher.emit('error', Object.assign(new Error('bad cert'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }));
    await settle();
    expect(s.errors).toEqual([]);
    expect(s.stderr).toEqual([]);
  });

  test('the connect timer does nothing once the process stops', async () => {
    const s = setup({ connectTimeout: 50, killTimeout: false });
    s.proc.onKill(() => undefined);
    void s.proc.stopWith(3, 'test');
    s.clock.advance(100);
    await settle();
    expect(s.errors).toEqual([]);
    expect(s.stderr).toEqual([]);
  });

  test('lost and back: logged with the error and the downtime; cluster-info requests are sent again; the subclass re-announces', async () => {
    const s = setup();
    await s.connect();
    const info = watch(s.proc.fetchClusterInfo(10_000));
    await settle();
    expect(s.published(MASTER)).toHaveLength(1);
    const lost = new Error('socket closed');
    s.publisher.emit('error', lost);
    s.publisher.goes('reconnecting');
    await settle();
    expect(s.log.events('redis.lost')).toEqual([{ event: 'redis.lost', error: lost }]);
    expect(s.log.records.find((r) => r.fields.event === 'redis.lost')).toMatchObject({ level: 'warn', msg: 'lost Redis at redis://127.0.0.1:6379; reconnecting' });
    s.clock.advance(250);
    s.publisher.goes('ready');
    await settle();
    expect(s.log.events('redis.recovered')).toEqual([{ event: 'redis.recovered', downMs: 250 }]);
    expect(s.log.records.find((r) => r.fields.event === 'redis.recovered')!.msg).toBe('Redis at redis://127.0.0.1:6379 is back after 250 ms');
    expect(s.proc.calls).toEqual(['afterReconnect']);
    const requests = s.published(MASTER);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.id).toBe(requests[0]!.id);
    expect(info.state).toBe('pending');
  });

  test('lost without an error: logged without one', async () => {
    const s = setup();
    await s.connect();
    s.publisher.goes('reconnecting');
    await settle();
    expect(s.log.events('redis.lost').map((fields) => Object.keys(fields))).toEqual([['event']]);
  });

  test('onConnection gets a copy of each change; a throwing listener is reported', async () => {
    const s = setup();
    const seen: unknown[] = [];
    const off = s.proc.onConnection((change) => {
      seen.push({ ...change });
      (change as { to: string }).to = 'tampered';
      throw new Error('listener broke');
    });
    s.proc.onConnection((change) => seen.push({ ...change }));
    await s.connect();
    expect(seen).toEqual([
      { from: 'connecting', to: 'ready', at: 1_000_000 },
      { from: 'connecting', to: 'ready', at: 1_000_000 },
    ]);
    expect(s.log.events('redis.connected')).toHaveLength(1);
    expect(reported(s)).toEqual([[undefined, { event: 'listener.threw', listener: 'onConnection' }]]);
    off();
    s.publisher.goes('reconnecting');
    await settle();
    expect(seen).toHaveLength(3);
  });
});

describe('listeners', () => {
  test('onPublic subscribes to the public channel once, with its first listener', async () => {
    const s = setup();
    await s.connect();
    const got: unknown[] = [];
    const off = s.proc.onPublic((m) => got.push(m));
    s.proc.onPublic(() => undefined);
    await settle();
    expect(s.subscriber.sent('subscribe')).toEqual([[OWN, CONTROL], [PUBLIC]]);
    s.receive(PUBLIC, { kind: 'public', data: { n: 1 } });
    expect(got).toEqual([{ meta: SENDER, data: { n: 1 } }]);
    expect(s.proc.stats.onPublic).toBe(1);
    off();
    s.receive(PUBLIC, { kind: 'public', data: 2 });
    expect(got).toHaveLength(1);
  });

  test('onPrivate gets private messages; off removes it', async () => {
    const s = setup();
    await s.connect();
    const got: unknown[] = [];
    const off = s.proc.onPrivate((m) => got.push(m));
    s.receive(OWN, { kind: 'private', data: 'hi' });
    off();
    s.receive(OWN, { kind: 'private', data: 'again' });
    expect(got).toEqual([{ meta: SENDER, data: 'hi' }]);
    expect(s.subscriber.sent('subscribe')).toEqual([[OWN, CONTROL]]);
  });

  test('onGroup subscribes to the group channel and gets group and emitAny messages; off removes both', async () => {
    const s = setup();
    await s.connect();
    const got: unknown[] = [];
    const off = s.proc.onGroup((m) => got.push(m));
    await settle();
    expect(s.subscriber.sent('subscribe')).toEqual([[OWN, CONTROL], [GROUP]]);
    s.receive(GROUP, { kind: 'group', data: 'g' });
    s.receive(OWN, { kind: 'any', data: { group: 'web', body: 'a' } });
    expect(got).toEqual([
      { meta: SENDER, data: 'g' },
      { meta: SENDER, data: 'a' },
    ]);
    off();
    off();
    s.receive(GROUP, { kind: 'group', data: 'g2' });
    s.receive(OWN, { kind: 'any', data: { group: 'web', body: 'a2' } });
    expect(got).toHaveLength(2);
    expect(reported(s)).toEqual([['CLUSTR_NO_HANDLER', { event: 'any.unhandled', from: 7 }]]);
  });

  test('removing one of two group listeners twice leaves the other to get emitAny messages', async () => {
    const s = setup();
    await s.connect();
    const got: unknown[] = [];
    const off = s.proc.onGroup((m) => got.push(`removed ${String(m.data)}`));
    s.proc.onGroup((m) => got.push(m.data));
    off();
    off();
    s.receive(OWN, { kind: 'any', data: { group: 'web', body: 'still' } });
    expect(got).toEqual(['still']);
    expect(s.errors).toEqual([]);
  });

  test('a listener that throws is reported and counted, and the next listener still runs', async () => {
    const s = setup();
    await s.connect();
    const got: unknown[] = [];
    const boom = new Error('boom');
    s.proc.onPrivate(() => {
      throw boom;
    });
    s.proc.onPrivate((m) => got.push(m.data));
    s.receive(OWN, { kind: 'private', data: 1 });
    expect(got).toEqual([1]);
    expect(s.errors).toEqual([{ error: boom, context: { event: 'listener.threw', listener: 'onPrivate' } }]);
    expect(s.proc.stats.listenerErrors).toBe(1);
  });

  test('an async listener that rejects is reported like one that throws; a non-Error is wrapped', async () => {
    const s = setup();
    await s.connect();
    s.proc.onPublic(() => Promise.reject('plain text') as unknown as void);
    s.receive(PUBLIC, { kind: 'public', data: 1 });
    await settle();
    expect(s.errors.map(({ error, context }) => [error instanceof Error, error.message, context])).toEqual([[true, 'plain text', { event: 'listener.threw', listener: 'onPublic' }]]);
    expect(s.proc.stats.listenerErrors).toBe(1);
  });

  test('invoke: true when the listener returned (even a thenable), false when it threw', async () => {
    const s = setup();
    expect(s.proc.run(() => 1)).toBe(true);
    expect(s.proc.run(() => null)).toBe(true);
    expect(s.proc.run(() => ({ then: 1 }))).toBe(true);
    expect(s.proc.run(() => Promise.resolve(2))).toBe(true);
    await settle();
    expect(s.errors).toEqual([]);
    expect(
      s.proc.run(() => {
        throw new Error('x');
      }),
    ).toBe(false);
    expect(s.errors).toHaveLength(1);
  });

  test('listeners must be functions: each method names itself', () => {
    const s = setup();
    const refusal = (fn: () => unknown) => thrownClustrError(fn);
    expect(refusal(() => s.proc.onPublic(null as never))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'handler', message: 'onPublic() needs a function; got null.' });
    expect(refusal(() => s.proc.onPrivate('x' as never)).message).toBe('onPrivate() needs a function; got string.');
    expect(refusal(() => s.proc.onGroup(1 as never)).message).toBe('onGroup() needs a function; got number.');
    expect(refusal(() => s.proc.onKill({} as never)).message).toBe('onKill() needs a function; got object.');
    expect(refusal(() => s.proc.onError(undefined as never)).message).toBe('onError() needs a function; got undefined.');
    expect(refusal(() => s.proc.onConnection(null as never)).message).toBe('onConnection() needs a function; got null.');
    expect(refusal(() => s.proc.onChildSpawn(null as never)).message).toBe('onChildSpawn() needs a function; got null.');
    expect(refusal(() => s.proc.onChildExit(null as never)).message).toBe('onChildExit() needs a function; got null.');
    expect(refusal(() => s.proc.onChildGaveUp(null as never)).message).toBe('onChildGaveUp() needs a function; got null.');
    expect(refusal(() => s.proc.onConfirmation(1, 'id', null as never)).message).toBe('onConfirmation() needs a function; got null.');
    expect(refusal(() => s.proc.emitClusterInfo(null as never)).message).toBe('emitClusterInfo() needs a function; got null.');
    // Nothing was subscribed for a listener refused.
    expect(s.subscriber.sent('subscribe')).toEqual([]);
  });

  test('on(kind) is onPublic, onPrivate, onGroup, onKill and onError; another kind is refused', async () => {
    const s = setup();
    await s.connect();
    const got: string[] = [];
    s.proc.on('public', (m) => got.push(`public ${String(m.data)}`));
    s.proc.on('private', (m) => got.push(`private ${String(m.data)}`));
    s.proc.on('group', (m) => got.push(`group ${String(m.data)}`));
    s.proc.on('error', (error) => got.push(`error ${error.message}`));
    s.proc.on('kill', (done) => {
      got.push('kill');
      done();
    });
    s.receive(PUBLIC, { kind: 'public', data: 1 });
    s.receive(OWN, { kind: 'private', data: 2 });
    s.receive(GROUP, { kind: 'group', data: 3 });
    s.proc.tell(new Error('four'));
    expect(got).toEqual(['public 1', 'private 2', 'group 3', 'error four']);
    await s.proc.stopWith(0, 'test');
    expect(got).toEqual(['public 1', 'private 2', 'group 3', 'error four', 'kill']);
    const error = thrownClustrError(() => s.proc.on('nope' as never, (() => undefined) as never));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'kind', message: 'on() got unknown kind "nope"; use public, private, group, kill or error.' });
  });

  test('onConfirmation: counts from 1 whole; an identifier of 1 to 256 characters; subscribes to confirmations', async () => {
    const s = setup();
    await s.connect();
    const refusal = (count: number, id: unknown) => thrownClustrError(() => s.proc.onConfirmation(count, id as string, () => undefined));
    expect(refusal(0, 'id')).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'count', message: 'onConfirmation count must be a whole number of at least 1; got 0.' });
    expect(refusal(1.5, 'id').message).toBe('onConfirmation count must be a whole number of at least 1; got 1.5.');
    expect(refusal(1, '')).toMatchObject({ field: 'identifier', message: 'identifier must be a string of 1 to 256 characters; got 0 characters.' });
    expect(refusal(1, 'x'.repeat(257)).message).toBe('identifier must be a string of 1 to 256 characters; got 257 characters.');
    expect(refusal(1, 5).message).toBe('identifier must be a string of 1 to 256 characters; got number.');
    await settle();
    expect(s.subscriber.sent('subscribe')).toEqual([[OWN, CONTROL]]);
    const got: unknown[] = [];
    s.proc.onConfirmation(2, 'x'.repeat(256), (messages) => got.push(messages.map((m) => m.meta.pid)));
    await settle();
    expect(s.subscriber.sent('subscribe')).toEqual([[OWN, CONTROL], [CONFIRMATION]]);
    s.receive(CONFIRMATION, { kind: 'confirmation', data: { identifier: 'x'.repeat(256) } });
    s.receive(CONFIRMATION, { kind: 'confirmation', data: { identifier: 'x'.repeat(256) } });
    expect(got).toEqual([[7, 7]]);
  });

  test('a confirmation callback that throws is reported under its name', async () => {
    const s = setup();
    await s.connect();
    s.proc.onConfirmation(1, 'job', () => {
      throw new Error('cb');
    });
    s.receive(CONFIRMATION, { kind: 'confirmation', data: { identifier: 'job' } });
    expect(reported(s)).toEqual([[undefined, { event: 'listener.threw', listener: 'onConfirmation' }]]);
  });

  test('child listeners get a copy of each event, under their own name when they throw', async () => {
    const s = setup();
    await s.connect();
    const seen: string[] = [];
    s.proc.onChildSpawn((child) => {
      seen.push(`spawn ${child.pid} ${String(child.respawn)}`);
      (child as { pid: number }).pid = 0;
    });
    s.proc.onChildExit((exit) => {
      seen.push(`exit ${exit.pid} ${String(exit.signal)}`);
      throw new Error('exit listener');
    });
    const offGaveUp = s.proc.onChildGaveUp(() => seen.push('gave up'));
    offGaveUp();
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(seen).toEqual(['spawn 500 false']);
    s.ends[0]!({ code: null, signal: 'SIGKILL' });
    await settle();
    expect(seen).toEqual(['spawn 500 false', 'exit 500 SIGKILL']);
    expect(reported(s)).toEqual([[undefined, { event: 'listener.threw', listener: 'onChildExit' }]]);
  });
});

describe('the launch gate', () => {
  test("first launches wait for the subscriptions made at start, not for a listener's added later (during an outage it would hold every launch)", async () => {
    const s = setup();
    s.subscriber.answers = 'by hand';
    await s.connect();
    const initial = s.subscriber.commands.filter((c) => c.name === 'subscribe');
    expect(initial.length).toBeGreaterThan(0);
    s.proc.onPublic(() => undefined);
    await settle();
    const later = s.subscriber.commands.filter((c) => c.name === 'subscribe' && !initial.includes(c));
    expect(later.map((c) => c.args)).toEqual([[PUBLIC]]);
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(s.spawned).toEqual([]);
    for (const command of initial) command.resolve(1);
    await settle();
    expect(s.spawned).toHaveLength(1);
    s.subscriber.answers = 'at once';
    for (const command of later) command.resolve(1);
    const closed = s.proc.close(0);
    s.ends[0]!({ code: 0, signal: null });
    await closed;
  });

  test("first launches wait for beforeLaunch() too; its failure (the subclass's to report) holds nothing", async () => {
    const s = setup();
    await s.connect();
    let release!: () => void;
    s.proc.launchHold = new Promise<void>((resolve) => (release = resolve));
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(s.spawned).toEqual([]);
    release();
    await settle();
    expect(s.spawned).toHaveLength(1);
    s.proc.launchHold = Promise.reject(new Error('socket lost the race'));
    s.proc.launchHold.catch(() => undefined);
    s.proc.spawn([{ file: 'v.js' }]);
    await settle();
    expect(s.spawned).toHaveLength(2);
    await s.proc.close(0);
  });
});

describe('emitting', () => {
  test('emitPublic publishes a public frame with this process as sender and counts it', async () => {
    const s = setup();
    await s.connect();
    await expect(s.proc.emitPublic({ a: 1 })).resolves.toBe(1);
    const [frame] = s.published(PUBLIC);
    expect(frame).toMatchObject({ v: 2, kind: 'public', meta: { pid: PID, group: 'web', instance: s.proc.instance }, data: { a: 1 } });
    expect(typeof frame!.id).toBe('string');
    expect(s.proc.stats.emitPublic).toBe(1);
  });

  test('emitPrivate, emitGroup, emitKill and emitConfirmation go to their channels', async () => {
    const s = setup();
    await s.connect();
    await s.proc.emitPrivate(9, 'p');
    await s.proc.emitGroup('api', 'g');
    await s.proc.emitKill(9, 3);
    await s.proc.emitKill(10);
    await s.proc.emitConfirmation('done');
    expect(s.published().map((f) => [f.kind, f.data])).toEqual([
      ['private', 'p'],
      ['group', 'g'],
      ['kill', { pid: 9, code: 3 }],
      ['kill', { pid: 10, code: 0 }],
      ['confirmation', { identifier: 'done' }],
    ]);
    expect(s.publisher.sent('publish').map(([channel]) => channel)).toEqual([`${NS}:private:9`, `${NS}:group:api`, `${NS}:private:9`, `${NS}:private:10`, CONFIRMATION]);
    expect([s.proc.stats.emitPrivate, s.proc.stats.emitGroup, s.proc.stats.emitKill, s.proc.stats.emitConfirmation]).toEqual([1, 1, 2, 1]);
  });

  test('emit(kind) is the emit method of that kind; another kind rejects', async () => {
    const s = setup();
    await s.connect();
    s.proc.membership({ web: [PID], api: [33] });
    await s.proc.emit('public', 'a');
    await s.proc.emit('private', 9, 'b');
    await s.proc.emit('group', 'api', 'c');
    await s.proc.emit('any', 'api', 'd');
    await s.proc.emit('kill', 9, 4);
    await s.proc.emit('confirmation', 'e');
    expect(s.published().map((f) => [f.kind, f.data])).toEqual([
      ['public', 'a'],
      ['private', 'b'],
      ['group', 'c'],
      ['any', { group: 'api', body: 'd' }],
      ['kill', { pid: 9, code: 4 }],
      ['confirmation', { identifier: 'e' }],
    ]);
    const error = await rejectionOf((s.proc.emit as (kind: string) => Promise<number>)('nope'));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'kind', message: 'emit() got unknown kind "nope"; use public, private, group, any, kill or confirmation.' });
  });

  test('bad arguments reject (never throw), naming the field', async () => {
    const s = setup();
    const reason = async (promise: Promise<unknown>) => {
      const error = await rejectionOf(promise);
      return [error.code, error.field, error.message];
    };
    expect(await reason(s.proc.emitPrivate(0, 'x'))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'pid', 'pid must be a process id (a whole number of at least 1); got 0.']);
    expect(await reason(s.proc.emitPrivate(1.5, 'x'))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'pid', 'pid must be a process id (a whole number of at least 1); got 1.5.']);
    expect(await reason(s.proc.emitPrivate('7' as never, 'x'))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'pid', 'pid must be a process id (a whole number of at least 1); got the string "7".']);
    expect(await reason(s.proc.emitKill(-2))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'pid', 'pid must be a process id (a whole number of at least 1); got -2.']);
    expect(await reason(s.proc.emitKill(5, 256))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'exitCode', 'exitCode must be a whole number from 0 to 255; got 256.']);
    expect(await reason(s.proc.emitKill(5, -1))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'exitCode', 'exitCode must be a whole number from 0 to 255; got -1.']);
    expect(await reason(s.proc.emitKill(5, 2.5))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'exitCode', 'exitCode must be a whole number from 0 to 255; got 2.5.']);
    expect(await reason(s.proc.emitKill(5, '3' as never))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'exitCode', 'exitCode must be a whole number from 0 to 255; got the string "3".']);
    expect(await reason(s.proc.emitGroup('bad group', 'x'))).toEqual(['CLUSTR_INVALID_NAME', 'group', expect.any(String)]);
    expect(await reason(s.proc.emitConfirmation(''))).toEqual(['CLUSTR_INVALID_ARGUMENT', 'identifier', 'identifier must be a string of 1 to 256 characters; got 0 characters.']);
    expect(await reason(s.proc.emitPublic(undefined))).toEqual(['CLUSTR_INVALID_DATA', '/data', 'emitPublic: data is undefined, which JSON cannot carry. Send null or a value.']);
    expect(await reason(s.proc.emitPrivate(3, undefined))).toEqual(['CLUSTR_INVALID_DATA', '/data', 'emitPrivate: data is undefined, which JSON cannot carry. Send null or a value.']);
    expect(await reason(s.proc.emitGroup('web', undefined))).toEqual(['CLUSTR_INVALID_DATA', '/data', 'emitGroup: data is undefined, which JSON cannot carry. Send null or a value.']);
    expect(s.publisher.sent('publish')).toEqual([]);
    expect(s.proc.stats.emitPrivate).toBe(0);
  });

  test('exit codes 0 and 255 are taken', async () => {
    const s = setup();
    await s.connect();
    await s.proc.emitKill(5, 0);
    await s.proc.emitKill(5, 255);
    expect(s.published().map((f) => f.data.code)).toEqual([0, 255]);
    expect(s.proc.checkPid(1)).toBeUndefined();
  });

  test('data is checked against messages: the first issue named, with the schema to match', async () => {
    const s = setup({ messages: { public: { type: 'number' }, group: { type: 'string' } } as never });
    const error = await rejectionOf(s.proc.emitPublic('x' as never));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_DATA', field: '/data', message: 'emitPublic: /data must be number. Send data that matches messages.public.' });
    const any = await rejectionOf(s.proc.emitAny('web', 5 as never));
    expect(any.message).toBe('emitAny: /data must be string. Send data that matches messages.group.');
  });

  test('a frame too large for maxFrameBytes rejects the emit; the default is 1 MiB', async () => {
    const s = setup({ maxFrameBytes: 1024 });
    await s.connect();
    const error = await rejectionOf(s.proc.emitPublic('x'.repeat(1024)));
    expect(error.code).toBe('CLUSTR_FRAME_TOO_LARGE');
    expect(s.publisher.sent('publish')).toEqual([]);
    expect(s.proc.stats.emitPublic).toBe(0);
    const big = setup();
    await big.connect();
    await expect(big.proc.emitPublic('x'.repeat(1_000_000))).resolves.toBe(1);
    expect((await rejectionOf(big.proc.emitPublic('x'.repeat(1_048_576)))).code).toBe('CLUSTR_FRAME_TOO_LARGE');
  });

  test('frames of one tick go out as one batch by default', async () => {
    const s = setup({ coalesce: undefined } as never);
    await s.connect();
    void s.proc.emitPublic(1);
    void s.proc.emitPublic(2);
    await settle();
    expect(s.published(PUBLIC).map((f) => f.kind)).toEqual(['batch']);
  });

  test('a failed publish rejects the emit and is reported; offline, timed-out and closed sends count as unsent', async () => {
    const s = setup();
    await s.connect();
    s.publisher.answers = new Error('READONLY You cannot write against a read only replica.');
    const error = await rejectionOf(s.proc.emitPublic(1));
    await settle();
    expect(s.errors).toEqual([{ error, context: { event: 'publish', kind: 'public' } }]);
    expect(s.proc.stats.unsentFrames).toBe(0);
  });

  test('a frame waiting too long offline counts as unsent and is reported', async () => {
    const s = setup({ offlineQueue: { maxWait: 100 } });
    const sent = watch(s.proc.emitPublic(1));
    s.clock.advance(100);
    await settle();
    expect(sent.state).toBe('rejected');
    expect(sent.error.code).toBe('CLUSTR_OFFLINE_TIMEOUT');
    expect(reported(s)).toEqual([['CLUSTR_OFFLINE_TIMEOUT', { event: 'publish', kind: 'public' }]]);
    expect(Object.keys(s.errors[0]!.context)).toEqual(['event', 'kind']);
    expect(s.proc.stats.unsentFrames).toBe(1);
  });

  test('a full offline queue counts as unsent', async () => {
    const s = setup({ offlineQueue: { maxFrames: 1 } });
    void s.proc.emitPublic(1).catch(() => undefined);
    const second = watch(s.proc.emitPublic(2));
    await settle();
    expect(second.error.code).toBe('CLUSTR_OFFLINE_QUEUE_FULL');
    expect(s.proc.stats.unsentFrames).toBe(1);
  });

  test('a runtime frame that fails is reported with its channel', async () => {
    const s = setup({ offlineQueue: { maxWait: 100 } });
    void s.proc.fetchClusterInfo(1_000).catch(() => undefined);
    // The request waits for the subscriptions, which wait for Redis: nothing is published yet.
    s.clock.advance(100);
    await settle();
    expect(s.errors).toEqual([]);
    const child = setup({ offlineQueue: { maxWait: 100 } });
    child.proc.spawn([{ file: 'w.js' }]);
    await settle();
    await child.connect();
    child.publisher.goes('reconnecting');
    await settle();
    child.ends[0]!({ code: 1, signal: null });
    await settle();
    child.clock.advance(100);
    await settle();
    expect(reported(child)).toEqual([['CLUSTR_OFFLINE_TIMEOUT', { event: 'publish', kind: 'deregister', channel: MASTER }]]);
    expect(child.proc.stats.unsentFrames).toBe(1);
  });

  test('after a stop begins, emits reject with CLUSTR_CLOSED naming the state', async () => {
    const s = setup({ killTimeout: false });
    await s.connect();
    s.proc.onKill(() => undefined);
    void s.proc.stopWith(0, 'test');
    const error = await rejectionOf(s.proc.emitPublic(1));
    expect(error).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'emit public() was called on a process that is stopping.' });
    expect((await rejectionOf(s.proc.emitConfirmation('x'))).message).toBe('emit confirmation() was called on a process that is stopping.');
    expect(() => s.proc.spawn([])).toThrow('spawn() was called on a process that is stopping.');
  });
});

describe('receiving', () => {
  test('a frame on a channel this process does not read, or of a kind that does not belong there, is dropped as misrouted', async () => {
    const s = setup();
    await s.connect();
    const got: unknown[] = [];
    s.proc.onPublic((m) => got.push(m));
    s.receive(`${NS}:elsewhere`, { kind: 'public', data: 1 });
    s.receive(OWN, { kind: 'public', data: 2 });
    expect(got).toEqual([]);
    expect(s.errors.map(({ error, context }) => [(error as ClustrError).code, error.message, context])).toEqual([
      ['CLUSTR_INVALID_FRAME', `dropped a frame on ${NS}:elsewhere: a public frame arrived on ${NS}:elsewhere`, { event: 'frame.rejected', reason: 'misrouted', channel: `${NS}:elsewhere`, issues: [{ path: '/kind', keyword: 'channel', message: `does not belong on ${NS}:elsewhere` }] }],
      ['CLUSTR_INVALID_FRAME', `dropped a frame on ${OWN}: a public frame arrived on ${OWN}`, { event: 'frame.rejected', reason: 'misrouted', channel: OWN, issues: [{ path: '/kind', keyword: 'channel', message: `does not belong on ${OWN}` }] }],
    ]);
    expect(s.proc.stats.rejectedFrames).toEqual({ misrouted: 2 });
    expect(s.errors[0]!.error.stack).toBe(`ClustrError: dropped a frame on ${NS}:elsewhere: a public frame arrived on ${NS}:elsewhere`);
  });

  test('a group frame for this group and frames of every channel family reach their handlers', async () => {
    const s = setup({ redis: 'redis://h:1' }, { role: 'master', group: 'master' });
    await s.connect();
    const got: unknown[] = [];
    s.proc.onConfirmation(1, 'c', () => got.push('confirmation'));
    s.receive(CONFIRMATION, { kind: 'confirmation', data: { identifier: 'c' } });
    s.receive(MASTER, { kind: 'deregister', data: { pid: 7 } });
    s.receive(CONTROL, { kind: 'announce', data: { reason: 'start' } });
    expect(got).toEqual(['confirmation']);
    expect(s.errors).toEqual([]);
  });

  test('user data that fails messages is dropped as invalid_data', async () => {
    const s = setup({ messages: { private: { type: 'number' } } as never });
    await s.connect();
    const got: unknown[] = [];
    s.proc.onPrivate((m) => got.push(m.data));
    s.receive(OWN, { kind: 'private', data: 'text' });
    s.receive(OWN, { kind: 'private', data: 5 });
    expect(got).toEqual([5]);
    expect(s.errors.map(({ error, context }) => [error.message, context])).toEqual([
      [`dropped a frame on ${OWN}: invalid_data: /data must be number`, { event: 'frame.rejected', reason: 'invalid_data', channel: OWN, issues: [expect.objectContaining({ path: '/data' })] }],
    ]);
  });

  test('a kill for another pid is misrouted; one for this pid stops the process with its code', async () => {
    const s = setup();
    await s.connect();
    s.receive(OWN, { kind: 'kill', data: { pid: 8, code: 1 } });
    expect(s.errors.map(({ error, context }) => [error.message, context])).toEqual([
      [`dropped a frame on ${OWN}: a kill for pid 8 arrived at pid ${PID}`, { event: 'frame.rejected', reason: 'misrouted', channel: OWN, issues: [{ path: '/data/pid', keyword: 'const', message: `is not ${PID}` }] }],
    ]);
    expect(s.proc.status).toBe('running');
    s.receive(OWN, { kind: 'kill', data: { pid: PID, code: 7 } });
    expect(s.log.events('kill.received')).toEqual([{ event: 'kill.received', from: 7, code: 7 }]);
    expect(s.proc.status).toBe('stopping');
    await settle();
    s.clock.advance(1_000);
    await settle();
    expect(s.exits).toEqual([7]);
  });

  test('an emitAny message for another group is misrouted; data failing messages.group is invalid, with the path into the body', async () => {
    const s = setup({ messages: { group: { type: 'object', properties: { n: { type: 'number' } } } } as never });
    await s.connect();
    const got: unknown[] = [];
    s.proc.onGroup((m) => got.push(m.data));
    s.receive(OWN, { kind: 'any', data: { group: 'api', body: { n: 1 } } });
    s.receive(OWN, { kind: 'any', data: { group: 'web', body: { n: 'one' } } });
    s.receive(OWN, { kind: 'any', data: { group: 'web', body: { n: 2 } } });
    expect(got).toEqual([{ n: 2 }]);
    expect(s.errors.map(({ error, context }) => [error.message, context])).toEqual([
      [`dropped a frame on ${OWN}: an emitAny message for group api arrived at pid ${PID} of group web`, { event: 'frame.rejected', reason: 'misrouted', channel: OWN, issues: [{ path: '/data/group', keyword: 'const', message: 'is not web' }] }],
      [`dropped a frame on ${OWN}: invalid_data: /data/body/n must be number`, { event: 'frame.rejected', reason: 'invalid_data', channel: OWN, issues: [expect.objectContaining({ path: '/data/body/n', message: 'must be number' })] }],
    ]);
  });

  test('an emitAny message with no onGroup handler is reported as CLUSTR_NO_HANDLER', async () => {
    const s = setup();
    await s.connect();
    s.receive(OWN, { kind: 'any', data: { group: 'web', body: 1 } });
    expect(s.errors.map(({ error, context }) => [(error as ClustrError).code, error.message, context])).toEqual([
      ['CLUSTR_NO_HANDLER', 'an emitAny message for group web from pid 7 was dropped: this process has no onGroup handler.', { event: 'any.unhandled', from: 7 }],
    ]);
  });

  test('frames missing from a sequence are reported: one frame, and several', async () => {
    const s = setup();
    await s.connect();
    s.proc.onPrivate(() => undefined);
    s.receive(OWN, { kind: 'private', data: 1, seq: 1 });
    s.receive(OWN, { kind: 'private', data: 3, seq: 3 });
    s.receive(OWN, { kind: 'private', data: 6, seq: 6 });
    expect(s.errors.map(({ error, context }) => [(error as ClustrError).code, error.message, context])).toEqual([
      ['CLUSTR_FRAMES_MISSED', `1 frame from pid 7 on ${OWN} never arrived (a gap in its sequence numbers).`, { event: 'frames.missed', from: 7, channel: OWN, missed: 1 }],
      ['CLUSTR_FRAMES_MISSED', `2 frames from pid 7 on ${OWN} never arrived (a gap in its sequence numbers).`, { event: 'frames.missed', from: 7, channel: OWN, missed: 2 }],
    ]);
    expect(s.proc.stats.missedFrames).toBe(3);
  });

  test('with a secret: unsigned, badly signed, stale and replayed frames are rejected as CLUSTR_FRAME_REJECTED', async () => {
    const s = setup({ secret: KEY });
    await s.connect();
    const got: unknown[] = [];
    s.proc.onPrivate((m) => got.push(m.data));
    const raw = (data: unknown, ts: number, id: string, seq: number) => JSON.stringify({ v: 2, kind: 'private', id, meta: SENDER, data, ts, seq });
    const now = s.clock.now();
    s.subscriber.emit('message', OWN, raw('unsigned', now, 'u1', 1));
    s.subscriber.emit('message', OWN, createSigner('another-key-0123456789abc').sign(OWN, raw('other key', now, 'k1', 2)));
    s.subscriber.emit('message', OWN, createSigner(KEY).sign(OWN, raw('stale', now - 60_000, 's1', 3)));
    const good = createSigner(KEY).sign(OWN, raw('good', now, 'g1', 4));
    s.subscriber.emit('message', OWN, good);
    s.subscriber.emit('message', OWN, good);
    expect(got).toEqual(['good']);
    expect(s.errors.map(({ error, context }) => [(error as ClustrError).code, context['reason']])).toEqual([
      ['CLUSTR_FRAME_REJECTED', 'unsigned'],
      ['CLUSTR_FRAME_REJECTED', 'bad_signature'],
      ['CLUSTR_FRAME_REJECTED', 'stale'],
      ['CLUSTR_FRAME_REJECTED', 'replayed'],
    ]);
  });

  test('the replay window is 30 s unless set', async () => {
    const s = setup({ secret: KEY, replayWindow: 100_000 });
    await s.connect();
    const got: unknown[] = [];
    s.proc.onPrivate((m) => got.push(m.data));
    s.subscriber.emit('message', OWN, createSigner(KEY).sign(OWN, JSON.stringify({ v: 2, kind: 'private', id: 'old1', meta: SENDER, data: 'old', ts: s.clock.now() - 60_000, seq: 1 })));
    expect(got).toEqual(['old']);
  });

  test('a frame that does not decode is rejected as an invalid frame', async () => {
    const s = setup();
    await s.connect();
    s.subscriber.emit('message', OWN, 'not json');
    expect(reported(s)).toEqual([['CLUSTR_INVALID_FRAME', expect.objectContaining({ event: 'frame.rejected', reason: 'not_json', channel: OWN })]]);
    expect(s.proc.stats.rejectedFrames).toEqual({ not_json: 1 });
  });
});

describe('cluster info', () => {
  test('fetchClusterInfo sends a request to the master once subscribed; the master answer resolves it', async () => {
    const s = setup({}, { env: { CLUSTR_MASTER_PID: '1' } });
    const info = watch(s.proc.fetchClusterInfo());
    await settle();
    expect(s.published()).toEqual([]);
    await s.connect();
    const [request] = s.published(MASTER);
    expect(request).toMatchObject({ kind: 'clusterInfoRequest', data: {}, meta: { pid: PID } });
    // Not from the master, or answering nothing: not the cluster's state.
    s.receive(OWN, { kind: 'clusterInfoReply', data: { web: [9] }, re: request!.id, meta: SENDER });
    s.receive(OWN, { kind: 'clusterInfoReply', data: { web: [10] }, meta: MASTER_META });
    await settle();
    expect(info.state).toBe('pending');
    s.receive(OWN, { kind: 'clusterInfoReply', data: { web: [PID] }, re: request!.id, meta: MASTER_META });
    await settle();
    expect(info).toEqual({ state: 'resolved', value: { web: [PID] } });
  });

  test('without a known master, any answer to the request is taken', async () => {
    const s = setup();
    await s.connect();
    const info = watch(s.proc.fetchClusterInfo());
    await settle();
    s.receive(OWN, { kind: 'clusterInfoReply', data: { web: [3] }, re: s.published(MASTER)[0]!.id, meta: SENDER });
    await settle();
    expect(info).toEqual({ state: 'resolved', value: { web: [3] } });
  });

  test('no answer: CLUSTR_CLUSTER_INFO_TIMEOUT after clusterInfoTimeout (default 5 s)', async () => {
    const s = setup();
    await s.connect();
    const info = watch(s.proc.fetchClusterInfo());
    s.clock.advance(4_999);
    await settle();
    expect(info.state).toBe('pending');
    s.clock.advance(1);
    await settle();
    expect(info.error).toMatchObject({
      code: 'CLUSTR_CLUSTER_INFO_TIMEOUT',
      message: 'the master did not answer a cluster-info request within 5000 ms. Check that the master is running in namespace "clustr" on Redis at redis://127.0.0.1:6379.',
    });
    const custom = setup({ clusterInfoTimeout: 50 });
    await custom.connect();
    const short = watch(custom.proc.fetchClusterInfo());
    custom.clock.advance(50);
    await settle();
    expect(short.error.message).toContain('within 50 ms');
  });

  test('Redis away while the request waited: CLUSTR_REDIS_UNAVAILABLE', async () => {
    const s = setup();
    await s.connect();
    const down = watch(s.proc.fetchClusterInfo(100));
    s.publisher.goes('reconnecting');
    s.clock.advance(100);
    await settle();
    expect(down.error.code).toBe('CLUSTR_REDIS_UNAVAILABLE');
    // Down and back up before the deadline: the downtime grew, still unavailable.
    s.publisher.goes('ready');
    await settle();
    const flap = watch(s.proc.fetchClusterInfo(100));
    s.publisher.goes('reconnecting');
    s.clock.advance(10);
    s.publisher.goes('ready');
    await settle();
    s.clock.advance(90);
    await settle();
    expect(flap.error.code).toBe('CLUSTR_REDIS_UNAVAILABLE');
  });

  test('a bad timeout, or a process not running, rejects', async () => {
    const s = setup();
    expect((await rejectionOf(s.proc.fetchClusterInfo(-1))).field).toBe('timeoutMs');
    void s.proc.close(0);
    expect(await rejectionOf(s.proc.fetchClusterInfo())).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'fetchClusterInfo() was called on a process that is stopping.' });
  });

  test('a request that cannot be published rejects with the publish error', async () => {
    const s = setup();
    await s.connect();
    s.publisher.answers = new Error('READONLY');
    const info = watch(s.proc.fetchClusterInfo());
    await settle();
    expect(info.error.message).toContain('READONLY');
    expect(reported(s)).toEqual([[undefined, { event: 'publish', kind: 'clusterInfoRequest', channel: MASTER }]]);
  });

  test('stopping rejects a request still waiting with CLUSTR_CLOSED', async () => {
    const s = setup();
    await s.connect();
    const info = watch(s.proc.fetchClusterInfo());
    await s.proc.close(0);
    expect(info.error).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'the process closed before the master answered.' });
  });

  test('emitClusterInfo calls back with the answer; a failure goes to onError', async () => {
    const s = setup({ clusterInfoTimeout: 10 });
    await s.connect();
    const got: unknown[] = [];
    s.proc.emitClusterInfo((info) => {
      got.push(info);
      throw new Error('callback');
    });
    await settle();
    s.receive(OWN, { kind: 'clusterInfoReply', data: { web: [3] }, re: s.published(MASTER)[0]!.id, meta: SENDER });
    await settle();
    expect(got).toEqual([{ web: [3] }]);
    expect(reported(s)).toEqual([[undefined, { event: 'listener.threw', listener: 'emitClusterInfo' }]]);
    s.proc.emitClusterInfo(() => got.push('never'));
    s.clock.advance(10);
    await settle();
    expect(reported(s)[1]).toEqual(['CLUSTR_CLUSTER_INFO_TIMEOUT', { event: 'clusterInfo' }]);
  });
});

describe('requests and emitAny', () => {
  test('request(method, target, data) and request(target, data) send a request frame to the target', async () => {
    const s = setup();
    await s.connect();
    void s.proc.request('sum', 9, [1, 2]).catch(() => undefined);
    void s.proc.request(9, 'plain').catch(() => undefined);
    await settle();
    expect(s.published(`${NS}:private:9`).map((f) => [f.kind, f.data])).toEqual([
      ['request', { method: 'sum', body: [1, 2], timeout: 5_000 }],
      ['request', { body: 'plain', timeout: 5_000 }],
    ]);
  });

  test('requestTimeout sets how long a request waits by default', async () => {
    const s = setup({ requestTimeout: 70 });
    await s.connect();
    const answer = watch(s.proc.request(9, 1));
    await settle();
    expect(s.published()[0]!.data.timeout).toBe(70);
    s.clock.advance(70);
    await settle();
    expect(answer.error.code).toBe('CLUSTR_REQUEST_TIMEOUT');
    const down = setup({ requestTimeout: 70 });
    await down.connect();
    const lost = watch(down.proc.request(9, 1));
    down.publisher.goes('reconnecting');
    down.clock.advance(70);
    await settle();
    expect(lost.error.code).toBe('CLUSTR_REDIS_UNAVAILABLE');
  });

  test('onRequest(handler) answers requests without a method, onRequest(method, handler) those with it', async () => {
    const s = setup();
    await s.connect();
    s.proc.onRequest((request) => `plain ${String(request.data)}`);
    s.proc.onRequest('double', (request) => (request.data as number) * 2);
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 'x' } });
    s.receive(OWN, { kind: 'request', id: 'r2', data: { method: 'double', body: 4 } });
    await settle();
    expect(s.published(`${NS}:private:7`).map((f) => [f.kind, f.re, f.data, f.meta])).toEqual([
      ['reply', 'r1', { ok: true, body: 'plain x' }, s.published()[0]!.meta],
      ['reply', 'r2', { ok: true, body: 8 }, s.published()[0]!.meta],
    ]);
    expect(s.published()[0]!.meta).toEqual({ pid: PID, group: 'web', instance: s.proc.instance });
  });

  test('a handler that throws answers with its message; the stack only with replyErrorStacks', async () => {
    const s = setup();
    await s.connect();
    s.proc.onRequest(() => {
      throw new Error('nope');
    });
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1 } });
    await settle();
    expect(s.published()[0]!.data.error.stack).toBeUndefined();
    const t = setup({ replyErrorStacks: true });
    await t.connect();
    t.proc.onRequest(() => {
      throw new Error('nope');
    });
    t.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1 } });
    await settle();
    expect(t.published()[0]!.data.error.stack).toContain('nope');
  });

  test('a reply to a request resolves it', async () => {
    const s = setup();
    await s.connect();
    const answer = watch(s.proc.request(7, 'q'));
    await settle();
    s.receive(OWN, { kind: 'reply', re: s.published()[0]!.id, data: { ok: true, body: 'a' } });
    await settle();
    expect(answer).toEqual({ state: 'resolved', value: 'a' });
  });

  test('emitAny picks a member from the master view; a worker ignores views from others and its own', async () => {
    const s = setup({}, { env: { CLUSTR_MASTER_PID: '1' } });
    await s.connect();
    s.receive(CONTROL, { kind: 'membership', data: { api: [40] }, meta: MASTER_META });
    s.receive(CONTROL, { kind: 'membership', data: { api: [50] }, meta: SENDER });
    s.receive(CONTROL, { kind: 'membership', data: { api: [51] }, meta: { pid: PID, group: 'web' } });
    await expect(s.proc.emitAny('api', 'job')).resolves.toBe(1);
    expect(s.publisher.sent('publish').map(([channel]) => channel)).toEqual([`${NS}:private:40`]);
    expect(s.published()[0]).toMatchObject({ kind: 'any', data: { group: 'api', body: 'job' } });
  });

  test('a worker without a known master takes any view but its own', async () => {
    const s = setup();
    await s.connect();
    s.receive(CONTROL, { kind: 'membership', data: { api: [50] }, meta: SENDER });
    s.receive(CONTROL, { kind: 'membership', data: { api: [51] }, meta: { pid: PID, group: 'web' } });
    await expect(s.proc.emitAny('api', 'job')).resolves.toBe(1);
    expect(s.publisher.sent('publish').map(([channel]) => channel)).toEqual([`${NS}:private:50`]);
  });

  test('a request during an outage is sent again once Redis is back', async () => {
    const s = setup();
    await s.connect();
    s.receive(CONTROL, { kind: 'membership', data: { api: [50] }, meta: SENDER });
    s.publisher.goes('reconnecting');
    await settle();
    void s.proc.request({ group: 'api' }, 1).catch(() => undefined);
    await settle();
    s.publisher.goes('ready');
    await settle();
    s.clock.advance(1);
    await settle();
    expect(s.publisher.sent('publish').length).toBeGreaterThanOrEqual(1);
  });

  test('stopping: running handlers answer first, own requests are rejected, the private channel is left', async () => {
    const s = setup();
    await s.connect();
    let finish!: (value: string) => void;
    s.proc.onRequest(() => new Promise<string>((resolve) => (finish = resolve)));
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1 } });
    const own = watch(s.proc.request(7, 'q'));
    await settle();
    const closed = watch(s.proc.close(0));
    await settle();
    expect(s.subscriber.sent('unsubscribe')).toEqual([]);
    expect(own.state).toBe('pending');
    finish('late');
    await settle();
    expect(own.error).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'the process closed before the reply came.' });
    expect(s.subscriber.sent('unsubscribe')[0]).toEqual([OWN]);
    expect(s.published(`${NS}:private:7`).filter((f) => f.kind === 'reply')).toHaveLength(1);
    await settle();
    expect(closed.state).toBe('resolved');
  });

  test('a process that never served a request nor took emitAny messages does not leave its channel early', async () => {
    const s = setup();
    await s.connect();
    await s.proc.close(0);
    expect(s.subscriber.sent('unsubscribe')).toEqual([]);
    const g = setup();
    await g.connect();
    g.proc.onGroup(() => undefined);
    await g.proc.close(0);
    expect(g.subscriber.sent('unsubscribe')[0]).toEqual([OWN]);
  });

  test('leaving the private channel waits at most a second', async () => {
    const s = setup();
    await s.connect();
    s.proc.onGroup(() => undefined);
    s.subscriber.answers = 'by hand';
    const closed = watch(s.proc.close(0));
    await settle();
    s.clock.advance(999);
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop']);
    s.clock.advance(1);
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop', 'beforeDisconnect', 'closePending']);
    void closed;
  });

  test('request handlers still running at a kill get killTimeout once more', async () => {
    const s = setup({ killTimeout: 100 });
    await s.connect();
    s.proc.onRequest(() => new Promise(() => undefined));
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1, timeout: 60_000 } });
    await settle();
    void s.proc.stopWith(0, 'test');
    await settle();
    s.clock.advance(99);
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop']);
    s.clock.advance(1);
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop', 'beforeDisconnect', 'closePending']);
  });

  test('a request arriving while stopping is refused', async () => {
    const s = setup({ killTimeout: false });
    await s.connect();
    s.proc.onRequest(() => 'ok');
    s.proc.onKill(() => undefined);
    void s.proc.stopWith(0, 'test');
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1, group: 'web' } });
    await settle();
    expect(s.published()[0]!.data).toEqual({ ok: false, error: { code: 'CLUSTR_CLOSED', message: 'this process is stopping and takes no more requests' } });
  });
});

describe('stopping', () => {
  test('close(): no kill hooks; subclass steps in order; connections quit; state logged; exit with the code', async () => {
    const s = setup();
    await s.connect();
    const hook = jest.fn();
    s.proc.onKill(hook);
    s.proc.dispose(() => s.proc.calls.push('disposer'));
    expect(s.proc.status).toBe('running');
    const closed = s.proc.close(4);
    expect(s.proc.status).toBe('stopping');
    expect(s.proc.code).toBe(4);
    expect(s.proc.calls).toEqual(['beforeStop']);
    await closed;
    expect(hook).not.toHaveBeenCalled();
    expect(s.proc.calls).toEqual(['beforeStop', 'beforeDisconnect', 'closePending', 'disposer']);
    expect(s.proc.status).toBe('closed');
    expect(s.exits).toEqual([4]);
    expect([s.publisher.sent('quit'), s.subscriber.sent('quit')]).toEqual([[[]], [[]]]);
    expect(s.log.events('process.state')).toEqual([
      { event: 'process.state', from: 'running', to: 'stopping', reason: 'close', code: 4 },
      { event: 'process.state', from: 'stopping', to: 'closed', code: 4 },
    ]);
    expect(s.log.records.filter((r) => r.fields.event === 'process.state').map((r) => r.msg)).toEqual(['running -> stopping', 'stopping -> closed']);
    // Closing the connection is no loss of Redis.
    expect(s.log.events('redis.lost')).toEqual([]);
  });

  test('close() exits with 1 by default and checks its code first', async () => {
    const s = setup();
    expect(await rejectionOf(s.proc.close(300))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', message: 'exitCode must be a whole number from 0 to 255; got 300.' });
    expect(s.proc.status).toBe('running');
    await s.proc.close();
    expect(s.exits).toEqual([1]);
  });

  test('a second stop changes nothing: same promise, first code, logged while stopping', async () => {
    const s = setup({ killTimeout: false });
    await s.connect();
    let done!: () => void;
    s.proc.onKill((d) => (done = d));
    const first = s.proc.stopWith(5, 'kill');
    const second = s.proc.close(9);
    expect(second).toBe(first);
    expect(s.log.events('stop.again')).toEqual([{ event: 'stop.again', reason: 'close', code: 9, exitCode: 5 }]);
    expect(s.log.records.find((r) => r.fields.event === 'stop.again')!.msg).toBe('close while stopping changes nothing; exiting with 5');
    await settle();
    done();
    await first;
    expect(s.exits).toEqual([5]);
    expect(s.proc.close(2)).toBe(first);
    expect(s.log.events('stop.again')).toHaveLength(1);
    expect(s.proc.calls.filter((c) => c === 'beforeStop')).toHaveLength(1);
  });

  test('kill hooks run on a stop; the process exits once every hook called done (twice is once)', async () => {
    const s = setup();
    await s.connect();
    const dones: Array<() => void> = [];
    s.proc.onKill((done) => dones.push(done));
    s.proc.onKill((done) => dones.push(done));
    const off = s.proc.onKill(() => s.proc.calls.push('removed hook'));
    off();
    const stopped = watch(s.proc.stopWith(3, 'test'));
    await settle();
    expect(dones).toHaveLength(2);
    dones[0]!();
    dones[0]!();
    await settle();
    expect(stopped.state).toBe('pending');
    dones[1]!();
    await settle();
    expect(stopped.state).toBe('resolved');
    expect(s.exits).toEqual([3]);
    expect(s.proc.calls).not.toContain('removed hook');
    expect(s.log.events('kill.timeout')).toEqual([]);
  });

  test('a hook that throws, or rejects, counts as done', async () => {
    const s = setup();
    await s.connect();
    s.proc.onKill(() => {
      throw new Error('hook threw');
    });
    s.proc.onKill(() => Promise.reject(new Error('hook rejected')) as unknown as void);
    await s.proc.stopWith(2, 'test');
    expect(s.exits).toEqual([2]);
    expect(s.errors.map(({ error, context }) => [error.message, context])).toEqual([
      ['hook threw', { event: 'listener.threw', listener: 'onKill' }],
      ['hook rejected', { event: 'listener.threw', listener: 'onKill' }],
    ]);
  });

  test('hooks that never call done: the process exits after killTimeout (default 10 s), with a warning', async () => {
    const s = setup();
    await s.connect();
    s.proc.onKill(() => undefined);
    const stopped = watch(s.proc.stopWith(6, 'test'));
    await settle();
    s.clock.advance(9_999);
    await settle();
    expect(stopped.state).toBe('pending');
    s.clock.advance(1);
    await settle();
    expect(stopped.state).toBe('resolved');
    expect(s.log.events('kill.timeout')).toEqual([{ event: 'kill.timeout', timeoutMs: 10_000 }]);
    expect(s.log.records.find((r) => r.fields.event === 'kill.timeout')).toMatchObject({ level: 'warn', msg: 'onKill did not call done() within 10000 ms; exiting anyway' });
  });

  test('hooks done in time: their timer is cleared', async () => {
    const s = setup({ killTimeout: 100 });
    await s.connect();
    s.proc.onKill((done) => done());
    await s.proc.stopWith(0, 'test');
    expect(s.clock.pending).toBe(0);
    expect(s.log.events('kill.timeout')).toEqual([]);
  });

  test('killTimeout false waits for done() however long it takes', async () => {
    const s = setup({ killTimeout: false });
    await s.connect();
    let done!: () => void;
    s.proc.onKill((d) => (done = d));
    const stopped = watch(s.proc.stopWith(0, 'test'));
    await settle();
    s.clock.advance(10_000_000);
    await settle();
    expect(stopped.state).toBe('pending');
    done();
    await settle();
    expect(stopped.state).toBe('resolved');
  });

  test('a failing subclass step is reported; the stop goes on', async () => {
    const s = setup();
    await s.connect();
    s.proc.failDisconnect = new Error('deregister failed');
    await s.proc.close(0);
    expect(s.errors).toEqual([{ error: s.proc.failDisconnect, context: { event: 'shutdown' } }]);
    expect(s.exits).toEqual([0]);
  });

  test('stopping ends listeners, the connect timer and the heartbeat', async () => {
    const s = setup({ heartbeatInterval: 100 });
    await s.connect();
    const got: unknown[] = [];
    s.proc.onPrivate((m) => got.push(m.data));
    s.proc.beat(PID);
    await s.proc.close(0);
    s.receive(OWN, { kind: 'private', data: 1 });
    const before = s.publisher.sent('publish').length;
    s.clock.advance(1_000);
    await settle();
    expect(got).toEqual([]);
    expect(s.publisher.sent('publish').length).toBe(before);
    expect(s.clock.pending).toBe(0);
  });

  test('log records held back by the limiter are summarized when the process stops', async () => {
    const s = setup();
    for (let i = 0; i < 12; i++) s.proc.tell(new Error(`e${i}`));
    expect(s.log.events('test.report')).toHaveLength(10);
    await s.proc.close(0);
    expect(s.log.events('log.suppressed')).toEqual([expect.objectContaining({ of: 'test.report', count: 2 })]);
  });

  test('stopNow ends a stop under way at once: children SIGKILLed, disposers run, exit with the first code', async () => {
    const s = setup({ killTimeout: false });
    await s.connect();
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    s.proc.dispose(() => s.proc.calls.push('disposer'));
    s.proc.onKill(() => undefined);
    s.proc.force('SIGTERM');
    expect(s.exits).toEqual([]);
    void s.proc.stopWith(8, 'test');
    await settle();
    for (let i = 0; i < 12; i++) s.proc.tell(new Error(`e${i}`));
    s.proc.force('SIGINT');
    expect(s.exits).toEqual([8]);
    expect(s.proc.status).toBe('closed');
    expect(s.proc.calls).toContain('disposer');
    expect(s.log.events('signal.force')).toEqual([{ event: 'signal.force', signal: 'SIGINT', children: [500], code: 8 }]);
    expect(s.log.records.find((r) => r.fields.event === 'signal.force')).toMatchObject({ level: 'warn', msg: 'received SIGINT while stopping; killed 1 children, exiting now' });
    expect(s.log.events('process.state')[1]).toEqual({ event: 'process.state', from: 'stopping', to: 'closed', code: 8, forced: true });
    expect(s.log.events('log.suppressed')).toEqual([expect.objectContaining({ of: 'test.report', count: 2 })]);
    // The stop that was waiting does nothing more.
    await settle();
    s.clock.advance(60_000);
    await settle();
    expect(s.exits).toEqual([8]);
    expect(s.proc.calls.filter((c) => c === 'disposer')).toHaveLength(1);
    // The child killed exited after the process closed: no deregistration is sent for it.
    expect(s.published(MASTER)).toEqual([]);
  });

  test('stopNow while children are being stopped, or while requests drain: nothing more after', async () => {
    const s = setup({ stopTimeout: 1_000 }, { stubborn: true });
    await s.connect();
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    const own = watch(s.proc.request(7, 'q'));
    // The child ignores SIGTERM: kill() is answered, but no exit comes.
    const stopped = watch(s.proc.stopWith(3, 'test'));
    await settle();
    s.proc.force('SIGTERM');
    await settle();
    expect(s.exits).toEqual([3]);
    expect(s.proc.calls).toEqual(['beforeStop']);
    // Nothing of the rest of the stop ran: its own requests were not rejected.
    expect(own.state).toBe('pending');
    void stopped;
  });

  test('stopNow while request handlers drain: no deregistration after', async () => {
    const s = setup({ killTimeout: 100 });
    await s.connect();
    s.proc.onRequest(() => new Promise(() => undefined));
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1, timeout: 60_000 } });
    await settle();
    void s.proc.close(3);
    await settle();
    s.proc.force('SIGTERM');
    s.clock.advance(1_000);
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop']);
    expect(s.exits).toEqual([3]);
  });

  test('stopNow while connections close: no second exit', async () => {
    const s = setup();
    await s.connect();
    s.publisher.answers = 'by hand';
    s.subscriber.answers = 'by hand';
    void s.proc.close(3);
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop', 'beforeDisconnect', 'closePending']);
    const closing = watch(s.proc.close(3));
    s.proc.force('SIGTERM');
    s.clock.advance(10_000);
    await settle();
    expect(s.exits).toEqual([3]);
    expect(closing.state).toBe('resolved');
  });

  test('stopNow during the subclass step: no more steps', async () => {
    const s = setup();
    await s.connect();
    s.proc.failDisconnect = undefined;
    const original = s.proc.calls;
    let release!: () => void;
    (s.proc as unknown as { beforeDisconnect: () => Promise<void> }).beforeDisconnect = () => {
      original.push('beforeDisconnect');
      return new Promise<void>((resolve) => (release = resolve));
    };
    void s.proc.close(3);
    await settle();
    s.proc.force('SIGTERM');
    release();
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop', 'beforeDisconnect']);
    expect(s.exits).toEqual([3]);
  });

  test('state changes are checked: a process cannot go back to running or skip stopping', () => {
    const s = setup();
    expect(() => s.proc.move('closed')).toThrow('clustr internal error: process state running -> closed is not a valid transition');
    expect(() => s.proc.move('running')).toThrow('clustr internal error: process state running -> running is not a valid transition');
    s.proc.move('stopping');
    expect(() => s.proc.move('running')).toThrow('clustr internal error: process state stopping -> running is not a valid transition');
    s.proc.move('closed');
    expect(() => s.proc.move('stopping')).toThrow('clustr internal error: process state closed -> stopping is not a valid transition');
  });
});

describe('errors', () => {
  test('every onError hook gets each error with its context; a hook that throws is logged and the others still run', () => {
    const s = setup();
    const seen: string[] = [];
    s.proc.onError(() => {
      throw new Error('hook broke');
    });
    const off = s.proc.onError((error, context) => seen.push(`${error.message} ${context.event}`));
    s.proc.tell(new Error('one'));
    off();
    s.proc.tell(new Error('two'));
    expect(seen).toEqual(['one test.report']);
    expect(s.errors.map(({ error }) => error.message)).toEqual(['one', 'two']);
    expect(s.log.records.filter((r) => r.fields.event === 'onError.threw').map((r) => [r.level, r.msg, (r.fields['error'] as Error).message])).toEqual([
      ['error', 'an onError handler threw', 'hook broke'],
      ['error', 'an onError handler threw', 'hook broke'],
    ]);
    expect(s.log.records.filter((r) => r.fields.event === 'test.report').map((r) => [r.level, r.msg, r.fields['error']])).toEqual([
      ['error', 'one', expect.any(Error)],
      ['error', 'two', expect.any(Error)],
    ]);
  });

  test('a hook that adds another hook: the new one waits for the next error', () => {
    const s = setup();
    const seen: string[] = [];
    s.proc.onError(() => {
      s.proc.onError((error) => seen.push(error.message));
    });
    s.proc.tell(new Error('first'));
    expect(seen).toEqual([]);
  });

  test('a subscription Redis refuses is reported with its channels', async () => {
    const s = setup();
    await s.connect();
    s.subscriber.answers = new Error('NOPERM no permissions to access the channel');
    s.proc.onPublic(() => undefined);
    await settle();
    expect(reported(s)).toEqual([['CLUSTR_TRANSPORT', { event: 'subscribe', channels: [PUBLIC] }]]);
    // Whoever waits on the subscriptions sees it.
    expect((await rejectionOf(s.proc.connected())).code).toBe('CLUSTR_TRANSPORT');
  });

  test('a subscription cut off by close is not reported', async () => {
    const s = setup();
    await s.connect();
    s.subscriber.answers = 'by hand';
    s.proc.onPublic(() => undefined);
    await settle();
    s.subscriber.answers = 'at once';
    await s.proc.close(0);
    s.subscriber.last('subscribe').reject(new Error('Connection is closed.'));
    await settle();
    expect(s.errors).toEqual([]);
  });

  test('a resubscription Redis refuses after a reconnect is reported like a Redis error', async () => {
    const s = setup();
    await s.connect();
    s.subscriber.goes('reconnecting');
    await settle();
    s.subscriber.answers = new Error('NOPERM channel');
    s.subscriber.goes('ready');
    await settle();
    expect(s.log.records.filter((r) => r.fields.event === 'redis.error').map((r) => r.msg)).toEqual([expect.stringContaining('NOPERM')]);
  });
});

describe('children', () => {
  test('a spawned child gets the cluster environment: master, parent, namespace, Redis, secret, heartbeat', async () => {
    const s = setup({ secret: KEY, heartbeatInterval: 700, heartbeatTimeout: 3_000, redis: 'redis://h:6390' }, { env: { CLUSTR_MASTER_PID: '1' } });
    await s.connect();
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(s.spawned).toHaveLength(1);
    expect(s.spawned[0]!.env).toMatchObject({
      CLUSTR_MASTER_PID: '1',
      CLUSTR_PARENT_PID: String(PID),
      CLUSTR_NAMESPACE: 'clustr',
      CLUSTR_REDIS_URL: 'redis://h:6390',
      CLUSTR_SECRET: KEY,
      CLUSTR_HEARTBEAT_INTERVAL: '700',
      CLUSTR_HEARTBEAT_TIMEOUT: '3000',
    });
    const plain = setup();
    await plain.connect();
    plain.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(plain.spawned[0]!.env['CLUSTR_MASTER_PID']).toBe('');
    expect(plain.spawned[0]!.env['CLUSTR_SECRET']).toBeUndefined();
  });

  test('children start once the subscriptions are confirmed; they inherit the cluster args', async () => {
    const s = setup({}, { argv: ['--cluster-verbose', '--port=1'] });
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(s.spawned).toHaveLength(0);
    await s.connect();
    expect(s.spawned).toHaveLength(1);
    expect(s.spawned[0]!.args).toContain('--cluster-verbose=true');
    expect(s.spawned[0]!.args).not.toContain('--port=1');
  });

  test('children start even when a subscription failed', async () => {
    const s = setup();
    await s.connect();
    s.subscriber.answers = new Error('NOPERM');
    s.proc.onPublic(() => undefined);
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(reported(s)).toEqual([['CLUSTR_TRANSPORT', { event: 'subscribe', channels: [PUBLIC] }]]);
    expect(s.spawned).toHaveLength(1);
  });

  test('a child that exits is deregistered with the master; not once the process is closed', async () => {
    const s = setup();
    await s.connect();
    s.proc.spawn([{ file: 'w.js' }, { file: 'v.js' }]);
    await settle();
    s.ends[0]!({ code: 1, signal: null });
    await settle();
    expect(s.published(MASTER)).toEqual([expect.objectContaining({ kind: 'deregister', data: { pid: 500 } })]);
  });

  test('setSecret replaces the keys: children spawned from then on get the new list; the next frame is signed with the first', async () => {
    const s = setup({ secret: KEY });
    await s.connect();
    const next = 'the-next-key-0123456789abc';
    s.proc.setSecret([next, KEY]);
    expect(s.log.events('secret.replaced')).toEqual([{ event: 'secret.replaced', keys: 2 }]);
    expect(s.log.records.find((r) => r.fields.event === 'secret.replaced')!.msg).toBe('signing keys replaced: 2 verify, the first signs');
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    expect(s.spawned[0]!.env['CLUSTR_SECRET']).toBe(JSON.stringify([next, KEY]));
  });

  test('setSecret: a bad key or a process without a secret is refused; a stopped process too', async () => {
    const s = setup({ secret: KEY });
    expect(thrownClustrError(() => s.proc.setSecret('short'))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'secret' });
    expect(thrownClustrError(() => s.proc.setSecret(5 as never))).toMatchObject({ code: 'CLUSTR_INVALID_ARGUMENT', field: 'secret' });
    const none = setup();
    expect(thrownClustrError(() => none.proc.setSecret(KEY))).toMatchObject({
      code: 'CLUSTR_INVALID_ARGUMENT',
      field: 'secret',
      message: 'setSecret() needs a process started with a secret (the secret option or CLUSTR_SECRET): signing cannot be switched on while the cluster runs, as processes without the key would drop every frame.',
    });
    void s.proc.close(0);
    expect(thrownClustrError(() => s.proc.setSecret(KEY))).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'setSecret() was called on a process that is stopping.' });
  });
});

describe('heartbeats', () => {
  test('sent to the master channel, and to the parent when it is not the master; with restarts from the environment', async () => {
    const s = setup({ heartbeatInterval: 100 }, { env: { CLUSTR_MASTER_PID: '1', CLUSTR_RESTARTS: '3' } });
    await s.connect();
    s.proc.beat(50);
    s.clock.advance(100);
    await settle();
    const beats = s.publisher.sent('publish').map(([channel, text]) => [channel, (JSON.parse(text!) as Frame).kind]);
    expect(beats.slice(0, 2)).toEqual([
      [MASTER, 'heartbeat'],
      [`${NS}:private:50`, 'heartbeat'],
    ]);
    expect(s.published(MASTER)[0]!.data).toMatchObject({ parentPid: 50, restarts: 3, interval: 100 });
  });

  test('to the master only when the parent is the master; restarts 0 unless a positive whole number', async () => {
    for (const restarts of ['0', '-2', '1.5', 'x']) {
      const s = setup({ heartbeatInterval: 100 }, { env: { CLUSTR_MASTER_PID: '1', CLUSTR_RESTARTS: restarts } });
      await s.connect();
      s.proc.beat(1);
      s.clock.advance(100);
      await settle();
      expect(s.publisher.sent('publish').map(([channel]) => channel)).toEqual([MASTER, MASTER]);
      expect(s.published(MASTER)[0]!.data.restarts).toBe(0);
    }
  });

  test('no heartbeat is sent while Redis is away', async () => {
    const s = setup({ heartbeatInterval: 100 }, { env: { CLUSTR_MASTER_PID: '1' } });
    await s.connect();
    s.publisher.goes('reconnecting');
    await settle();
    s.proc.beat(1);
    s.clock.advance(100);
    await settle();
    expect(s.publisher.sent('publish')).toEqual([]);
  });

  test('a child that stops beating is reported hung by the watchdog', async () => {
    const s = setup({ heartbeatInterval: 100, heartbeatTimeout: 300 });
    await s.connect();
    s.proc.spawn([{ file: 'w.js', watchdog: false }]);
    await settle();
    const hb = { parentPid: PID, host: 'h', startedAt: 1, uptime: 1, interval: 100, rss: 1, heapUsed: 1, heapTotal: 1, cpu: 0, loopP50: 0, loopP99: 0, loopMax: 0, restarts: 0, stats: {} };
    s.receive(OWN, { kind: 'heartbeat', data: hb, meta: { pid: 500, group: 'web' } });
    s.clock.advance(1_000);
    await settle();
    expect(reported(s).map(([code]) => code)).toContain('CLUSTR_PROCESS_HUNG');
  });
});

describe('a master looking for Redis', () => {
  test('a Redis that answers is used as it is', async () => {
    const answers = jest.fn(() => Promise.resolve(true));
    const w = world({ redisServer: { answers, socketPath: () => '/tmp/x.sock', start: () => Promise.reject(new Error('no')) } });
    const proc = new Probe({ platform: w.platform }, 'master', 'master');
    await settle();
    expect(answers).toHaveBeenCalledTimes(1);
    expect(proc.config['redis']).toBe('redis://127.0.0.1:6379');
    expect(w.targets).toEqual(['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379']);
    for (const client of w.clients) client.goes('ready');
    await settle();
    const closed = watch(proc.close(0));
    await settle();
    expect(closed.state).toBe('resolved');
    expect(w.exits).toEqual([0]);
  });

  test('none: a private one is started, used, and stopped when the process exits', async () => {
    const stop = jest.fn();
    const w = world({ redisServer: { answers: () => Promise.resolve(false), socketPath: (ns) => `/tmp/${ns}.sock`, start: (socket) => Promise.resolve({ pid: 77, socket, stop }) } });
    const proc = new Probe({ platform: w.platform, coalesce: false }, 'master', 'master');
    await settle();
    expect(proc.config['redis']).toBe('/tmp/clustr.sock');
    expect(w.targets).toEqual(['/tmp/clustr.sock', '/tmp/clustr.sock']);
    const [publisher, subscriber] = w.clients as [StubRedis, StubRedis];
    publisher.goes('ready');
    subscriber.goes('ready');
    await settle();
    expect(stop).not.toHaveBeenCalled();
    await proc.close(0);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  test('stopped before the private Redis was up: it is stopped as soon as it is', async () => {
    const stop = jest.fn();
    let up!: () => void;
    const w = world({ redisServer: { answers: () => Promise.resolve(false), socketPath: () => '/tmp/s.sock', start: (socket) => new Promise((resolve) => (up = () => resolve({ pid: 77, socket, stop }))) } });
    const proc = new Probe({ platform: w.platform }, 'master', 'master');
    await settle();
    await proc.close(0);
    expect(proc.status).toBe('closed');
    up();
    await settle();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  test('a private Redis that cannot start fails the start', async () => {
    const w = world({ redisServer: { answers: () => Promise.resolve(false), socketPath: () => '/tmp/s.sock', start: () => Promise.reject(new ClustrError('CLUSTR_REDIS_SERVER_MISSING', 'no redis-server')) } });
    const log = recordingLogger();
    const proc = new Probe({ platform: w.platform, logger: log }, 'master', 'master');
    await settle();
    await settle();
    expect(w.stderr.at(-1)).toMatch(/^clustr\[master:100\]: /);
    expect(w.exits).toEqual([69]);
    expect(proc.status).toBe('closed');
  });

  test('a master given clients or a Redis does not look', () => {
    const answers = jest.fn(() => Promise.resolve(true));
    const server = { answers, socketPath: () => '/tmp/x.sock', start: () => Promise.reject(new Error('no')) };
    setup({ redis: 'redis://h:1' }, { role: 'master', group: 'master', redisServer: server });
    const w = world({ redisServer: server });
    new Probe({ platform: w.platform, publisher: new StubRedis(), subscriber: new StubRedis() as RedisLike }, 'master', 'master');
    setup({}, { role: 'worker', redisServer: server });
    expect(answers).not.toHaveBeenCalled();
  });
});

describe('more of the stop', () => {
  test('a kill frame runs the kill hooks, and is logged as the reason', async () => {
    const s = setup();
    await s.connect();
    const hook = jest.fn((done: () => void) => done());
    s.proc.onKill(hook);
    s.receive(OWN, { kind: 'kill', data: { pid: PID, code: 0 } });
    await settle();
    expect(hook).toHaveBeenCalledTimes(1);
    expect(s.exits).toEqual([0]);
    expect(s.log.records.find((r) => r.fields.event === 'kill.received')!.msg).toBe('kill requested');
    expect(s.log.events('process.state')[0]).toEqual({ event: 'process.state', from: 'running', to: 'stopping', reason: 'kill', code: 0 });
  });

  test('stopNow while the kill hooks run: their done() later starts nothing', async () => {
    const s = setup({ killTimeout: false });
    await s.connect();
    let done!: () => void;
    s.proc.onKill((d) => (done = d));
    const own = watch(s.proc.request(7, 'q'));
    void s.proc.stopWith(4, 'test');
    await settle();
    s.proc.force('SIGTERM');
    done();
    await settle();
    expect(s.exits).toEqual([4]);
    expect(own.state).toBe('pending');
    expect(s.proc.calls).toEqual(['beforeStop']);
  });

  test('a send cut off by close while it waited for Redis is reported', async () => {
    const s = setup();
    const sent = watch(s.proc.emitPublic(1));
    await s.proc.close(0);
    expect(sent.error.code).toBe('CLUSTR_CLOSED');
    expect(reported(s)).toEqual([['CLUSTR_CLOSED', { event: 'publish', kind: 'public' }]]);
  });
});

describe('more of requests', () => {
  test('requests are traced at debug level to a logger given', async () => {
    const s = setup();
    await s.connect();
    void s.proc.request(9, 1).catch(() => undefined);
    await settle();
    expect(s.log.events('request.sent')).toEqual([expect.objectContaining({ event: 'request.sent', target: 9 })]);
  });

  test('a worker asks the master for the view when it sends a request without one; a master uses its own', async () => {
    const w = setup();
    await w.connect();
    void w.proc.request(9, 1).catch(() => undefined);
    await settle();
    expect(w.published(MASTER).map((f) => f.kind)).toEqual(['clusterInfoRequest']);
    const m = setup({ redis: 'redis://h:1' }, { role: 'master', group: 'master' });
    await m.connect();
    void m.proc.request(9, 1).catch(() => undefined);
    await settle();
    expect(m.published(MASTER)).toEqual([]);
  });

  test('request and emitAny after a stop begins reject with CLUSTR_CLOSED', async () => {
    const s = setup();
    void s.proc.close(0);
    expect(await rejectionOf(s.proc.request(9, 1))).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'request() was called on a process that is stopping.' });
    expect(await rejectionOf(s.proc.emitAny('api', 1))).toMatchObject({ code: 'CLUSTR_CLOSED', message: 'emitAny() was called on a process that is stopping.' });
  });

  test('an emitAny that finds no member is reported', async () => {
    const s = setup({}, { env: { CLUSTR_MASTER_PID: '1' } });
    await s.connect();
    s.receive(CONTROL, { kind: 'membership', data: { web: [PID] }, meta: MASTER_META });
    const error = await rejectionOf(s.proc.emitAny('api', 'job'));
    expect(error.code).toBe('CLUSTR_NO_MEMBER');
    expect(s.errors).toEqual([{ error, context: { event: 'any.failed', group: 'api' } }]);
  });

  test('a request sent before Redis was ever there times out as CLUSTR_REDIS_UNAVAILABLE; so does a cluster-info request', async () => {
    const s = setup({ requestTimeout: 70 });
    const answer = watch(s.proc.request(9, 1));
    const info = watch(s.proc.fetchClusterInfo(70));
    s.clock.advance(70);
    await settle();
    expect(answer.error.code).toBe('CLUSTR_REDIS_UNAVAILABLE');
    expect(info.error.code).toBe('CLUSTR_REDIS_UNAVAILABLE');
  });

  test('Redis lost and back before a request times out: CLUSTR_REDIS_UNAVAILABLE', async () => {
    const s = setup({ requestTimeout: 100 });
    await s.connect();
    const answer = watch(s.proc.request(9, 1));
    await settle();
    s.publisher.goes('reconnecting');
    s.clock.advance(10);
    s.publisher.goes('ready');
    await settle();
    s.clock.advance(90);
    await settle();
    expect(answer.error.code).toBe('CLUSTR_REDIS_UNAVAILABLE');
  });

  test('a request is sent again after Redis comes back, and the view asked for anew; not at the first connection', async () => {
    const s = setup({}, { env: { CLUSTR_MASTER_PID: '1' } });
    void s.proc.request(9, 1).catch(() => undefined);
    await s.connect();
    expect(s.published(`${NS}:private:9`)).toHaveLength(1);
    s.receive(CONTROL, { kind: 'membership', data: { api: [9] }, meta: MASTER_META });
    const before = s.published(MASTER).map((f) => f.id as string);
    s.publisher.goes('reconnecting');
    await settle();
    s.publisher.goes('ready');
    await settle();
    const resent = s.published(`${NS}:private:9`);
    expect(resent).toHaveLength(2);
    expect(resent[1]!.id).toBe(resent[0]!.id);
    // The request still waiting is sent again, and a new one asks for the view.
    const after = s.published(MASTER).slice(before.length);
    expect(after.map((f) => f.kind)).toEqual(['clusterInfoRequest', 'clusterInfoRequest']);
    expect(after.filter((f) => !before.includes(f.id as string))).toHaveLength(1);
  });

  test('while running, a request picked from the group is answered', async () => {
    const s = setup();
    await s.connect();
    s.proc.onRequest(() => 'yes');
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1, group: 'web' } });
    await settle();
    expect(s.published()[0]!.data).toEqual({ ok: true, body: 'yes' });
  });

  test('with killTimeout false, request handlers still running are waited for however long', async () => {
    const s = setup({ killTimeout: false });
    await s.connect();
    s.proc.onRequest(() => new Promise(() => undefined));
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1, timeout: 2 ** 31 - 1 } });
    await settle();
    void s.proc.close(0);
    await settle();
    s.clock.advance(10_000_000);
    await settle();
    expect(s.proc.calls).toEqual(['beforeStop']);
  });

  test('a reply that fails the reply schema is reported', async () => {
    const s = setup({ messages: { reply: { type: 'number' } } as never });
    await s.connect();
    s.proc.onRequest(() => 'text' as never);
    s.receive(OWN, { kind: 'request', id: 'r1', data: { body: 1 } });
    await settle();
    expect(reported(s)).toEqual([['CLUSTR_INVALID_REPLY', { event: 'request.reply', requestId: 'r1' }]]);
  });
});

describe('more of children', () => {
  test('the base class hands children no descriptors; a subclass that does tells them the listen mode', async () => {
    const s = setup();
    await s.connect();
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    s.proc.fds = [7];
    s.proc.spawn([{ file: 'v.js' }]);
    await settle();
    expect(s.spawned.map((spec) => [spec.inheritFds, spec.env['CLUSTR_LISTEN_FD'], spec.env['CLUSTR_LISTEN_MODE']])).toEqual([
      [[], undefined, undefined],
      [[7], '4', 'shared'],
    ]);
  });

  test('a removed child listener hears of no more children', async () => {
    const s = setup({ restart: { initialDelay: 10 } });
    await s.connect();
    const spawns: number[] = [];
    const kept: number[] = [];
    const off = s.proc.onChildSpawn((child) => spawns.push(child.pid));
    s.proc.onChildSpawn((child) => kept.push(child.pid));
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    off();
    s.ends[0]!({ code: 1, signal: null });
    await settle();
    s.clock.advance(10);
    await settle();
    expect(kept).toEqual([500, 501]);
    expect(spawns).toEqual([500]);
  });

  test('a child given up on is reported under the listener name when its listener throws', async () => {
    const s = setup({ restart: { maxRestarts: 0 } });
    await s.connect();
    const spawns: number[] = [];
    const off = s.proc.onChildSpawn((child) => spawns.push(child.pid));
    s.proc.onChildGaveUp(() => {
      throw new Error('gave up listener');
    });
    s.proc.spawn([{ file: 'w.js' }]);
    await settle();
    off();
    s.ends[0]!({ code: 1, signal: null });
    await settle();
    s.clock.advance(60_000);
    await settle();
    expect(spawns).toEqual([500]);
    expect(reported(s)).toContainEqual([undefined, { event: 'listener.threw', listener: 'onChildGaveUp' }]);
  });
});

describe('more of the master looking for Redis', () => {
  test('a private Redis another master started is joined, and said so on stderr', async () => {
    const w = world({ redisServer: { answers: (target) => Promise.resolve(target === '/tmp/clustr.sock'), socketPath: (ns) => `/tmp/${ns}.sock`, start: () => Promise.reject(new Error('not started')) } });
    const proc = new Probe({ platform: w.platform }, 'master', 'master');
    await settle();
    expect(proc.config['redis']).toBe('/tmp/clustr.sock');
    expect(w.stderr).toEqual([expect.stringMatching(/^clustr\[master:100\]: no Redis at redis:\/\/127\.0\.0\.1:6379; using the private Redis/)]);
  });

  test('a master given only a publisher, or only a subscriber, does not look', () => {
    const answers = jest.fn(() => Promise.resolve(true));
    const server = { answers, socketPath: () => '/tmp/x.sock', start: () => Promise.reject(new Error('no')) };
    const w = world({ redisServer: server });
    const publisher = new StubRedis();
    publisher.duplicate = () => new StubRedis();
    new Probe({ platform: w.platform, publisher }, 'master', 'master');
    new Probe({ platform: w.platform, subscriber: new StubRedis() }, 'master', 'master');
    expect(answers).not.toHaveBeenCalled();
  });
});

describe('more of heartbeats', () => {
  test('heartbeats due while Redis is away are skipped, not queued', async () => {
    const s = setup({ heartbeatInterval: 100 }, { env: { CLUSTR_MASTER_PID: '1' } });
    await s.connect();
    s.publisher.goes('reconnecting');
    await settle();
    s.proc.beat(1);
    s.clock.advance(100);
    await settle();
    s.publisher.goes('ready');
    await settle();
    expect(s.publisher.sent('publish')).toEqual([]);
  });
});

describe('more of receiving', () => {
  test('inboundQueue: frames beyond its bound, while handlers are slow, are dropped as overloaded', async () => {
    const s = setup({ inboundQueue: { maxFrames: 1 } });
    await s.connect();
    const got: unknown[] = [];
    s.proc.onPrivate((m) => {
      got.push(m.data);
      s.clock.advance(1_000);
    });
    s.receive(OWN, { kind: 'private', data: 1 });
    s.receive(OWN, { kind: 'private', data: 2 });
    s.receive(OWN, { kind: 'private', data: 3 });
    s.receive(OWN, { kind: 'private', data: 4 });
    await settle();
    expect(s.proc.stats.rejectedFrames['overloaded']).toBeGreaterThanOrEqual(1);
  });

  test('the default frame size leaves room for what is appended as a frame leaves: a signed frame emit accepts fits in 1 MiB', async () => {
    const s = setup({ secret: KEY });
    await s.connect();
    let low = 1_040_000;
    let high = 1_048_576;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const ok = await s.proc.emitPublic('x'.repeat(mid)).then(
        () => true,
        () => false,
      );
      if (ok) low = mid;
      else high = mid - 1;
    }
    const sent = s.publisher.sent('publish').map(([, text]) => Buffer.byteLength(text!));
    expect(Math.max(...sent)).toBeLessThanOrEqual(1_048_576);
  });
});

describe('more of children and listeners', () => {
  test('a child the OS gave no pid is not deregistered when it ends', async () => {
    const s = setup({}, { firstPid: 0 });
    await s.connect();
    s.proc.spawn([{ file: 'w.js', respawn: false }]);
    await settle();
    s.ends[0]!({ code: 1, signal: null });
    await settle();
    expect(s.published(MASTER)).toEqual([]);
  });

  test('an onGroup handler that throws on an emitAny message is reported under onGroup', async () => {
    const s = setup();
    await s.connect();
    s.proc.onGroup(() => {
      throw new Error('any handler');
    });
    s.receive(OWN, { kind: 'any', data: { group: 'web', body: 1 } });
    expect(reported(s)).toEqual([[undefined, { event: 'listener.threw', listener: 'onGroup' }]]);
  });
});
