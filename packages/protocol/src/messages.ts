import type { ValidateFunction } from 'ajv';
import type * as AjvExports from 'ajv';
import { createAjv } from './ajv-setup';
import { ClustrError } from './errors';
import { toIssues, type FrameIssue } from './codec';
import type { Meta } from './schema';

/** The message kinds whose `data` is the user's own. */
export const USER_MESSAGE_KINDS = ['public', 'private', 'group'] as const;
export type UserMessageKind = (typeof USER_MESSAGE_KINDS)[number];

/**
 * A TypeBox schema (`Type.Object(...)` and friends), seen only through the members
 * its type carries: `static`, the data type it describes, and `params`.
 *
 * Typed by shape on purpose, not as TypeBox's `TSchema`: TypeBox ships a CommonJS
 * and an ES module build, each with its own `Kind` symbol type. In an ESM project a
 * user's `Type.Object()` comes from the ESM build while clustr's types (CommonJS)
 * would name the CommonJS `TSchema`, and tsc refused the schema ("missing [Kind]").
 * No clustr type that message typing touches imports TypeBox, so both builds fit.
 */
export interface MessageSchema {
  readonly static: unknown;
  readonly params: unknown[];
}

/**
 * TypeBox schemas for the `data` of user messages. Each one is optional; a kind
 * without a schema carries any JSON value and its handlers receive `unknown`.
 */
export interface MessageSchemas {
  public?: MessageSchema;
  private?: MessageSchema;
  group?: MessageSchema;
}

/**
 * The static type of a schema: what TypeBox's `Static<T>` computes
 * (`(T & { params: [] })['static']`), written out so this file needs no TypeBox types.
 */
export type StaticOf<T> = T extends MessageSchema ? (T & { params: [] })['static'] : unknown;

/** The static type of the data of one user message kind. */
export type MessageData<S extends MessageSchemas, K extends UserMessageKind> = StaticOf<S[K]>;

/** What a handler receives: who sent it, and the data. */
export interface Message<D = unknown> {
  meta: Meta;
  data: D;
}

export interface DataValidationFailure {
  ok: false;
  issues: FrameIssue[];
  message: string;
}

export type DataValidator = (data: unknown) => { ok: true } | DataValidationFailure;

const OK = { ok: true } as const;

/** Ajv's compiler is loaded with the first message schema: a process without one never pays for it. */
let ajvModule: typeof AjvExports | undefined;
function loadAjv(): typeof AjvExports {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (ajvModule ??= require('ajv') as typeof AjvExports);
}
const AJV_OPTIONS = { allErrors: false, strict: false, allowUnionTypes: true } as const;

/**
 * Compiles the user's schemas once, when the process is created. Kinds without a
 * schema accept any value.
 *
 * Each schema gets its own Ajv instance: a shared one remembers every `$id` it has
 * compiled, so a second process built in the same Node process from an equal schema
 * (same `$id`, new object) was refused as "already exists", and the cache grew with
 * every process ever created.
 */
export function compileMessageSchemas(schemas: MessageSchemas | undefined): { [K in UserMessageKind]: DataValidator } {
  const result = {} as { [K in UserMessageKind]: DataValidator };
  for (const kind of USER_MESSAGE_KINDS) {
    const schema = schemas?.[kind];
    if (schema === undefined) {
      result[kind] = () => OK;
      continue;
    }
    let validate: ValidateFunction;
    try {
      validate = createAjv(loadAjv(), AJV_OPTIONS).compile(schema);
    } catch (error) {
      throw new ClustrError('CLUSTR_INVALID_OPTION', `messages.${kind} is not a valid schema: ${(error as Error).message}. Build it with TypeBox's Type.* functions.`, {
        field: `messages.${kind}`,
        cause: error,
      });
    }
    result[kind] = (data: unknown) => {
      if (validate(data)) return OK;
      const issues = toIssues(validate.errors).map((issue) => ({ ...issue, path: `/data${issue.path}` }));
      const first = issues[0]!;
      return { ok: false, issues, message: `${first.path} ${first.message}` };
    };
  }
  return result;
}
