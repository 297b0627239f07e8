import { Worker, nodePlatform, type ClusterInfo, type Logger, type Message, type Platform, type RedisTarget } from '../../src';
import { isAlive, runFixture, waitGone, type FixtureEvent, type RunningFixture } from './harness';
import { watchNamespace } from './signed-run';

/** Names of the processes msg-master.js starts by default: two `web`, one `jobs`, a `jobs` parent and its `web` child `gc`. */
export const TREE_NAMES = ['w1', 'w2', 'j1', 'p', 'gc'] as const;

/** A running cluster of msg-* fixtures: its master's output and the pid of every process by name. */
export interface Tree {
  readonly fixture: RunningFixture;
  readonly namespace: string;
  /** `master` plus every name that reported `ready`. */
  readonly pids: Record<string, number>;
  /** The name a pid reported (the last one wins after a respawn). */
  nameOf(pid: number): string;
}

/**
 * Starts msg-master.js (or another master fixture that reports `started` the same way) and resolves once the master's direct children have all
 * registered (`started`) and every name in `names` reported `ready`.
 */
export async function startTree(options: { namespace: string; names?: readonly string[]; spawn?: unknown[]; env?: Record<string, string>; args?: string[]; master?: string }): Promise<Tree> {
  const env: Record<string, string> = { ...options.env, ...(options.spawn === undefined ? {} : { MSG_SPAWN: JSON.stringify(options.spawn) }) };
  const fixture = runFixture(options.master ?? 'msg-master.js', { namespace: options.namespace, env, ...(options.args === undefined ? {} : { args: options.args }) });
  const names = options.names ?? TREE_NAMES;
  const started = await fixture.waitFor((e) => e.ev === 'started', 'the master to report its cluster started');
  if (started.pid !== fixture.pid || started['namespace'] !== options.namespace) {
    throw new Error(`unexpected started event ${JSON.stringify(started)} from master ${fixture.pid}`);
  }
  const ready = await Promise.all(names.map((name) => fixture.waitFor((e) => e.ev === 'ready' && e['name'] === name, `${name} to be ready`)));
  const pids: Record<string, number> = { master: fixture.pid };
  ready.forEach((event, i) => (pids[names[i]!] = event.pid));
  return {
    fixture,
    namespace: options.namespace,
    pids,
    nameOf(pid) {
      if (pid === fixture.pid) return 'master';
      const named = fixture.events.filter((e) => e.pid === pid && typeof e['name'] === 'string');
      return named.length === 0 ? `pid ${pid}` : String(named[named.length - 1]!['name']);
    },
  };
}

const controllers = new Set<Worker>();

/**
 * A Worker inside the jest process that drives fixtures with private command
 * messages. It never calls emitReady(), so cluster info never lists it; its
 * platform never exits, traps signals or watches the jest process's parent.
 */
export function createController(namespace: string, options: { secret?: string | string[]; group?: string; redis?: RedisTarget; logger?: Logger } = {}): Worker {
  const platform: Platform = {
    ...nodePlatform(),
    argv: [],
    exit: () => undefined,
    onSignal: () => () => undefined,
    watchParent: () => () => undefined,
  };
  watchNamespace(namespace);
  const controller = Worker.create({
    group: options.group ?? 'ctl',
    namespace,
    platform,
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.redis === undefined ? {} : { redis: options.redis }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  controllers.add(controller);
  return controller;
}

/** Closes every controller (idempotent); call from afterEach. */
export async function closeControllers(): Promise<void> {
  const all = [...controllers];
  controllers.clear();
  await Promise.all(all.map((controller) => controller.close(0)));
}

let nextSeq = 1;

/**
 * Sends `{ cmd, seq, ...fields }` privately to `pid` and resolves with its ack.
 * Rejects when the command did not reach exactly one subscriber or failed.
 */
export async function command(controller: Worker, tree: Tree, pid: number, cmd: string, fields: Record<string, unknown> = {}): Promise<FixtureEvent> {
  const seq = nextSeq++;
  const receivers = await controller.emitPrivate(pid, { ...fields, cmd, seq });
  if (receivers !== 1) throw new Error(`command ${cmd} to ${tree.nameOf(pid)} reached ${receivers} subscribers, not 1`);
  const ack = await tree.fixture.waitFor((e) => e.ev === 'ack' && e['seq'] === seq && e.pid === pid, `ack of ${cmd} #${seq} from ${tree.nameOf(pid)}`);
  if (typeof ack['error'] === 'string') throw new Error(`${cmd} failed in ${tree.nameOf(pid)}: ${ack['error']}`);
  return ack;
}

/** Makes process `pid` call emit<Kind>(...args); resolves to the number of subscribers Redis delivered it to. */
export async function emitFrom(controller: Worker, tree: Tree, pid: number, kind: 'public' | 'private' | 'group' | 'confirmation' | 'kill', ...args: unknown[]): Promise<number> {
  const ack = await command(controller, tree, pid, 'emit', { kind, args });
  return ack['n'] as number;
}

/**
 * Publishes a public barrier from the controller and waits until every process
 * in `pids` and the controller itself received it. Redis delivers a subscriber's
 * messages in the order it processed the publishes, so once a process has the
 * barrier it has every message published before it: what it has not received by
 * then, it never will.
 */
export async function barrier(controller: Worker, tree: Tree, pids: number[]): Promise<void> {
  const token = `barrier-${nextSeq++}`;
  const own = new Promise<void>((resolve) => {
    const off = controller.onPublic((message) => {
      if (isRecord(message.data) && message.data['barrier'] === token) {
        off();
        resolve();
      }
    });
  });
  await controller.emitPublic({ barrier: token });
  await Promise.all([
    own,
    ...pids.map((pid) => tree.fixture.waitFor((e) => e.ev === 'recv' && e.pid === pid && isRecord(e['data']) && e['data']['barrier'] === token, `${tree.nameOf(pid)} to get ${token}`)),
  ]);
}

/** Tagged messages process `pid` reported receiving, in order, as `kind tag <- sender name`. */
export function received(tree: Tree, pid: number): string[] {
  return tree.fixture.events
    .filter((e) => e.ev === 'recv' && e.pid === pid && isRecord(e['data']) && typeof e['data']['tag'] === 'string')
    .map((e) => `${String(e['kind'])} ${String((e['data'] as Record<string, unknown>)['tag'])} <- ${tree.nameOf(e['from'] as number)}`);
}

/** Records the tagged messages a controller receives, in the same form as received(). */
export function recordReceived(controller: Worker, tree: Tree): string[] {
  const seen: string[] = [];
  const record = (kind: string) => (message: Message<unknown>) => {
    if (isRecord(message.data) && typeof message.data['tag'] === 'string') seen.push(`${kind} ${message.data['tag']} <- ${tree.nameOf(message.meta.pid)}`);
  };
  controller.onPublic(record('public'));
  controller.onPrivate(record('private'));
  controller.onGroup(record('group'));
  return seen;
}

/** Cluster info with every pid list sorted, so it compares regardless of registration order. */
export function sortedInfo(info: unknown): Record<string, number[]> {
  return Object.fromEntries(Object.entries(info as ClusterInfo).map(([group, pids]) => [group, [...pids].sort((a, b) => a - b)]));
}

/** Every pid any event of the tree named: the processes this test started, respawns included. */
export function allPids(tree: Tree): number[] {
  return [...new Set(tree.fixture.events.map((e) => e.pid))];
}

/** Waits until every pid is gone, then asserts it. */
export async function expectAllGone(pids: number[]): Promise<void> {
  await Promise.all(pids.map((pid) => waitGone(pid)));
  const alive = pids.filter(isAlive);
  if (alive.length > 0) throw new Error(`still alive: ${alive.join(', ')}`);
}

/** SIGTERMs the master, which stops the whole tree and exits 15; resolves once every process of the tree is gone. */
export async function stopTree(tree: Tree): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const pids = allPids(tree);
  process.kill(tree.fixture.pid, 'SIGTERM');
  const exit = await tree.fixture.exited;
  await expectAllGone(pids);
  return exit;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
