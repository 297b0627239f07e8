// A Master or a Worker alone on the fake platform, for the role tests (master-role.test.ts,
// worker-role.test.ts): the other processes of the cluster are a peer on the same FakeRedis
// server that sends frames as any pid and records what the process under test publishes, and
// children are fake ones that can talk over IPC. No cluster harness: every step is the test's.
import { FakeRedis, FakeRedisServer } from '@clustr/testkit';
import { channels, type Channels } from '@clustr/protocol/core';
import type { IpcMessage, Platform } from '../../src/platform/platform';
import type { RedisLike } from '../../src/transport/redis-like';
import { fakePlatform, type FakePlatform, type FakePlatformOptions } from './fake-platform';

export interface SeenFrame {
  channel: string;
  kind: string;
  id: string;
  re?: string;
  meta: { pid: number; group: string; instance: string };
  data: any;
}

export interface RolePlatform extends FakePlatform {
  /** What the process sent each child over IPC, by pid, in order. */
  sentTo: Map<number, IpcMessage[]>;
  /** Makes child `pid` send `message` to the process over IPC. */
  childSays(pid: number, message: IpcMessage): void;
  /** Calls the parent-death callback the process installed (watchParent). */
  parentDies(): void;
  /** The pid watchParent was asked to watch. */
  watched: number[];
  /** Pids signalPid(pid, 0) finds alive. */
  alive: Set<number>;
  /** Lines written to stdout/stderr. */
  written: string[];
  /** The Redis clients the process created, to drop its connections alone. */
  clients: FakeRedis[];
}

export function rolePlatform(options: FakePlatformOptions = {}): RolePlatform {
  const fake = fakePlatform(options);
  // Reconnect delays on the hand clock too: nothing runs on real timers.
  const { clock } = fake.platform;
  const server = new FakeRedisServer({ timers: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (handle) => clock.clearTimeout(handle as never) } });
  const f = { ...fake, server };
  const sentTo = new Map<number, IpcMessage[]>();
  const listeners = new Map<number, Array<(message: IpcMessage) => void>>();
  const parentGone: Array<() => void> = [];
  const watched: number[] = [];
  const alive = new Set<number>();
  const written: string[] = [];
  const clients: FakeRedis[] = [];
  const platform: Platform = {
    ...f.platform,
    spawn(spec) {
      const handle = f.platform.spawn(spec);
      sentTo.set(handle.pid, []);
      listeners.set(handle.pid, []);
      return {
        ...handle,
        send: (message) => {
          sentTo.get(handle.pid)!.push(message);
          return Promise.resolve(true);
        },
        onMessage: (listener) => void listeners.get(handle.pid)!.push(listener),
      };
    },
    watchParent: (pid, onGone) => {
      watched.push(pid);
      parentGone.push(onGone);
      return () => parentGone.splice(parentGone.indexOf(onGone), 1);
    },
    createRedis: () => {
      const client = new FakeRedis({ server });
      clients.push(client);
      return client as unknown as RedisLike;
    },
    signalPid: (pid) => alive.has(pid),
    write: (_stream, text) => void written.push(text),
  };
  return {
    ...f,
    platform,
    sentTo,
    watched,
    alive,
    written,
    clients,
    childSays: (pid, message) => {
      for (const listener of listeners.get(pid) ?? []) listener(message);
    },
    parentDies: () => {
      for (const onGone of [...parentGone]) onGone();
    },
  };
}

/** Another process on the same Redis: it sends frames as any pid and keeps every frame it hears. */
export interface Peer {
  names: Channels;
  /** Frames heard, batches unpacked, in order. */
  frames: SeenFrame[];
  /** Frames heard of `kind`. */
  of(kind: string): SeenFrame[];
  /** Subscribes to more channels. */
  listen(...channelNames: string[]): Promise<void>;
  /** Publishes a frame of `kind` as `from` on `channel`. */
  send(channel: string, kind: string, data: unknown, from: { pid: number; group: string }, extra?: Record<string, unknown>): void;
}

let frameIds = 0;

export async function peer(f: FakePlatform, namespace: string, listenTo: (names: Channels) => string[]): Promise<Peer> {
  const names = channels(namespace);
  const client = new FakeRedis({ server: f.server });
  const frames: SeenFrame[] = [];
  client.on('message', (channel: string, raw: string) => {
    const frame = JSON.parse(raw) as SeenFrame;
    const items = frame.kind === 'batch' ? (frame.data as SeenFrame[]) : [frame];
    for (const item of items) frames.push({ ...item, channel });
  });
  const p: Peer = {
    names,
    frames,
    of: (kind) => frames.filter((frame) => frame.kind === kind),
    listen: async (...more) => {
      await client.subscribe(...more);
    },
    send: (channel, kind, data, from, extra = {}) => {
      const frame = { v: 2, kind, id: `peer.${++frameIds}`, meta: { pid: from.pid, group: from.group, instance: `i${from.pid}` }, data, ...extra };
      f.server.inject(channel, JSON.stringify(frame));
    },
  };
  await p.listen(...listenTo(names));
  return p;
}
