import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { NAME_PATTERN } from './names';
import { MAX_EXIT_CODE, MAX_FRAME_ID_LENGTH, MAX_IDENTIFIER_LENGTH, MAX_PID, PROTOCOL_VERSION, type FrameKind } from './constants';

export { PROTOCOL_VERSION, FRAME_KINDS, MAX_EXIT_CODE, MAX_IDENTIFIER_LENGTH, MAX_PID, MAX_FRAME_ID_LENGTH } from './constants';
export type { FrameKind } from './constants';

export const Pid = Type.Integer({ minimum: 1, maximum: MAX_PID, description: 'An operating-system process id.' });
export const GroupName = Type.String({ pattern: NAME_PATTERN, description: 'A group name: letters, digits, _ . -, at most 64.' });

export const Meta = Type.Object(
  {
    pid: Pid,
    group: GroupName,
  },
  { additionalProperties: false, description: 'Who sent the frame.' },
);
export type Meta = Static<typeof Meta>;

const FrameId = Type.String({ minLength: 1, maxLength: MAX_FRAME_ID_LENGTH, description: 'Unique per sender; replies name it in `re`.' });

/**
 * Fields every frame has. `host`, `ts`, `nonce` and `sig` are reserved for
 * multi-host clusters and signed control frames: v1 readers accept and ignore
 * them, so adding those features does not need a new version.
 */
function frame<K extends FrameKind, D extends TSchema>(kind: K, data: D, description: string) {
  return Type.Object(
    {
      v: Type.Literal(PROTOCOL_VERSION),
      kind: Type.Literal(kind),
      id: FrameId,
      meta: Meta,
      data,
      re: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_FRAME_ID_LENGTH, description: 'The id of the frame this one answers.' })),
      host: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Reserved: the sender host in multi-host clusters.' })),
      ts: Type.Optional(Type.Integer({ minimum: 0, description: 'Reserved: send time, ms since the epoch, for replay windows of signed frames.' })),
      nonce: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Reserved: unique per signed frame, against replays.' })),
      sig: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Reserved: signature over the frame text before it, and the channel; always the last field.' })),
    },
    { additionalProperties: false, $id: `clustr.frame.${kind}.v${PROTOCOL_VERSION}`, description },
  );
}

const UserData = Type.Unknown({ description: 'User data; validated against the message schema the process was created with.' });

export const PublicFrame = frame('public', UserData, 'A message to every process of the cluster.');
export const PrivateFrame = frame('private', UserData, 'A message to one process, sent on its private channel.');
export const GroupFrame = frame('group', UserData, 'A message to every process of one group.');
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
  Type.Object(
    { identifier: Type.String({ minLength: 1, maxLength: MAX_IDENTIFIER_LENGTH }) },
    { additionalProperties: false },
  ),
  'One confirmation of an identifier.',
);
export const RegisterFrame = frame(
  'register',
  Type.Object(
    { parentPid: Pid },
    { additionalProperties: false },
  ),
  'A process is ready and joins the cluster.',
);
export const DeregisterFrame = frame(
  'deregister',
  Type.Object(
    { pid: Pid },
    { additionalProperties: false, description: 'The process that left: the sender itself, or a child of the sender that died.' },
  ),
  'A process has left the cluster.',
);
export const ClusterInfoRequestFrame = frame(
  'clusterInfoRequest',
  Type.Object({}, { additionalProperties: false }),
  'Asks the master for the current cluster info; the reply goes to the private channel of meta.pid.',
);
// `additionalProperties: false`: a TypeBox Record only emits `patternProperties`, which
// leaves keys that do not match the group-name pattern (and their values) unchecked.
export const ClusterInfo = Type.Record(GroupName, Type.Array(Pid, { uniqueItems: true }), {
  additionalProperties: false,
  description: 'Registered process ids by group.',
});
export type ClusterInfo = Static<typeof ClusterInfo>;
export const ClusterInfoReplyFrame = frame('clusterInfoReply', ClusterInfo, 'The master answers a cluster-info request; `re` names the request.');

/** One schema per kind: the table the codec compiles and the exporter writes. */
export const FRAME_SCHEMAS = {
  public: PublicFrame,
  private: PrivateFrame,
  group: GroupFrame,
  kill: KillFrame,
  confirmation: ConfirmationFrame,
  register: RegisterFrame,
  deregister: DeregisterFrame,
  clusterInfoRequest: ClusterInfoRequestFrame,
  clusterInfoReply: ClusterInfoReplyFrame,
} as const satisfies { [K in FrameKind]: TSchema };

export type FrameOf<K extends FrameKind> = Static<(typeof FRAME_SCHEMAS)[K]>;
/** Any valid v1 frame, discriminated on `kind`. */
export type Frame = { [K in FrameKind]: FrameOf<K> }[FrameKind];
export type DataOf<K extends FrameKind> = FrameOf<K>['data'];
