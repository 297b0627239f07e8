import { Type, type Static, type TObject, type TSchema, type TUnion } from '@sinclair/typebox';
import { NAME_PATTERN } from './names';
import {
  INSTANCE_PATTERN,
  MAX_BATCH_FRAMES,
  MAX_EXIT_CODE,
  MAX_FRAME_ID_LENGTH,
  MAX_IDENTIFIER_LENGTH,
  MAX_METHOD_LENGTH,
  MAX_PID,
  MAX_SEQ,
  PROTOCOL_VERSION,
  type FrameKind,
} from './constants';

export { PROTOCOL_VERSION, FRAME_KINDS, MAX_EXIT_CODE, MAX_IDENTIFIER_LENGTH, MAX_PID, MAX_FRAME_ID_LENGTH } from './constants';
export type { FrameKind } from './constants';

export const Pid = Type.Integer({ minimum: 1, maximum: MAX_PID, description: 'An operating-system process id.' });
export const GroupName = Type.String({ pattern: NAME_PATTERN, description: 'A group name: letters, digits, _ . -, at most 64.' });
const Millis = Type.Integer({ minimum: 0, maximum: MAX_SEQ, description: 'Milliseconds.' });
const EpochMillis = Type.Integer({ minimum: 0, maximum: MAX_SEQ, description: 'Milliseconds since the Unix epoch.' });

export const Meta = Type.Object(
  {
    pid: Pid,
    group: GroupName,
    instance: Type.Optional(
      Type.String({
        pattern: INSTANCE_PATTERN,
        description: 'Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.',
      }),
    ),
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.' })),
  },
  { additionalProperties: false, description: 'Who sent the frame.' },
);
export type Meta = Static<typeof Meta>;

const FrameId = Type.String({ minLength: 1, maxLength: MAX_FRAME_ID_LENGTH, description: 'Unique per sender run; replies name it in `re`.' });

/**
 * Fields every frame has. `seq` numbers a sender's frames per channel, so a
 * receiver counts what Redis lost; `ts` and `sig` make a frame signed
 * (docs/protocol.md, "Signed frames"); `sig` is always the last member.
 */
function frame<K extends FrameKind, D extends TSchema>(kind: K, data: D, description: string) {
  return Type.Object(
    {
      v: Type.Literal(PROTOCOL_VERSION),
      kind: Type.Literal(kind),
      id: FrameId,
      meta: Meta,
      seq: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEQ, description: 'Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.' })),
      data,
      re: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_FRAME_ID_LENGTH, description: 'The id of the frame this one answers.' })),
      ts: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEQ, description: 'Send time, ms since the epoch. Required in signed frames (the replay window).' })),
      sig: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'HMAC over the channel and the frame text before this member; always the last member.' })),
    },
    { additionalProperties: false, $id: `clustr.frame.${kind}.v${PROTOCOL_VERSION}`, description },
  );
}

/**
 * A union of objects told apart by the string field `tag`, written as `oneOf`
 * with Ajv's `discriminator`, so a failure names the field of the branch the frame
 * chose (an `anyOf` would report the first branch's error). Other validators read
 * the `oneOf` and ignore `discriminator`.
 */
function tagged<T extends TObject[]>(tag: string, variants: [...T], description?: string): TUnion<T> {
  const { anyOf, ...rest } = Type.Union(variants, description === undefined ? {} : { description });
  return { ...rest, type: 'object', required: [tag], properties: { [tag]: { type: 'string' } }, discriminator: { propertyName: tag }, oneOf: anyOf } as unknown as TUnion<T>;
}

/**
 * `{ ok: true, ... }` or `{ ok: false, ... }`, as `if`/`then`/`else`: `ok` is a
 * boolean, which a discriminator cannot key on, and a failure still names the
 * field of the branch `ok` chose.
 */
function okOrError<A extends TObject, B extends TObject>(ok: A, error: B): TUnion<[A, B]> {
  const { anyOf: _anyOf, ...rest } = Type.Union([ok, error]);
  return {
    ...rest,
    type: 'object',
    required: ['ok'],
    properties: { ok: { type: 'boolean' } },
    if: { properties: { ok: { const: true } } },
    then: ok,
    else: error,
  } as unknown as TUnion<[A, B]>;
}

const UserData = Type.Unknown({ description: "User data; validated against the receiver's message schema for the kind." });
const Body = Type.Unknown({ description: "User data; validated against the receiver's schema for it." });
const Empty = Type.Object({}, { additionalProperties: false });

export const PublicFrame = frame('public', UserData, 'A message to every process of the cluster.');
export const PrivateFrame = frame('private', UserData, 'A message to one process, sent on its private channel.');
export const GroupFrame = frame('group', UserData, 'A message to every process of one group.');
export const AnyFrame = frame(
  'any',
  Type.Object(
    { group: GroupName, body: Body },
    { additionalProperties: false, description: '`group` names the group the sender picked this member from; a receiver not in it drops the frame.' },
  ),
  'A group message for exactly one member of the group, sent on the private channel of the member the sender picked (emitAny).',
);
export const RequestFrame = frame(
  'request',
  Type.Object(
    {
      method: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_METHOD_LENGTH, description: 'The request name, when the receiver has several.' })),
      group: Type.Optional(GroupName),
      timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'How long the caller waits, in ms.' })),
      body: Body,
    },
    { additionalProperties: false, description: '`group` is set when the sender picked this member of a group; a receiver not in it refuses.' },
  ),
  'Asks one process for a reply; sent on its private channel. The reply names this frame in `re`.',
);
export const RemoteError = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    message: Type.String({ maxLength: 4096 }),
    stack: Type.Optional(Type.String({ maxLength: 16384 })),
  },
  { additionalProperties: false, description: 'Why a request failed on the receiver.' },
);
export const ReplyFrame = frame(
  'reply',
  okOrError(
    Type.Object({ ok: Type.Literal(true), body: Body }, { additionalProperties: false }),
    Type.Object({ ok: Type.Literal(false), error: RemoteError }, { additionalProperties: false }),
  ),
  "The answer to a request, on the requester's private channel; `re` is the request's id.",
);
export const KillFrame = frame(
  'kill',
  Type.Object(
    {
      pid: Pid,
      code: Type.Integer({ minimum: 0, maximum: MAX_EXIT_CODE, description: 'The exit code the target exits with.' }),
    },
    { additionalProperties: false },
  ),
  'Asks one process to run its onKill hooks and exit with a code.',
);
export const ConfirmationFrame = frame(
  'confirmation',
  Type.Object({ identifier: Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH }) }, { additionalProperties: false }),
  'One confirmation of an identifier.',
);
export const RegisterFrame = frame(
  'register',
  Type.Object({ parentPid: Pid }, { additionalProperties: false }),
  'A process is ready and joins the cluster. Idempotent: processes send it again when the master announces itself.',
);
export const DeregisterFrame = frame(
  'deregister',
  Type.Object({ pid: Pid }, { additionalProperties: false, description: 'The process that left: the sender itself, or a child of the sender that died.' }),
  'A process has left the cluster.',
);

const Counters = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.Integer({ minimum: 0 }), Type.Record(Type.String({ maxLength: 64 }), Type.Integer({ minimum: 0 }), { maxProperties: 64 })]), {
  maxProperties: 64,
  description: 'The sender’s stats counters (see Stats in @clustr/runtime).',
});
export const Health = Type.Object(
  {
    parentPid: Pid,
    host: Type.String({ minLength: 1, maxLength: 255 }),
    startedAt: EpochMillis,
    uptime: Millis,
    interval: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'The sender’s heartbeat interval, in ms.' }),
    rss: Type.Integer({ minimum: 0, description: 'Resident set size, bytes.' }),
    heapUsed: Type.Integer({ minimum: 0 }),
    heapTotal: Type.Integer({ minimum: 0 }),
    cpu: Type.Number({ minimum: 0, description: 'CPU use since the previous heartbeat, percent of one core.' }),
    loopP50: Type.Number({ minimum: 0, description: 'Event-loop delay since the previous heartbeat, 50th percentile, ms.' }),
    loopP99: Type.Number({ minimum: 0 }),
    loopMax: Type.Number({ minimum: 0 }),
    restarts: Type.Integer({ minimum: 0, description: 'How many times its parent restarted it.' }),
    stats: Counters,
  },
  { additionalProperties: false },
);
export type Health = Static<typeof Health>;
export const HeartbeatFrame = frame('heartbeat', Health, 'A registered process is alive: its health, to the master (and to its parent when that is not the master).');

// `additionalProperties: false`: a TypeBox Record only emits `patternProperties`, which
// leaves keys that do not match the group-name pattern (and their values) unchecked.
export const ClusterInfo = Type.Record(GroupName, Type.Array(Pid, { uniqueItems: true }), {
  additionalProperties: false,
  description: 'Registered process ids by group.',
});
export type ClusterInfo = Static<typeof ClusterInfo>;
export const ClusterInfoRequestFrame = frame('clusterInfoRequest', Empty, 'Asks the master for the current cluster info; the reply goes to the private channel of meta.pid.');
export const ClusterInfoReplyFrame = frame('clusterInfoReply', ClusterInfo, 'The master answers a cluster-info request; `re` names the request.');
export const AnnounceFrame = frame(
  'announce',
  Type.Object({ reason: Type.Union([Type.Literal('start'), Type.Literal('reconnect')]) }, { additionalProperties: false }),
  'The master is (again) listening, on the control channel: every ready process registers again.',
);
export const MembershipFrame = frame('membership', ClusterInfo, 'The registered processes by group, on the control channel, after every change: the view request and emitAny pick members from.');

export const ProcessStatus = Type.Object(
  {
    pid: Pid,
    group: GroupName,
    parentPid: Pid,
    state: Type.Union([Type.Literal('ready'), Type.Literal('hung'), Type.Literal('starting')], { description: '`hung`: no heartbeat within the heartbeat timeout.' }),
    registeredAt: EpochMillis,
    lastHeartbeat: Type.Optional(EpochMillis),
    health: Type.Optional(Health),
  },
  { additionalProperties: false },
);
export type ProcessStatus = Static<typeof ProcessStatus>;
export const StatusRequestFrame = frame('statusRequest', Empty, "Asks the master for every process's status; the reply goes to the private channel of meta.pid.");
export const StatusReplyFrame = frame(
  'statusReply',
  Type.Object({ processes: Type.Array(ProcessStatus, { maxItems: 4096 }) }, { additionalProperties: false }),
  'The master answers a status request; `re` names the request.',
);
export const CommandFrame = frame(
  'command',
  Type.Object({ action: Type.Union([Type.Literal('reload'), Type.Literal('stop')]) }, { additionalProperties: false }),
  'Asks the master for a rolling reload or a stop (what SIGHUP and SIGTERM do); progress goes to the private channel of meta.pid.',
);
const Replacement = Type.Object({ from: Pid, to: Pid }, { additionalProperties: false });
export const CommandReplyFrame = frame(
  'commandReply',
  tagged('event', [
    Type.Object({ event: Type.Literal('accepted'), action: Type.Union([Type.Literal('reload'), Type.Literal('stop')]) }, { additionalProperties: false }),
    Type.Object({ event: Type.Literal('replaced'), from: Pid, to: Pid }, { additionalProperties: false }),
    Type.Object(
      {
        event: Type.Literal('reloaded'),
        ok: Type.Boolean(),
        replaced: Type.Array(Replacement, { maxItems: 4096 }),
        failure: Type.Optional(Type.Object({ reason: Type.String({ minLength: 1, maxLength: 64 }), pid: Pid }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
    Type.Object({ event: Type.Literal('stopped'), code: Type.Integer({ minimum: 0, maximum: MAX_EXIT_CODE }) }, { additionalProperties: false }),
    Type.Object({ event: Type.Literal('refused'), reason: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
  ]),
  'Progress of a command, from the master to the requester; `re` names the command.',
);
export const BatchFrame = frame(
  'batch',
  Type.Array(Type.Object({}, { description: 'A frame of any kind but batch: validate it against the envelope schema on its own.' }), {
    minItems: 1,
    maxItems: MAX_BATCH_FRAMES,
  }),
  'Several frames for the same channel from the same sender, in order, in one publish. Each item is a whole frame of another kind, checked on its own: one bad item is dropped alone.',
);

/** One schema per kind: the table the codec compiles and the exporter writes. */
export const FRAME_SCHEMAS = {
  public: PublicFrame,
  private: PrivateFrame,
  group: GroupFrame,
  any: AnyFrame,
  request: RequestFrame,
  reply: ReplyFrame,
  kill: KillFrame,
  confirmation: ConfirmationFrame,
  register: RegisterFrame,
  deregister: DeregisterFrame,
  heartbeat: HeartbeatFrame,
  clusterInfoRequest: ClusterInfoRequestFrame,
  clusterInfoReply: ClusterInfoReplyFrame,
  announce: AnnounceFrame,
  membership: MembershipFrame,
  statusRequest: StatusRequestFrame,
  statusReply: StatusReplyFrame,
  command: CommandFrame,
  commandReply: CommandReplyFrame,
  batch: BatchFrame,
} as const satisfies { [K in FrameKind]: TSchema };

export type FrameOf<K extends FrameKind> = Static<(typeof FRAME_SCHEMAS)[K]>;
/** Any valid frame of this version, discriminated on `kind`. */
export type Frame = { [K in FrameKind]: FrameOf<K> }[FrameKind];
export type DataOf<K extends FrameKind> = FrameOf<K>['data'];
