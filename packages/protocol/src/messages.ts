import type { default as Ajv, ValidateFunction } from 'ajv';
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

/** The schemas of one request method: what the caller sends and what the handler answers. Each is optional (any JSON value). */
export interface RequestSchemas {
  request?: MessageSchema;
  reply?: MessageSchema;
}

/**
 * TypeBox schemas for the `data` of user messages. Each one is optional; a kind
 * without a schema carries any JSON value and its handlers receive `unknown`.
 */
export interface MessageSchemas {
  public?: MessageSchema;
  private?: MessageSchema;
  /** The data of group messages, and of emitAny (a group message for one member). */
  group?: MessageSchema;
  /** The body of a request without a method name: `request(target, body)`, `onRequest(handler)`. */
  request?: MessageSchema;
  /** What the handler of a request without a method name answers. */
  reply?: MessageSchema;
  /** Named request methods: `request('resize', target, body)`, `onRequest('resize', handler)`. */
  requests?: { readonly [method: string]: RequestSchemas };
}

/**
 * The static type of a schema: what TypeBox's `Static<T>` computes
 * (`(T & { params: [] })['static']`), written out so this file needs no TypeBox types.
 */
export type StaticOf<T> = T extends MessageSchema ? (T & { params: [] })['static'] : unknown;

/** The static type of the data of one user message kind. */
export type MessageData<S extends MessageSchemas, K extends UserMessageKind> = StaticOf<S[K]>;

/**
 * The method names `request(method, ...)` takes: the keys of `requests` when the
 * schemas name them, else any string.
 */
export type RequestMethod<S extends MessageSchemas> = S extends { requests: infer R } ? Extract<keyof R, string> : string;

/** The schemas of method `M`; `undefined` is the method without a name (`request` and `reply` at the top). */
type MethodSchemas<S extends MessageSchemas, M extends string | undefined> = [M] extends [undefined]
  ? S
  : S extends { requests: infer R }
    ? M extends keyof R
      ? R[M]
      : unknown
    : unknown;

/** The static type of the body of a request to method `M` (`undefined`: the method without a name). */
export type RequestData<S extends MessageSchemas, M extends string | undefined = undefined> = MethodSchemas<S, M> extends { request: infer T } ? StaticOf<T> : unknown;

/** The static type of the reply of method `M` (`undefined`: the method without a name). */
export type ReplyData<S extends MessageSchemas, M extends string | undefined = undefined> = MethodSchemas<S, M> extends { reply: infer T } ? StaticOf<T> : unknown;

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
type AddFormats = (ajv: Ajv) => Ajv;
let addFormats: AddFormats | undefined;
/** ajv-formats: `format: 'email' | 'uuid' | 'date-time' | ...` validated, not refused as unknown. Loaded with Ajv. */
function loadFormats(): AddFormats {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (addFormats ??= (require('ajv-formats') as { default: AddFormats }).default);
}

/** Keys whose value maps names to schemas: the names are not keywords. */
const NAMED_SCHEMAS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);
/** Keys whose value is data, not a schema. */
const DATA_KEYS = new Set(['const', 'enum', 'default', 'examples']);
/** What Ajv accepts as a keyword name. */
const KEYWORD_NAME = /^[a-z_$][a-z0-9_$:-]*$/i;

interface SchemaUse {
  /** `x-…` keys at schema positions (vendor annotations, which JSON Schema allows and ignores). */
  vendor: Set<string>;
  /** Whether some schema says `format`. */
  format: boolean;
}

/** Walks the schema positions of `schema` (not property names, not `const`/`enum` data). */
// Stryker disable next-line BooleanLiteral: starting from true only loads ajv-formats for a schema without a format, which validates the same
function schemaUse(schema: unknown, use: SchemaUse = { vendor: new Set(), format: false }, depth = 0): SchemaUse {
  if (depth > 64 || typeof schema !== 'object' || schema === null) return use;
  // An array's entries are its items under their indexes, which are neither keywords nor names.
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) {
      if (KEYWORD_NAME.test(key)) use.vendor.add(key);
    } else if (key === 'format') {
      use.format = true;
    } else if (NAMED_SCHEMAS.has(key)) {
      // Object(): a value that is no map (an invalid schema, left to Ajv to name) gives no schemas, or scalars.
      for (const named of Object.values(Object(value) as object)) schemaUse(named, use, depth + 1);
    } else if (!DATA_KEYS.has(key)) {
      schemaUse(value, use, depth + 1);
    }
  }
  return use;
}

/**
 * `strictSchema`: a key that is no JSON Schema keyword (`{ tpye: 'string' }`, or an object that
 * is not a schema at all, `{ name: 'x' }`) fails the process's creation instead of being ignored,
 * which would turn validation off without a word. Vendor annotations (`x-…`) are allowed, and
 * `format` is validated (ajv-formats). Ajv's other strict checks stay off: they warn about
 * schemas that are valid.
 */
const AJV_OPTIONS = { allErrors: false, strict: false, strictSchema: true, allowUnionTypes: true } as const;

/** TypeBox marks its schemas with this symbol (read without loading TypeBox). */
const TYPEBOX_KIND = Symbol.for('TypeBox.Kind');

const ACCEPT_ANY: DataValidator = () => OK;

/** The validators of one request method: its body and its reply. */
export interface MethodValidators {
  request: DataValidator;
  reply: DataValidator;
}

/** Validators of every user message kind, and of request bodies and replies by method. */
export type MessageValidators = { [K in UserMessageKind]: DataValidator } & {
  /** The validators of `method` (`undefined`: the method without a name). A method without schemas accepts any value. */
  method(method: string | undefined): MethodValidators;
};

const ANY_METHOD: MethodValidators = { request: ACCEPT_ANY, reply: ACCEPT_ANY };

/**
 * Each schema gets its own Ajv instance: a shared one remembers every `$id` it has
 * compiled, so a second process built in the same Node process from an equal schema
 * (same `$id`, new object) was refused as "already exists", and the cache grew with
 * every process ever created.
 */
function compileOne(schema: MessageSchema | undefined, field: string, dataPath: string): DataValidator {
  if (schema === undefined) return ACCEPT_ANY;
  if (typeof schema === 'object' && schema !== null && Object.keys(schema).length === 0 && !(TYPEBOX_KIND in schema)) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} is an empty object, which is no schema clustr can tell from a mistake. To accept any value, leave ${field} out or use Type.Any().`, { field });
  }
  let validate: ValidateFunction;
  try {
    const ajv = createAjv(loadAjv(), AJV_OPTIONS);
    const use = schemaUse(schema);
    if (use.format) loadFormats()(ajv);
    for (const key of use.vendor) ajv.addKeyword(key);
    validate = ajv.compile(schema);
  } catch (error) {
    throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} is not a valid schema: ${(error as Error).message}. Build it with TypeBox's Type.* functions.`, {
      field,
      cause: error,
    });
  }
  return (data: unknown) => {
    if (validate(data)) return OK;
    const issues = toIssues(validate.errors).map((issue) => ({ ...issue, path: `${dataPath}${issue.path}` }));
    const first = issues[0]!;
    return { ok: false, issues, message: `${first.path} ${first.message}` };
  };
}

/**
 * Compiles the user's schemas once, when the process is created. Kinds and
 * request methods without a schema accept any value. Request bodies and replies
 * are reported under `/data/body`, where they travel in their frames.
 */
export function compileMessageSchemas(schemas: MessageSchemas | undefined): MessageValidators {
  const kinds = {} as { [K in UserMessageKind]: DataValidator };
  for (const kind of USER_MESSAGE_KINDS) kinds[kind] = compileOne(schemas?.[kind], `messages.${kind}`, '/data');
  const unnamed: MethodValidators =
    schemas?.request === undefined && schemas?.reply === undefined
      ? ANY_METHOD
      : { request: compileOne(schemas.request, 'messages.request', '/data/body'), reply: compileOne(schemas.reply, 'messages.reply', '/data/body') };
  const named = new Map<string, MethodValidators>();
  for (const [name, method] of Object.entries(schemas?.requests ?? {})) {
    named.set(name, {
      request: compileOne(method?.request, `messages.requests.${name}.request`, '/data/body'),
      reply: compileOne(method?.reply, `messages.requests.${name}.reply`, '/data/body'),
    });
  }
  return Object.assign(kinds, { method: (name: string | undefined) => (name === undefined ? unnamed : (named.get(name) ?? ANY_METHOD)) });
}
