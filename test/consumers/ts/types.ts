// Compiled, never run. Every `@ts-expect-error` line must be an error: tsc fails on an
// unused one (TS2578), so a wrong payload that starts to compile fails the build.
import { Master, Worker, type Message, type MessageData } from '@clustr/runtime';
import { channels, encode, type Frame } from '@clustr/protocol';
import { decode, type ClusterInfo } from '@clustr/protocol/core';
import { FakeRedisServer, createTestCluster } from '@clustr/testkit';
import { messages } from './messages.js';

type M = typeof messages;
export const text: MessageData<M, 'public'> = { text: 'hi' };
// @ts-expect-error text must be a string
export const wrongText: MessageData<M, 'public'> = { text: 1 };

const worker = Worker.create({ group: 'web', messages });
void worker.emitPublic({ text: 'hello' });
// @ts-expect-error wrong payload shape
void worker.emitPublic({ txt: 'hello' });
// @ts-expect-error n must be a number
void worker.emitPrivate(1, { n: '1' });
// @ts-expect-error not one of the literals
void worker.emitGroup('web', 'pang');
void worker.emitGroup('web', 'pong');
worker.onPrivate(({ data }) => {
  const n: number = data.n;
  // @ts-expect-error n is a number, not a string
  const s: string = data.n;
  void [n, s];
});
worker.on('public', (message: Message<{ text: string }>) => void message);
// @ts-expect-error the handler expects another shape
worker.on('private', (message: Message<{ text: string }>) => void message);

const master = Master.create({ messages });
// @ts-expect-error the master's messages are typed too
void master.emitPublic({ text: 42 });
// @ts-expect-error group is required for workers
Worker.create({});

// The other entries resolve and are typed.
export const ch: string = channels('shop').public;
export const frame: Frame | undefined = ((r) => (r.ok ? r.frame : undefined))(decode('{}'));
export const raw: (frame: Frame) => string = encode;
export const info: ClusterInfo = { master: [1] };
export const server = new FakeRedisServer();
export const cluster: ReturnType<typeof createTestCluster> = createTestCluster({ server });
