/**
 * What every child process of the bench shares. Deliberately free of @clustr
 * imports, and ioredis is loaded only by redis(): the raw-ioredis baselines must
 * not pay for loading clustr, nor the node:cluster ones for ioredis.
 */
import type { default as Redis, RedisOptions } from 'ioredis';
import type { MessageSchemas, Worker } from '@clustr/runtime';
import type * as Runtime from '@clustr/runtime';

/** A message a child sends to the bench over IPC. */
export interface ChildEvent {
  ev: string;
  [field: string]: unknown;
}

/** Parameters the bench hands to a child (BENCH_PARAMS, JSON). */
export function params<T>(): T {
  return JSON.parse(process.env['BENCH_PARAMS'] ?? '{}') as T;
}

export function send(event: ChildEvent): void {
  process.send?.(event);
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const REDIS_URL = process.env['CLUSTR_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * The one set of client options used on both sides of every comparison: the
 * same as clustr's default clients (node-platform.ts), so clustr gets exactly
 * the client it would create itself and the baseline gets the same.
 */
export const REDIS_OPTIONS: RedisOptions = {
  // BENCH_AUTO_PIPELINING=0 turns it off on both sides, for a look at what auto-pipelining costs.
  enableAutoPipelining: process.env['BENCH_AUTO_PIPELINING'] !== '0',
  maxRetriesPerRequest: null,
};

/**
 * A client with REDIS_OPTIONS. ioredis is loaded on first use: the node:cluster
 * primary and app import this file too, and must not pay ~50 ms for ioredis.
 */
export function redis(): Redis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RedisClient = require('ioredis') as typeof Redis;
  return new RedisClient(REDIS_URL, REDIS_OPTIONS);
}

/** Filler that makes `JSON.stringify(payload(n))` about 100 bytes for 5- to 6-digit sequence numbers. */
const BODY = 'clustr-bench-payload-'.padEnd(72, 'x');

/** The ~100-byte `data` every throughput and latency message carries. */
export interface Payload {
  seq: number;
  body: string;
}

export function payload(seq: number): Payload {
  return { seq, body: BODY };
}

/**
 * JSON Schema of Payload. Written out rather than built with TypeBox (which
 * produces exactly this object) so the bench needs no TypeBox of its own; clustr
 * compiles it with Ajv once per process and validates `data` on emit and on
 * receipt, as it does for a user's schema.
 */
export const PAYLOAD_SCHEMA = {
  type: 'object',
  properties: {
    seq: { type: 'integer', minimum: 0 },
    body: { type: 'string', maxLength: 256 },
  },
  required: ['seq', 'body'],
  additionalProperties: false,
} as const;

/**
 * The clustr side of a messaging child: a Worker on the bench's own ioredis
 * clients (same options as the raw side) that validates `data` with
 * PAYLOAD_SCHEMA, and with `secret` signs and verifies every frame (`coalesce`:
 * frames of one tick go as one signed batch). clustr is loaded only here, so raw children never pay for it.
 */
export async function clustrWorker(group: string, ns: string, options: { secret?: string; coalesce?: boolean; prev?: boolean } = {}): Promise<Worker> {
  const { secret, coalesce, prev = false } = options;
  // `prev`: the runtime of an earlier commit, built outside the repository by bench/scripts/prev-runtime.sh.
  const prevRuntime = process.env['BENCH_PREV_RUNTIME'] ?? '';
  if (prev && prevRuntime === '') throw new Error('BENCH_PREV_RUNTIME is not set: build one with bench/scripts/prev-runtime.sh');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package directory given at run time
  const { Worker: ClustrWorker } = prev ? (require(prevRuntime) as typeof Runtime) : await import('@clustr/runtime');
  if (prev) {
    // The options an earlier release knows: the same clients, the same schema.
    return ClustrWorker.create({ group, namespace: ns, reloadDelay: 0, publisher: redis(), subscriber: redis(), messages: { public: PAYLOAD_SCHEMA, private: PAYLOAD_SCHEMA } as unknown as MessageSchemas });
  }
  return ClustrWorker.create({
    group,
    namespace: ns,
    reloadDelay: 0,
    ...(secret === undefined ? {} : { secret }),
    ...(coalesce === undefined ? {} : { coalesce }),
    // The bench's flow control lets a publisher run up to 20k messages (LEAD) ahead of the
    // slowest subscriber; the default inbound bound (10k frames) would drop, as `overloaded`,
    // frames the flow control already allowed, whenever other load slows a subscriber down.
    inboundQueue: { maxFrames: 50_000 },
    publisher: redis(),
    subscriber: redis(),
    messages: { public: PAYLOAD_SCHEMA, private: PAYLOAD_SCHEMA } as unknown as MessageSchemas,
  });
}

/**
 * A clustr Worker that asks or answers requests: request bodies and replies are
 * Payloads, checked on both ends like the messages of clustrWorker. The
 * namespace defaults to the one a clustr parent hands down.
 */
export async function clustrRequestWorker(group: string, ns?: string): Promise<Worker> {
  const { Worker: ClustrWorker } = await import('@clustr/runtime');
  return ClustrWorker.create({
    group,
    ...(ns === undefined ? {} : { namespace: ns }),
    reloadDelay: 0,
    publisher: redis(),
    subscriber: redis(),
    messages: { request: PAYLOAD_SCHEMA, reply: PAYLOAD_SCHEMA } as unknown as MessageSchemas,
  });
}

/** CPU time the request scenario's `work` handler spends on each request, µs. */
export const WORK_MICROS = 100;

/** Channel names as clustr builds them, written out for the raw baseline (which must not load clustr). */
export const rawChannels = {
  public: (ns: string) => `${ns}:public`,
  private: (ns: string, pid: number) => `${ns}:private:${pid}`,
  master: (ns: string) => `${ns}:master`,
};

/** The same envelope clustr puts on the wire (v2: sender instance and a sequence number), built by hand for the raw baseline. */
export function envelope(kind: 'public' | 'private', id: string, pid: number, group: string, data: unknown, seq: number): string {
  return `${JSON.stringify({ v: 2, kind, id, meta: { pid, group, instance: 'rawBase1' }, data }).slice(0, -1)},"seq":${seq}}`;
}

/** Frame ids the way clustr makes them: a per-process prefix and a base-36 counter. */
export function frameIds(pid: number): () => string {
  const prefix = `${pid.toString(36)}.${Date.now().toString(36)}.`;
  let seq = 0;
  return () => prefix + (seq++).toString(36);
}

/** A child never outlives the bench: when the IPC channel closes, it exits. */
export function exitWithParent(onGone: () => void = () => process.exit(1)): void {
  process.on('disconnect', onGone);
}

/** Calls `handler` with every command the bench sends. */
export function onCommand(handler: (command: { cmd: string; [field: string]: unknown }) => void): void {
  process.on('message', (message: unknown) => {
    if (message !== null && typeof message === 'object' && typeof (message as { cmd?: unknown }).cmd === 'string') {
      handler(message as { cmd: string });
    }
  });
}

/** Reports an unexpected failure to the bench and exits non-zero. */
export function fail(error: unknown): never {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  send({ ev: 'error', message });
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
