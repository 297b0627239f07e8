// The `messages` option as its keys are checked (process/messages-option.ts): a typo or a
// wrong type is an error naming the field, never a schema silently left out. Whether a schema
// compiles is compileMessageSchemas' business (packages/protocol/test/unit/messages.test.ts).
import { ClustrError } from '@clustr/protocol/core';
import { MESSAGES_CHECK } from '../../src/process/messages-option';

/** What MESSAGES_CHECK threw for `value` (fails when it throws nothing). */
function refusal(value: unknown): ClustrError {
  try {
    MESSAGES_CHECK(value, 'messages');
  } catch (error) {
    expect(error).toBeInstanceOf(ClustrError);
    return error as ClustrError;
  }
  throw new Error('expected MESSAGES_CHECK to throw');
}

const schema = { type: 'object' };

test('every kind of schema, and requests by method, are accepted', () => {
  expect(() =>
    MESSAGES_CHECK({ public: schema, private: schema, group: schema, request: schema, reply: schema, requests: { resize: { request: schema, reply: schema }, ping: {} } }, 'messages'),
  ).not.toThrow();
  expect(() => MESSAGES_CHECK({}, 'messages')).not.toThrow();
  expect(() => MESSAGES_CHECK({ public: undefined, requests: { resize: { reply: undefined } } }, 'messages')).not.toThrow();
});

test.each([null, [], 'schema', 5])('messages %p is refused: it must be an object', (value) => {
  expect(refusal(value)).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'messages' });
});

test.each(['public', 'private', 'group', 'request', 'reply'])('messages.%s that is not an object is refused, naming it', (kind) => {
  const error = refusal({ [kind]: 'a string' });
  expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: `messages.${kind}` });
  expect(error.message).toBe(`messages.${kind} must be an object; got the string "a string".`);
});

test('a misspelt kind is refused with the name it was meant to be', () => {
  const error = refusal({ pubic: schema });
  expect(error).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', field: 'messages.pubic' });
  expect(error.message).toContain('Did you mean "messages.public"?');
});

test('requests must be an object of methods', () => {
  expect(refusal({ requests: [schema] })).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'messages.requests' });
});

test('a method whose schemas are not an object is refused, naming the method', () => {
  const error = refusal({ requests: { resize: 'schema' } });
  expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'messages.requests.resize' });
  expect(error.message).toBe('messages.requests.resize must be an object; got the string "schema".');
});

test('a method takes a request and a reply schema: a misspelt one is refused with the right name', () => {
  const error = refusal({ requests: { resize: { request: schema, replay: schema } } });
  expect(error).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', field: 'messages.requests.resize.replay' });
  expect(error.message).toContain('Did you mean "messages.requests.resize.reply"?');
  expect(refusal({ requests: { resize: { request: 'x' } } })).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'messages.requests.resize.request' });
});

test('method names are 1 to 128 characters', () => {
  expect(() => MESSAGES_CHECK({ requests: { ['m'.repeat(128)]: {} } }, 'messages')).not.toThrow();
  expect(() => MESSAGES_CHECK({ requests: { m: {} } }, 'messages')).not.toThrow();
  const empty = refusal({ requests: { '': {} } });
  expect(empty).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'messages.requests.' });
  expect(empty.message).toBe('messages.requests has a method name of 0 characters; method names are 1 to 128 characters.');
  // The field shows the start of a long name, not all of it.
  const long = refusal({ requests: { ['m'.repeat(129)]: {} } });
  expect(long).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: `messages.requests.${'m'.repeat(40)}` });
  expect(long.message).toBe('messages.requests has a method name of 129 characters; method names are 1 to 128 characters.');
});
