// The option checks themselves (process/options.ts): what each accepts, and how a refusal names
// the field, shows the value and says what was expected. How Master.create and Worker.create
// apply them, on an in-process cluster: options.test.ts.
import { MAX_TIMEOUT_MS, checkKeys, checks, describeValue, nested, optionsObject, type Check } from '../../src/process/options';
import { thrownClustrError } from './probes';

/** The message `check` refuses `value` with, after checking the code and the field. */
function refusal(check: Check, value: unknown, field = 'opt'): string {
  const error = thrownClustrError(() => check(value, field));
  expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field });
  return error.message;
}

describe('describeValue', () => {
  test.each([
    ['500', 'the string "500"'],
    ['', 'the string ""'],
    ['x'.repeat(60), `the string "${'x'.repeat(60)}"`],
    ['x'.repeat(61), `the string "${'x'.repeat(60)}…"`],
    [500, 'number 500'],
    [Number.NaN, 'number NaN'],
    [true, 'boolean true'],
    [10n, 'bigint 10'],
    [null, 'null'],
    [[1, 2, 3], 'an array of 3'],
    [() => 1, 'a function'],
    [{ a: 1 }, 'an object'],
    [undefined, 'undefined'],
    [Symbol('s'), 'Symbol(s)'],
  ])('%p is shown as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });
});

describe('checks', () => {
  test('later accepts anything: it is checked where it is used', () => {
    expect(checks.later('anything', 'opt')).toBeUndefined();
  });

  test('ms: a whole number of milliseconds from 0 to 2^31-1', () => {
    expect(MAX_TIMEOUT_MS).toBe(2_147_483_647);
    for (const ok of [0, 1, MAX_TIMEOUT_MS]) expect(() => checks.ms(ok, 'killTimeout')).not.toThrow();
    for (const bad of [-1, MAX_TIMEOUT_MS + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) refusal(checks.ms, bad, 'killTimeout');
    expect(refusal(checks.ms, '5', 'killTimeout')).toBe('killTimeout must be a whole number of milliseconds from 0 to 2147483647; got the string "5".');
  });

  test('positiveMs: the same from 1', () => {
    for (const ok of [1, MAX_TIMEOUT_MS]) expect(() => checks.positiveMs(ok, 'window')).not.toThrow();
    for (const bad of [MAX_TIMEOUT_MS + 1, 2.5, '5']) refusal(checks.positiveMs, bad, 'window');
    expect(refusal(checks.positiveMs, 0, 'window')).toBe('window must be a whole number of milliseconds from 1 to 2147483647; got number 0.');
  });

  test('count: a whole number of at least 1, with no upper bound', () => {
    for (const ok of [1, 2, 1e9]) expect(() => checks.count(ok, 'n')).not.toThrow();
    for (const bad of [1.5, '2', Number.NaN]) refusal(checks.count, bad, 'n');
    expect(refusal(checks.count, 0, 'n')).toBe('n must be a whole number of at least 1; got number 0.');
  });

  test('boolean: true or false, nothing truthy', () => {
    expect(() => checks.boolean(false, 'verbose')).not.toThrow();
    expect(() => checks.boolean(true, 'verbose')).not.toThrow();
    expect(refusal(checks.boolean, 'true', 'verbose')).toBe('verbose must be true or false; got the string "true".');
    refusal(checks.boolean, 1, 'verbose');
  });

  test('string: a non-empty string', () => {
    expect(() => checks.string('x', 's')).not.toThrow();
    expect(refusal(checks.string, '', 's')).toBe('s must be a non-empty string; got the string "".');
    refusal(checks.string, 5, 's');
  });

  test('function: a function', () => {
    expect(() => checks.function(() => undefined, 'onError')).not.toThrow();
    expect(refusal(checks.function, {}, 'onError')).toBe('onError must be a function; got an object.');
  });

  test('object: a plain object, not null, not a list', () => {
    expect(() => checks.object({}, 'restart')).not.toThrow();
    expect(refusal(checks.object, null, 'restart')).toBe('restart must be an object; got null.');
    expect(refusal(checks.object, [], 'restart')).toBe('restart must be an object; got an array of 0.');
    refusal(checks.object, 'x', 'restart');
  });

  test('namespace: a valid name, refused naming the field', () => {
    expect(() => checks.namespace('shop', 'namespace')).not.toThrow();
    expect(thrownClustrError(() => checks.namespace('a:b', 'namespace'))).toMatchObject({ code: 'CLUSTR_INVALID_NAME', field: 'namespace' });
  });

  test('logger: debug, info, warn and error methods', () => {
    const noop = () => undefined;
    expect(() => checks.logger({ debug: noop, info: noop, warn: noop, error: noop, trace: 1 }, 'logger')).not.toThrow();
    for (const missing of ['debug', 'info', 'warn', 'error']) {
      const logger: Record<string, unknown> = { debug: noop, info: noop, warn: noop, error: noop, [missing]: 'no' };
      expect(refusal(checks.logger, logger, 'logger')).toBe('logger must be a logger with debug, info, warn and error methods (pino works as it is); got an object.');
    }
    refusal(checks.logger, null, 'logger');
    refusal(checks.logger, 'console', 'logger');
  });

  test('redisClient: publish, subscribe, on and duplicate methods', () => {
    const noop = () => undefined;
    expect(() => checks.redisClient({ publish: noop, subscribe: noop, on: noop, duplicate: noop }, 'publisher')).not.toThrow();
    for (const missing of ['publish', 'subscribe', 'on', 'duplicate']) {
      const client: Record<string, unknown> = { publish: noop, subscribe: noop, on: noop, duplicate: noop, [missing]: undefined };
      expect(refusal(checks.redisClient, client, 'publisher')).toBe(
        'publisher must be an ioredis client (or one with the same publish, subscribe, on and duplicate methods); got an object.',
      );
    }
    refusal(checks.redisClient, null, 'publisher');
    refusal(checks.redisClient, 'redis://h', 'publisher');
  });

  describe('secret', () => {
    test('a string or a non-empty list of strings', () => {
      expect(() => checks.secret('s3cret', 'secret')).not.toThrow();
      expect(() => checks.secret(['a', 'b'], 'secret')).not.toThrow();
    });

    test.each([
      ['', 'string'],
      [5, 'number'],
      [null, 'object'],
      [[], 'an empty list'],
      [['kept-secret', 5], 'a list with a non-string'],
    ])('%p is refused as %s, the value itself never shown', (value, got) => {
      const message = refusal(checks.secret, value, 'secret');
      expect(message).toBe(`secret must be a string or a non-empty list of strings (the first signs, all verify); got ${got}.`);
      expect(message).not.toContain('kept-secret');
    });
  });

  describe('redis', () => {
    test('a URL, or options JSON can carry', () => {
      expect(() => checks.redis('redis://h:1', 'redis')).not.toThrow();
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      expect(() => checks.redis({ host: 'h', port: 1, db: 0, enableTLSForSentinelMode: false, tls: { ca: [pem], servername: null }, nested: Object.create(null) as object }, 'redis')).not.toThrow();
    });

    test('a key set to undefined is as good as absent: `password: process.env.REDIS_PASSWORD` with the variable unset', () => {
      expect(() => checks.redis({ host: 'h', password: undefined, tls: { ca: undefined } }, 'redis')).not.toThrow();
    });

    test('an empty URL, or what is neither a URL nor an object, is refused', () => {
      expect(refusal(checks.redis, '', 'redis')).toBe('redis must be a Redis URL such as "redis://127.0.0.1:6379"; got the string "".');
      for (const bad of [null, [], 6379]) expect(refusal(checks.redis, bad, 'redis')).toMatch(/^redis must be a Redis URL or an ioredis options object; got /);
    });

    test.each([
      [{ retryStrategy: () => 1 }, 'redis.retryStrategy', 'a function'],
      [{ port: Number.NaN }, 'redis.port', 'NaN'],
      [{ tls: { timeout: Number.POSITIVE_INFINITY } }, 'redis.tls.timeout', 'Infinity'],
      [{ tls: { ca: ['pem', Buffer.from('pem')] } }, 'redis.tls.ca[1]', 'an instance of Buffer'],
      [{ tls: { ca: ['pem', undefined] } }, 'redis.tls.ca[1]', 'undefined'],
      [{ db: 1n }, 'redis.db', 'a bigint'],
      [{ name: Symbol('n') }, 'redis.name', 'a symbol'],
      [{ sentinels: [{ host: 'a' }, { host: new Date(0) }] }, 'redis.sentinels[1].host', 'an instance of Date'],
      [{ tls: Object.create(Object.create(null) as object) as object }, 'redis.tls', 'an instance of a class'],
    ])('%p is refused, naming %s, which JSON would change on its way to a child', (options, path, what) => {
      const error = thrownClustrError(() => checks.redis(options, 'redis'));
      expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: path });
      expect(error.message).toBe(
        `${path} is ${what}, which cannot reach child processes (redis options are handed down as JSON). Use plain strings, numbers, booleans, arrays and objects; put certificates in as PEM strings.`,
      );
    });

    test('every key and every item is looked at; the first problem found is the one named', () => {
      expect(thrownClustrError(() => checks.redis({ a: [1, () => 1], b: () => 2 }, 'redis'))).toMatchObject({ field: 'redis.a[1]' });
      expect(thrownClustrError(() => checks.redis({ host: 'h', port: 1, tls: { ca: ['a', 'b'], key: 'k', cert: () => 'c' } }, 'redis'))).toMatchObject({ field: 'redis.tls.cert' });
      expect(thrownClustrError(() => checks.redis({ sentinels: [{ host: 'a' }, { host: 'b' }, 7n] }, 'redis'))).toMatchObject({ field: 'redis.sentinels[2]' });
    });
  });
});

describe('checkKeys', () => {
  const specs = { reloadDelay: checks.ms, killTimeout: checks.ms, verbose: checks.boolean };

  test('known keys pass when their values do; undefined values count as absent', () => {
    expect(() => checkKeys({ reloadDelay: 0, verbose: true, killTimeout: undefined }, specs)).not.toThrow();
    expect(() => checkKeys({ verbose: undefined }, { verbose: () => { throw new Error('checked undefined'); } })).not.toThrow();
  });

  test('each value is checked under its own name, with the prefix', () => {
    expect(thrownClustrError(() => checkKeys({ reloadDelay: -1 }, specs, 'restart.'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'restart.reloadDelay' });
  });

  test('an unknown key is refused, naming it, the nearest known one and every known one', () => {
    const error = thrownClustrError(() => checkKeys({ reloadDelay: 1, reloadDelai: 1 }, specs));
    expect(error).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', field: 'reloadDelai' });
    expect(error.message).toBe('reloadDelai is not an option clustr knows. Did you mean "reloadDelay"? Known: reloadDelay, killTimeout, verbose.');
    const nestedError = thrownClustrError(() => checkKeys({ factr: 2 }, { factor: checks.count }, 'restart.'));
    expect(nestedError).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', field: 'restart.factr' });
    expect(nestedError.message).toBe('restart.factr is not an option clustr knows. Did you mean "restart.factor"? Known: factor.');
  });

  test('the guess ignores case', () => {
    expect(thrownClustrError(() => checkKeys({ RELOADDELAY: 1 }, specs)).message).toContain('Did you mean "reloadDelay"?');
  });

  test('a key too far from every known one gets no guess: up to a third of its length, and at least 2, may differ', () => {
    const near = (key: string, known: string) => thrownClustrError(() => checkKeys({ [key]: 1 }, { [known]: checks.later })).message.includes('Did you mean');
    expect(near('xy', 'ab')).toBe(true);
    expect(near('xyz', 'abc')).toBe(false);
    // 9 characters: 3 may differ, not 4.
    expect(near('abcdefXYZ', 'abcdefghi')).toBe(true);
    expect(near('abcdeWXYZ', 'abcdefghi')).toBe(false);
    expect(thrownClustrError(() => checkKeys({ zzzzzzzzzz: 1 }, specs)).message).toBe('zzzzzzzzzz is not an option clustr knows. Known: reloadDelay, killTimeout, verbose.');
  });

  test('with no known keys, every key is refused, with no guess', () => {
    expect(thrownClustrError(() => checkKeys({ a: 1 }, {})).message).toBe('a is not an option clustr knows. Known: .');
  });
});

describe('nested', () => {
  const restart = nested({ factor: checks.count, window: checks.positiveMs });

  test('an object whose keys are checked like the top level, under the field’s name', () => {
    expect(() => restart({ factor: 2 }, 'restart')).not.toThrow();
    expect(thrownClustrError(() => restart({ window: 0 }, 'restart'))).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'restart.window' });
    expect(thrownClustrError(() => restart({ windw: 1 }, 'restart'))).toMatchObject({ code: 'CLUSTR_UNKNOWN_OPTION', field: 'restart.windw' });
  });

  test('what is not an object is refused, naming the field', () => {
    expect(refusal(restart, 5, 'restart')).toBe('restart must be an object; got number 5.');
  });
});

describe('optionsObject', () => {
  test('absent options are an empty object; an object is returned as it is', () => {
    expect(optionsObject(undefined, 'Master.create()')).toEqual({});
    const options = { group: 'web' };
    expect(optionsObject(options, 'Master.create()')).toBe(options);
  });

  test.each([
    [null, 'null'],
    [[], 'an array of 0'],
    ['web', 'the string "web"'],
  ])('%p is refused, naming the call and field options', (value, shown) => {
    const error = thrownClustrError(() => optionsObject(value, 'Worker.create()'));
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'options' });
    expect(error.message).toBe(`Worker.create() must be an options object; got ${shown}.`);
  });
});
