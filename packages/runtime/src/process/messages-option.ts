import { ClustrError, MAX_METHOD_LENGTH } from '@clustr/protocol/core';
import { checkKeys, checks, nested, type Check } from './options';

/** A schema is an object (TypeBox's or plain JSON Schema); compileMessageSchemas checks the rest. */
const schema = checks.object;

const METHOD_CHECKS = { request: schema, reply: schema };

/**
 * The `messages` option, checked by key like the options themselves: a typo
 * (`messages.pubic`, `requests.resize.replay`) is an error with a hint, never a
 * schema silently left out.
 */
export const MESSAGES_CHECK: Check = nested({
  public: schema,
  private: schema,
  group: schema,
  request: schema,
  reply: schema,
  requests: (value, field) => {
    checks.object(value, field);
    for (const [method, schemas] of Object.entries(value as Record<string, unknown>)) {
      if (method.length === 0 || method.length > MAX_METHOD_LENGTH) {
        throw new ClustrError('CLUSTR_INVALID_OPTION', `${field} has a method name of ${method.length} characters; method names are 1 to ${MAX_METHOD_LENGTH} characters.`, { field: `${field}.${method.slice(0, 40)}` });
      }
      checks.object(schemas, `${field}.${method}`);
      checkKeys(schemas as Record<string, unknown>, METHOD_CHECKS, `${field}.${method}.`);
    }
  },
});
