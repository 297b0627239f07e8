// Where a process connects, what its children are handed, and how refusals read: the
// password is never shown. The same against a real redis-server with an ACL user and TLS:
// test/integration/redis-access.test.ts; what a process spawned in a cluster is handed:
// options.test.ts ("what children are handed").
import { ClustrError } from '@clustr/protocol/core';
import { DEFAULT_REDIS_URL, REDIS_ACL_COMMANDS, isAuthError, isTlsRefusal, redactUrl, redisAuthError, redisTlsError, resolveRedis } from '../../src/process/redis-target';

describe('resolveRedis', () => {
  test('a URL: children get it as CLUSTR_REDIS_URL; the label hides the password', () => {
    const resolved = resolveRedis('rediss://app:p%40ss@redis.internal:6380/2', {});
    // CLUSTR_REDIS_OPTIONS: undefined removes options inherited from further up.
    expect(resolved).toStrictEqual({
      target: 'rediss://app:p%40ss@redis.internal:6380/2',
      label: 'rediss://app:***@redis.internal:6380/2',
      env: { CLUSTR_REDIS_URL: 'rediss://app:p%40ss@redis.internal:6380/2', CLUSTR_REDIS_OPTIONS: undefined },
      isDefault: false,
    });
  });

  test('options: children get them as JSON, PEM included; the label is a URL without the password', () => {
    const options = { host: '10.0.0.5', port: 6380, username: 'app', password: 'pw', tls: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } };
    const resolved = resolveRedis(options, {});
    expect(resolved.label).toBe('rediss://app:***@10.0.0.5:6380');
    // CLUSTR_REDIS_URL: undefined removes a URL inherited from further up.
    expect(resolved.env).toStrictEqual({ CLUSTR_REDIS_OPTIONS: JSON.stringify(options), CLUSTR_REDIS_URL: undefined });
    expect(resolved.isDefault).toBe(false);
    // What a child reads back is what the parent was given.
    expect(resolveRedis(undefined, resolved.env).target).toEqual(options);
    expect(resolveRedis(undefined, resolved.env).label).toBe('rediss://app:***@10.0.0.5:6380');
  });

  test('a password without a user name, and no TLS', () => {
    expect(resolveRedis({ port: 7000, password: 'pw' }, {}).label).toBe('redis://:***@127.0.0.1:7000');
    expect(redactUrl('redis://:pw@host:1')).toBe('redis://:***@host:1');
  });

  test('nothing configured: the environment, else the default address', () => {
    expect(resolveRedis(undefined, { CLUSTR_REDIS_URL: 'redis://u:pw@h:1' }).label).toBe('redis://u:***@h:1');
    expect(resolveRedis(undefined, {})).toMatchObject({ target: 'redis://127.0.0.1:6379', isDefault: true });
  });

  test('the option wins over whatever the parent handed down', () => {
    const env = { CLUSTR_REDIS_OPTIONS: 'not json', CLUSTR_REDIS_URL: 'redis://parent:1', CLUSTR_DEFAULT_REDIS_URL: 'redis://default:2' };
    expect(resolveRedis('redis://mine:3', env)).toMatchObject({ target: 'redis://mine:3', isDefault: false });
    expect(resolveRedis({ port: 4 }, env)).toMatchObject({ target: { port: 4 }, label: 'redis://127.0.0.1:4', isDefault: false });
  });

  test('options handed down win over a URL handed down', () => {
    const resolved = resolveRedis(undefined, { CLUSTR_REDIS_OPTIONS: '{"host":"h","port":1}', CLUSTR_REDIS_URL: 'redis://other:2' });
    expect(resolved).toMatchObject({ target: { host: 'h', port: 1 }, label: 'redis://h:1', isDefault: false });
  });

  test('CLUSTR_REDIS_OPTIONS that is not JSON is refused, naming it and saying not to set it by hand', () => {
    let error: unknown;
    try {
      resolveRedis(undefined, { CLUSTR_REDIS_OPTIONS: '{host:' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ClustrError);
    expect(error).toMatchObject({ code: 'CLUSTR_INVALID_OPTION', field: 'CLUSTR_REDIS_OPTIONS' });
    expect((error as Error).message).toMatch(/^CLUSTR_REDIS_OPTIONS is not JSON \(.+\); it is written by clustr for child processes: do not set it by hand\.$/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  test('the default address: CLUSTR_DEFAULT_REDIS_URL moves it, and it is still the default; an empty CLUSTR_REDIS_URL counts as none', () => {
    expect(DEFAULT_REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(resolveRedis(undefined, { CLUSTR_DEFAULT_REDIS_URL: 'redis://127.0.0.1:1' })).toMatchObject({ target: 'redis://127.0.0.1:1', isDefault: true });
    expect(resolveRedis(undefined, { CLUSTR_REDIS_URL: '' })).toMatchObject({ target: DEFAULT_REDIS_URL, isDefault: true });
    expect(resolveRedis(undefined, { CLUSTR_REDIS_URL: '', CLUSTR_DEFAULT_REDIS_URL: '' })).toMatchObject({ target: DEFAULT_REDIS_URL, isDefault: true });
    expect(resolveRedis(undefined, { CLUSTR_REDIS_URL: 'redis://h:1', CLUSTR_DEFAULT_REDIS_URL: 'redis://d:2' })).toMatchObject({ target: 'redis://h:1', isDefault: false });
  });
});

describe('labels', () => {
  test('a URL without a password is shown as it is, without a trailing slash', () => {
    expect(redactUrl('redis://h:1')).toBe('redis://h:1');
    expect(redactUrl('redis://h:1/')).toBe('redis://h:1');
    expect(redactUrl('redis://user@h:1/3')).toBe('redis://user@h:1/3');
  });

  test('what URL cannot parse is shown as given, the part before @ hidden when there is one', () => {
    expect(redactUrl('/var/run/redis.sock')).toBe('/var/run/redis.sock');
    expect(redactUrl('unix://app:pw@/var/run/redis.sock')).toBe('unix://***@/var/run/redis.sock');
    expect(redactUrl('unix://a@b:pw@c@/s')).toBe('unix://***@/s');
  });

  test('options: a socket path is its own label; else scheme, user, host, port and db, defaults filled in', () => {
    expect(resolveRedis({ path: '/tmp/redis.sock', password: 'pw' }, {}).label).toBe('/tmp/redis.sock');
    expect(resolveRedis({}, {}).label).toBe('redis://127.0.0.1:6379');
    expect(resolveRedis({ host: 'h', username: 'app' }, {}).label).toBe('redis://app@h:6379');
    expect(resolveRedis({ host: 'h', port: 1, db: 0 }, {}).label).toBe('redis://h:1/0');
    expect(resolveRedis({ host: 'h', tls: {} }, {}).label).toBe('rediss://h:6379');
    expect(resolveRedis({ host: 'h', username: 'app', password: 'pw', db: 2 }, {}).label).toBe('redis://app:***@h:6379/2');
  });
});

describe('refusals', () => {
  test('bad credentials and missing permissions are auth errors', () => {
    expect(isAuthError(new Error('WRONGPASS invalid username-password pair or user is disabled.'))).toBe(true);
    expect(isAuthError(new Error('NOAUTH Authentication required.'))).toBe(true);
    expect(isAuthError(new Error("NOPERM this user has no permissions to run the 'info' command"))).toBe(true);
    expect(isAuthError(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(false);
  });

  test('CLUSTR_REDIS_AUTH quotes Redis once, names the URL without the password, and says what to grant', () => {
    const wrong = redisAuthError('redis://app:***@h:1', 'shop', new Error('WRONGPASS invalid username-password pair or user is disabled.'));
    expect(wrong).toMatchObject({ code: 'CLUSTR_REDIS_AUTH' });
    expect(wrong.message).toBe("Redis at redis://app:***@h:1 refused this process: WRONGPASS invalid username-password pair or user is disabled. Check the user name and password, and the ACL user's permissions (docs/security.md).");
    const noperm = redisAuthError('redis://app:***@h:1', 'shop', new Error('NOPERM this user has no permissions to access one of the channels used as arguments'));
    expect(noperm.message).toContain('The ACL user needs the channels &shop:* and the commands +publish +subscribe +info +quit (docs/security.md).');
  });

  test('an untrusted server certificate is a TLS refusal, with where the CA goes', () => {
    const error = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(isTlsRefusal(error)).toBe(true);
    expect(isTlsRefusal(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isTlsRefusal(undefined)).toBe(false);
    const refused = redisTlsError('rediss://app:***@h:1', error);
    expect(refused).toMatchObject({ code: 'CLUSTR_REDIS_UNREACHABLE' });
    expect(refused.message).toContain('the TLS handshake with Redis at rediss://app:***@h:1 failed: self-signed certificate in certificate chain.');
    expect(refused.message).toContain('NODE_EXTRA_CA_CERTS');
  });

  test.each([
    ['ERR invalid password', true],
    ['ERR invalid username-password pair', true],
    ['noauth authentication required', true],
    ['NOPERMISSIONS are not an answer Redis gives', false],
    ['ERR XWRONGPASS', false],
    ['ERR unknown command', false],
  ])('%p is an auth error: %p', (message, expected) => {
    expect(isAuthError(new Error(message))).toBe(expected);
  });

  test('no error is no auth error', () => {
    expect(isAuthError(undefined)).toBe(false);
  });

  test('CLUSTR_REDIS_AUTH keeps the dots inside Redis’s words and drops the ones at the end; the answer is its cause', () => {
    const answer = new Error('WRONGPASS user app.v2 is disabled...');
    const error = redisAuthError('redis://h:1', 'shop', answer);
    expect(error).toBeInstanceOf(ClustrError);
    expect(error.message).toBe("Redis at redis://h:1 refused this process: WRONGPASS user app.v2 is disabled. Check the user name and password, and the ACL user's permissions (docs/security.md).");
    expect(error.cause).toBe(answer);
    expect(REDIS_ACL_COMMANDS).toEqual(['publish', 'subscribe', 'info', 'quit']);
  });

  test('a TLS refusal error keeps the dots inside the handshake error and has it as its cause', () => {
    const answer = Object.assign(new Error('Hostname/IP does not match certificate\'s altnames: Host: redis.internal. is not in the cert\'s altnames..'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(isTlsRefusal(answer)).toBe(true);
    const error = redisTlsError('rediss://redis.internal:6380', answer);
    expect(error.message).toBe(
      "the TLS handshake with Redis at rediss://redis.internal:6380 failed: Hostname/IP does not match certificate's altnames: Host: redis.internal. is not in the cert's altnames. Give clustr the CA that signed the server's certificate (redis: { ..., tls: { ca: '<PEM>' } }, or NODE_EXTRA_CA_CERTS=<file> in the master's environment), and check that the host matches the certificate (docs/security.md).",
    );
    expect(error.cause).toBe(answer);
  });

  test('a code that is not a string is no TLS refusal', () => {
    expect(isTlsRefusal(Object.assign(new Error('x'), { code: 20 }))).toBe(false);
    expect(isTlsRefusal(new Error('CERT_HAS_EXPIRED'))).toBe(false);
  });
});
