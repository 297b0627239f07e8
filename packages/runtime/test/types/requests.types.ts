// Compiled by `tsc -p test/types` against the built dist: request and reply schemas type
// request(), onRequest() handlers (their return type included) and emitAny.
import { Type } from '@sinclair/typebox';
import { ClustrRemoteError, Master, Worker, type RequestMessage } from '@clustr/runtime';

const messages = {
  group: Type.Object({ job: Type.String() }),
  request: Type.String(),
  reply: Type.Integer(),
  requests: {
    resize: { request: Type.Object({ width: Type.Integer(), height: Type.Integer() }), reply: Type.Object({ area: Type.Integer() }) },
    ping: { reply: Type.Literal('pong') },
  },
};

const worker = Worker.create({ group: 'web', messages });

// --- request(): the body is checked, the reply is typed ---------------------------------
export async function calls(): Promise<void> {
  const resized: { area: number } = await worker.request('resize', 42, { width: 2, height: 3 });
  const area: number = resized.area;
  // @ts-expect-error the reply has no width
  void resized.width;
  // @ts-expect-error width must be a number
  await worker.request('resize', 42, { width: '2', height: 3 });
  // @ts-expect-error height is required
  await worker.request('resize', { group: 'jobs' }, { width: 2 });
  // @ts-expect-error not a method the schemas name
  await worker.request('rezise', 42, { width: 2, height: 3 });
  // @ts-expect-error a target is a pid or { group }
  await worker.request('resize', 'jobs', { width: 2, height: 3 });
  await worker.request('resize', { group: 'jobs' }, { width: 2, height: 3 }, { timeout: 100 });
  // @ts-expect-error timeout is a number
  await worker.request('resize', 42, { width: 2, height: 3 }, { timeout: '100' });

  // ping has no request schema: any body; its reply is the literal.
  const pong: 'pong' = await worker.request('ping', 42, { anything: true });
  // The method without a name: `request` and `reply` at the top.
  const n: number = await worker.request(42, 'text');
  // @ts-expect-error the unnamed method takes a string
  await worker.request(42, 5);
  // @ts-expect-error its reply is a number
  const s: string = await worker.request({ group: 'jobs' }, 'text');
  void [area, pong, n, s];

  try {
    await worker.request('resize', 42, { width: 1, height: 1 });
  } catch (error) {
    if (error instanceof ClustrRemoteError) {
      const remote: string = error.remoteCode;
      const pid: number = error.remotePid;
      const stack: string | undefined = error.remoteStack;
      void [remote, pid, stack];
    }
  }
}

// --- onRequest(): the handler gets the typed body; its return type is checked -------------
worker.onRequest('resize', ({ data, meta, id }) => {
  const width: number = data.width;
  const from: number = meta.pid;
  const requestId: string = id;
  void [from, requestId];
  return { area: width * data.height };
});
worker.onRequest('resize', async ({ data }) => ({ area: data.width }));
// @ts-expect-error the reply must have an area
worker.onRequest('resize', () => ({ size: 1 }));
// @ts-expect-error area must be a number
worker.onRequest('resize', async () => ({ area: 'big' }));
// @ts-expect-error a promise of the wrong reply does not fit either
worker.onRequest('resize', () => Promise.resolve({ area: 'big' }));
worker.onRequest('resize', ({ data }) => {
  // @ts-expect-error the body has no depth
  void data.depth;
  return { area: 1 };
});
worker.onRequest('ping', () => 'pong' as const);
// @ts-expect-error ping answers 'pong' only
worker.onRequest('ping', () => 'pang' as const);
// @ts-expect-error not a method the schemas name
worker.onRequest('rezise', () => ({ area: 1 }));
worker.onRequest(({ data }) => data.length);
// @ts-expect-error the unnamed method replies a number
worker.onRequest(({ data }) => data);
const typedHandler = (request: RequestMessage<{ width: number; height: number }>) => ({ area: request.data.width });
worker.onRequest('resize', typedHandler);

// --- emitAny: group data -------------------------------------------------------------------
void worker.emitAny('jobs', { job: 'resize' });
// @ts-expect-error job must be a string
void worker.emitAny('jobs', { job: 1 });
void worker.emit('any', 'jobs', { job: 'x' });
// @ts-expect-error the generic emit checks it too
void worker.emit('any', 'jobs', { job: 1 });

// --- without schemas: any method, unknown bodies and replies -------------------------------
const untyped = Master.create();
export async function untypedCalls(): Promise<void> {
  const reply = await untyped.request('anything', { group: 'jobs' }, { free: 1 });
  // @ts-expect-error the reply is unknown until narrowed
  void reply.field;
  await untyped.request(42, [1, 2, 3]);
}
untyped.onRequest('anything', ({ data }) => data);
untyped.onRequest(() => undefined);
