// Where a process connects, what its children are handed, and how refusals read: the
// password is never shown. The same against a real redis-server with an ACL user and TLS:
// test/integration/redis-access.test.ts.
import { createTestCluster } from '@clustr/testkit';
import { isAuthError, isTlsRefusal, redactUrl, redisAuthError, redisTlsError, resolveRedis } from '../../src/process/redis-target';

describe('resolveRedis', () => {
  test('a URL: children get it as CLUSTR_REDIS_URL; the label hides the password', () => {
    const resolved = resolveRedis('rediss://app:p%40ss@redis.internal:6380/2', {});
    expect(resolved).toEqual({
      target: 'rediss://app:p%40ss@redis.internal:6380/2',
      label: 'rediss://app:***@redis.internal:6380/2',
      env: { CLUSTR_REDIS_URL: 'rediss://app:p%40ss@redis.internal:6380/2' },
      isDefault: false,
    });
  });

  test('options: children get them as JSON, PEM included; the label is a URL without the password', () => {
    const options = { host: '10.0.0.5', port: 6380, username: 'app', password: 'pw', tls: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } };
    const resolved = resolveRedis(options, {});
    expect(resolved.label).toBe('rediss://app:***@10.0.0.5:6380');
    expect(resolved.env).toEqual({ CLUSTR_REDIS_OPTIONS: JSON.stringify(options) });
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
});

describe('what children are handed', () => {
  test('a process given a URL while its parent handed down options passes on the URL only: its children never connect by the stale options', async () => {
    const cluster = createTestCluster({ clock: 'manual' });
    cluster.program('parent.js', (ctx) => {
      const worker = ctx.createWorker({ group: 'parents', redis: 'redis://127.0.0.1:6379/0' });
      worker.spawn([{ file: 'leaf.js' }]);
      void worker.emitReady();
    });
    cluster.program('leaf.js', (ctx) => void ctx.createWorker({ group: 'leaves' }).emitReady());
    const master = cluster.createMaster({ redis: { host: '127.0.0.1', port: 6379 } });
    master.spawn([{ file: 'parent.js' }]);
    await cluster.until(() => master.clusterInfo['leaves']?.length === 1);
    const parent = cluster.process(master.clusterInfo['parents']![0]!);
    const leaf = cluster.process(master.clusterInfo['leaves']![0]!);
    expect(parent.env['CLUSTR_REDIS_OPTIONS']).toBe(JSON.stringify({ host: '127.0.0.1', port: 6379 }));
    expect(parent.env).not.toHaveProperty('CLUSTR_REDIS_URL');
    expect(leaf.env['CLUSTR_REDIS_URL']).toBe('redis://127.0.0.1:6379/0');
    expect(leaf.env).not.toHaveProperty('CLUSTR_REDIS_OPTIONS');
    await cluster.close();
  });
});
