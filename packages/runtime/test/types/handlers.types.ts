// Compiled by `tsc -p test/types` against the built dist: user schemas type handlers and emits.
import { Type } from '@sinclair/typebox';
import { Master, Worker, type Message } from '@clustr/runtime';

const messages = {
  public: Type.Object({ text: Type.String() }),
  private: Type.Object({ n: Type.Integer() }),
  group: Type.Union([Type.Literal('a'), Type.Literal('b')]),
};

const worker = Worker.create({ group: 'web', messages });

worker.onPublic((message) => {
  const text: string = message.data.text;
  const pid: number = message.meta.pid;
  const group: string = message.meta.group;
  // @ts-expect-error the public schema has no `n`
  void message.data.n;
  void [text, pid, group];
});
worker.onPrivate(({ data }) => {
  const n: number = data.n;
  // @ts-expect-error n is a number, not a string
  const s: string = data.n;
  void [n, s];
});
worker.onGroup(({ data }) => {
  const value: 'a' | 'b' = data;
  void value;
});
worker.on('public', (message: Message<{ text: string }>) => void message);
// @ts-expect-error handler for the wrong shape
worker.on('private', (message: Message<{ text: string }>) => void message);

void worker.emitPublic({ text: 'hi' });
// @ts-expect-error wrong payload shape
void worker.emitPublic({ txt: 'hi' });
void worker.emitPrivate(123, { n: 1 });
// @ts-expect-error n must be a number
void worker.emitPrivate(123, { n: '1' });
// @ts-expect-error pid must be a number
void worker.emitPrivate('123', { n: 1 });
void worker.emitGroup('web', 'a');
// @ts-expect-error not one of the literals
void worker.emitGroup('web', 'c');
void worker.emit('public', { text: 'x' });
// @ts-expect-error wrong payload through the generic emit
void worker.emit('public', { text: 1 });
void worker.emit('kill', 123, 3);
// @ts-expect-error exit code must be a number
void worker.emit('kill', 123, '3');
void worker.emit('confirmation', 'id');

// Without schemas, data is unknown: it must be narrowed before use.
const untyped = Worker.create({ group: 'jobs' });
untyped.onPublic(({ data }) => {
  // @ts-expect-error data is unknown
  void data.anything;
});
void untyped.emitPublic({ anything: true });

const master = Master.create({ messages });
master.onClusterStarted(() => undefined);
const info: Record<string, number[]> = master.clusterInfo;
void info;
// @ts-expect-error group is required for workers
Worker.create({});
