import { FRAME_KINDS, FRAME_SCHEMAS, PROTOCOL_VERSION } from './schema';

const DRAFT = 'http://json-schema.org/draft-07/schema#';
const BASE_ID = 'https://clustr.dev/schema';

/** Plain JSON: TypeBox's symbol keys and undefined values are dropped. */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/**
 * The JSON Schema files for tools not written in TypeScript: one for the whole v1
 * envelope (any kind) and one per kind, as draft-07. Keys are file names under
 * `packages/protocol/schema/`; `pnpm schema` writes them and a test fails when the
 * committed files differ.
 */
export function exportJsonSchemas(): Record<string, Record<string, unknown>> {
  const files: Record<string, Record<string, unknown>> = {};
  const definitions: Record<string, unknown> = {};
  for (const kind of FRAME_KINDS) {
    const schema = plain(FRAME_SCHEMAS[kind]);
    delete schema['$id'];
    definitions[kind] = schema;
    files[`frame.${kind}.v${PROTOCOL_VERSION}.json`] = {
      $schema: DRAFT,
      $id: `${BASE_ID}/frame.${kind}.v${PROTOCOL_VERSION}.json`,
      title: `clustr ${kind} frame, version ${PROTOCOL_VERSION}`,
      ...schema,
    };
  }
  files[`envelope.v${PROTOCOL_VERSION}.json`] = {
    $schema: DRAFT,
    $id: `${BASE_ID}/envelope.v${PROTOCOL_VERSION}.json`,
    title: `clustr frame envelope, version ${PROTOCOL_VERSION}`,
    description:
      'Any clustr frame. The `kind` field selects exactly one of the definitions. Frame size and nesting depth limits, and the ban on `__proto__` keys, are enforced by readers in addition to this schema.',
    type: 'object',
    required: ['v', 'kind'],
    properties: {
      v: { const: PROTOCOL_VERSION },
      kind: { enum: [...FRAME_KINDS] },
    },
    oneOf: FRAME_KINDS.map((kind) => ({ $ref: `#/definitions/${kind}` })),
    definitions,
  };
  return files;
}

/** Files as written to disk: two-space JSON and a trailing newline. */
export function renderJsonSchemas(): Record<string, string> {
  return Object.fromEntries(Object.entries(exportJsonSchemas()).map(([name, schema]) => [name, `${JSON.stringify(schema, null, 2)}\n`]));
}
