// Compiled by `tsc -p test/types/tsconfig.json`, never run. Imports the package by
// name, so it checks the built dist/*.d.ts users get, not src. Every
// `@ts-expect-error` line must fail to compile, or tsc reports it as unused.
import { Type, type Static } from '@sinclair/typebox';
import {
  ClustrError,
  compileMessageSchemas,
  encode,
  type DataOf,
  type Frame,
  type FrameKind,
  type FrameOf,
  type Message,
  type MessageData,
  type MessageSchemas,
  type ReplyData,
  type RequestData,
  type RequestMethod,
} from '@clustr/protocol';

/** True only when A and B are the same type (not merely assignable). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(value: T): T {
  return value;
}

const schemas = {
  public: Type.Object({ text: Type.String(), count: Type.Optional(Type.Integer()) }),
  group: Type.Array(Type.Union([Type.Literal('ping'), Type.Literal('pong')])),
} satisfies MessageSchemas;
type S = typeof schemas;

// --- MessageData is the static type of the user's TypeBox schema ---------------------
assertType<Equals<MessageData<S, 'public'>, { text: string; count?: number }>>(true);
assertType<Equals<MessageData<S, 'group'>, Array<'ping' | 'pong'>>>(true);
// A kind without a schema carries any JSON value and handlers get `unknown`.
assertType<Equals<MessageData<S, 'private'>, unknown>>(true);
// @ts-expect-error the public data is not `unknown` once a schema is given
assertType<Equals<MessageData<S, 'public'>, unknown>>(true);

export const ok: MessageData<S, 'public'> = { text: 'hello' };
export const okWithCount: MessageData<S, 'public'> = { text: 'hello', count: 2 };
// @ts-expect-error text must be a string
export const wrongType: MessageData<S, 'public'> = { text: 42 };
// @ts-expect-error text is required
export const missingField: MessageData<S, 'public'> = { count: 1 };
// @ts-expect-error no such field in the schema
export const extraField: MessageData<S, 'public'> = { text: 'hello', colour: 'red' };
// @ts-expect-error exactOptionalPropertyTypes: an optional field is absent, not undefined
export const undefinedOptional: MessageData<S, 'public'> = { text: 'hello', count: undefined };
// @ts-expect-error only the literals of the union
export const wrongLiteral: MessageData<S, 'group'> = ['ping', 'pang'];
export const anything: MessageData<S, 'private'> = Symbol('any value at all');

// --- MessageData is written without TypeBox's types, and agrees with its Static -----------
assertType<Equals<MessageData<S, 'public'>, Static<S['public']>>>(true);
export const Tree = Type.Recursive((This) => Type.Object({ value: Type.Number(), children: Type.Array(This) }));
assertType<Equals<MessageData<{ group: typeof Tree }, 'group'>, Static<typeof Tree>>>(true);
export const leaf: MessageData<{ group: typeof Tree }, 'group'> = { value: 1, children: [{ value: 2, children: [] }] };
// @ts-expect-error a plain object is not a TypeBox schema
export const notASchema = { public: { type: 'string' } } satisfies MessageSchemas;

// @ts-expect-error kill is not a user message kind
export type NotUserKind = MessageData<S, 'kill'>;

// --- request and reply schemas, per method ----------------------------------------------
const withRequests = {
  request: Type.String(),
  requests: { resize: { request: Type.Object({ width: Type.Integer() }), reply: Type.Object({ area: Type.Integer() }) }, bare: {} },
} satisfies MessageSchemas;
type R = typeof withRequests;
assertType<Equals<RequestMethod<R>, 'resize' | 'bare'>>(true);
assertType<Equals<RequestData<R, 'resize'>, { width: number }>>(true);
assertType<Equals<ReplyData<R, 'resize'>, { area: number }>>(true);
assertType<Equals<RequestData<R, 'bare'>, unknown>>(true);
// The method without a name: `request` and `reply` at the top.
assertType<Equals<RequestData<R>, string>>(true);
assertType<Equals<ReplyData<R>, unknown>>(true);
// Without `requests`, any method name, and unknown bodies.
assertType<Equals<RequestMethod<S>, string>>(true);
assertType<Equals<RequestData<S, 'anything'>, unknown>>(true);
// @ts-expect-error a method's schemas are request and reply only
export const typoInMethod = { requests: { resize: { replay: Type.String() } } } satisfies MessageSchemas;
const requestValidators = compileMessageSchemas(withRequests);
export const bodyChecked = requestValidators.method('resize').request({ width: 1 }).ok;

// --- handlers receive typed messages ---------------------------------------------------
export function onPublic(message: Message<MessageData<S, 'public'>>): string {
  // @ts-expect-error data.count may be absent
  const doubled: number = message.data.count * 2;
  return `${message.meta.group}/${message.meta.pid}: ${message.data.text.toUpperCase()} ${doubled}`;
}

// --- compiled validators exist for every user kind --------------------------------------
const validators = compileMessageSchemas(schemas);
export const checked = validators.public({ text: 'x' }).ok;
// @ts-expect-error there is no validator for a non-user kind
validators.kill({});

// --- wire frames --------------------------------------------------------------------------
assertType<Equals<DataOf<'kill'>, { pid: number; code: number }>>(true);
assertType<Equals<keyof DataOf<'clusterInfoRequest'>, never>>(true);
// @ts-expect-error a kill frame needs an exit code
export const killWithoutCode: DataOf<'kill'> = { pid: 1 };

export const frame: Frame = { v: 2, kind: 'kill', id: 'k', meta: { pid: 1, group: 'master', instance: 'a1' }, seq: 3, data: { pid: 2, code: 0 } };
// @ts-expect-error the data of a kill frame does not fit a register frame
export const mismatched: Frame = { v: 2, kind: 'register', id: 'r', meta: { pid: 1, group: 'web' }, data: { pid: 2, code: 0 } };
// @ts-expect-error only version 2 frames are written
export const v1: FrameOf<'public'> = { v: 1, kind: 'public', id: 'p', meta: { pid: 1, group: 'web' }, data: null };
// @ts-expect-error v2 moved host into meta
export const topHost: FrameOf<'public'> = { v: 2, kind: 'public', id: 'p', meta: { pid: 1, group: 'web' }, data: null, host: 'h' };
export const reply: FrameOf<'reply'> = { v: 2, kind: 'reply', id: 'r', re: 'q', meta: { pid: 1, group: 'web' }, data: { ok: false, error: { code: 'E', message: 'm' } } };
// @ts-expect-error a failed reply carries an error, not a body
export const badReply: FrameOf<'reply'> = { v: 2, kind: 'reply', id: 'r', meta: { pid: 1, group: 'web' }, data: { ok: false, body: 1 } };
// @ts-expect-error encode takes whole frames
encode({ kind: 'public', data: 1 });

/** A dispatcher over every kind: a new kind fails to compile here until it is handled. */
export function describeFrame(f: Frame): string {
  switch (f.kind) {
    case 'public':
    case 'private':
    case 'group':
      return 'user message';
    case 'kill':
      return `kill ${f.data.pid} with ${f.data.code}`;
    case 'confirmation':
      return f.data.identifier;
    case 'register':
      return `child of ${f.data.parentPid}`;
    case 'deregister':
      return `gone ${f.data.pid}`;
    case 'clusterInfoRequest':
      return 'info?';
    case 'clusterInfoReply':
    case 'membership':
      return Object.keys(f.data).join(',');
    case 'any':
      return `one of ${f.data.group}`;
    case 'request':
      return f.data.method ?? 'request';
    case 'reply':
      return f.data.ok ? 'ok' : f.data.error.code;
    case 'heartbeat':
      return `${f.data.rss} bytes`;
    case 'announce':
      return f.data.reason;
    case 'statusRequest':
      return 'status?';
    case 'statusReply':
      return `${f.data.processes.length} processes`;
    case 'command':
      return f.data.action;
    case 'commandReply':
      return f.data.event;
    case 'batch':
      return `${f.data.length} frames`;
    default: {
      const unhandled: never = f;
      return unhandled;
    }
  }
}
// @ts-expect-error "shout" is not a kind
export const badKind: FrameKind = 'shout';

// --- errors --------------------------------------------------------------------------------
export const error = new ClustrError('CLUSTR_CLOSED', 'closed', { field: 'worker' });
// @ts-expect-error codes come from the registry only
export const unknownCode = new ClustrError('CLUSTR_NOPE', 'x');
// @ts-expect-error code is read-only
error.code = 'CLUSTR_TRANSPORT';
