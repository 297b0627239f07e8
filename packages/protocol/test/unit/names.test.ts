import {
  ClustrError,
  DEFAULT_NAMESPACE,
  FRAME_KINDS,
  GroupName,
  MASTER_GROUP,
  NAME_PATTERN,
  assertGroupName,
  assertNamespace,
  channels,
  isValidName,
  KIND_CHANNELS,
  type ChannelFamily,
  type Channels,
  type FrameKind,
  type FrameOf,
} from '../../src';

/**
 * Where each kind is published, as docs/protocol.md describes it. Typed over every
 * kind, so a new kind does not compile until someone decides its channel.
 */
const ROUTES: { [K in FrameKind]: (c: Channels, frame: FrameOf<K>) => string } = {
  public: (c) => c.public,
  private: (c) => c.private(7),
  group: (c, f) => c.group(f.meta.group),
  any: (c) => c.private(7),
  request: (c) => c.private(7),
  reply: (c) => c.private(7),
  kill: (c, f) => c.private(f.data.pid),
  confirmation: (c) => c.confirmation,
  register: (c) => c.master,
  deregister: (c) => c.master,
  heartbeat: (c) => c.master,
  clusterInfoRequest: (c) => c.master,
  clusterInfoReply: (c) => c.private(7),
  announce: (c) => c.control,
  membership: (c) => c.control,
  statusRequest: (c) => c.master,
  statusReply: (c) => c.private(7),
  command: (c) => c.master,
  commandReply: (c) => c.private(7),
  batch: (c, f) => c.group(f.meta.group),
};

const META = { pid: 7, group: 'web' };
const HEALTH = { parentPid: 1, host: 'h', startedAt: 0, uptime: 0, interval: 2000, rss: 0, heapUsed: 0, heapTotal: 0, cpu: 0, loopP50: 0, loopP99: 0, loopMax: 0, restarts: 0, stats: {} };
const SAMPLE_FRAMES: { [K in FrameKind]: FrameOf<K> } = {
  public: { v: 2, kind: 'public', id: 'a', meta: META, data: 1 },
  private: { v: 2, kind: 'private', id: 'a', meta: META, data: 1 },
  group: { v: 2, kind: 'group', id: 'a', meta: META, data: 1 },
  any: { v: 2, kind: 'any', id: 'a', meta: META, data: { group: 'web', body: 1 } },
  request: { v: 2, kind: 'request', id: 'a', meta: META, data: { body: 1 } },
  reply: { v: 2, kind: 'reply', id: 'a', meta: META, data: { ok: true, body: 1 } },
  kill: { v: 2, kind: 'kill', id: 'a', meta: META, data: { pid: 9, code: 0 } },
  confirmation: { v: 2, kind: 'confirmation', id: 'a', meta: META, data: { identifier: 'x' } },
  register: { v: 2, kind: 'register', id: 'a', meta: META, data: { parentPid: 1 } },
  deregister: { v: 2, kind: 'deregister', id: 'a', meta: META, data: { pid: 7 } },
  heartbeat: { v: 2, kind: 'heartbeat', id: 'a', meta: META, data: HEALTH },
  clusterInfoRequest: { v: 2, kind: 'clusterInfoRequest', id: 'a', meta: META, data: {} },
  clusterInfoReply: { v: 2, kind: 'clusterInfoReply', id: 'a', meta: META, data: {} },
  announce: { v: 2, kind: 'announce', id: 'a', meta: META, data: { reason: 'start' } },
  membership: { v: 2, kind: 'membership', id: 'a', meta: META, data: {} },
  statusRequest: { v: 2, kind: 'statusRequest', id: 'a', meta: META, data: {} },
  statusReply: { v: 2, kind: 'statusReply', id: 'a', meta: META, data: { processes: [] } },
  command: { v: 2, kind: 'command', id: 'a', meta: META, data: { action: 'reload' } },
  commandReply: { v: 2, kind: 'commandReply', id: 'a', meta: META, data: { event: 'accepted', action: 'reload' } },
  batch: { v: 2, kind: 'batch', id: 'a', meta: META, data: [{}] },
};

function route<K extends FrameKind>(c: Channels, kind: K): string {
  return ROUTES[kind](c, SAMPLE_FRAMES[kind]);
}

/** Every channel a namespace can produce for the given pids and groups. */
function channelSet(namespace: string, pids: number[], groups: string[]): Set<string> {
  const c = channels(namespace);
  return new Set([c.public, c.confirmation, c.master, c.control, ...pids.map((pid) => c.private(pid)), ...groups.map((g) => c.group(g))]);
}

const BAD_NAMES: unknown[] = ['', 'a:b', 'a*', 'a?', 'a[1]', 'back\\slash', 'my app', '-app', '.app', '_app', 'x'.repeat(65), 'app\n', 'äpp', 'a/b', 42, null, undefined, {}];
const GOOD_NAMES = ['a', 'Z', '0', 'shop-prod', 'jobs.email', 'snake_case', 'a-b_c.d-1', 'x'.repeat(64)];

describe('channels', () => {
  test('builds every fixed channel under the namespace prefix', () => {
    const c = channels('shop');
    expect(c.namespace).toBe('shop');
    expect(c.public).toBe('shop:public');
    expect(c.confirmation).toBe('shop:confirmation');
    expect(c.master).toBe('shop:master');
    expect(c.control).toBe('shop:control');
    expect(c.private(4242)).toBe('shop:private:4242');
    expect(c.group('web')).toBe('shop:group:web');
    expect(c.group(MASTER_GROUP)).toBe('shop:group:master');
  });

  test.each(FRAME_KINDS.map((kind) => [kind]))('routes %s frames to a channel of the namespace', (kind) => {
    const expected: Record<FrameKind, string> = {
      public: 'ns-1:public',
      private: 'ns-1:private:7',
      group: 'ns-1:group:web',
      kill: 'ns-1:private:9',
      confirmation: 'ns-1:confirmation',
      register: 'ns-1:master',
      deregister: 'ns-1:master',
      clusterInfoRequest: 'ns-1:master',
      clusterInfoReply: 'ns-1:private:7',
      any: 'ns-1:private:7',
      request: 'ns-1:private:7',
      reply: 'ns-1:private:7',
      heartbeat: 'ns-1:master',
      announce: 'ns-1:control',
      membership: 'ns-1:control',
      statusRequest: 'ns-1:master',
      statusReply: 'ns-1:private:7',
      command: 'ns-1:master',
      commandReply: 'ns-1:private:7',
      batch: 'ns-1:group:web',
    };
    expect(route(channels('ns-1'), kind)).toBe(expected[kind]);
    expect(route(channels('other'), kind).startsWith('other:')).toBe(true);
  });

  test.each(FRAME_KINDS.map((kind) => [kind]))('KIND_CHANNELS lists the channel family %s frames are routed to', (kind) => {
    const c = channels('ns-1');
    const family = (channel: string): ChannelFamily => {
      const [, name] = channel.split(':') as [string, ChannelFamily];
      return name;
    };
    expect(KIND_CHANNELS[kind]).toContain(family(route(c, kind)));
  });

  test('heartbeats may also go to a parent that is not the master; batches travel on every family', () => {
    expect(KIND_CHANNELS.heartbeat).toEqual(['master', 'private']);
    expect([...KIND_CHANNELS.batch].sort()).toEqual(['confirmation', 'control', 'group', 'master', 'private', 'public']);
  });

  test('the master channel is not the channel of a group called "master"', () => {
    const c = channels('shop');
    expect(c.master).not.toBe(c.group(MASTER_GROUP));
  });

  test.each([
    ['shop', 'shop-prod'],
    ['a', 'a.b'],
    ['app', 'app1'],
    ['x', 'X'],
    ['clustr', 'clustr_test'],
  ])('namespaces %s and %s have disjoint channel sets, and neither matches the other\'s prefix', (first, second) => {
    const pids = [1, 7, 4242, 2147483647];
    const groups = ['web', 'master', 'public', 'private', 'group', 'jobs.email'];
    const one = channelSet(first, pids, groups);
    const two = channelSet(second, pids, groups);
    expect([...one].filter((ch) => two.has(ch))).toEqual([]);
    // A PSUBSCRIBE to `<ns>:*` must hear only its own cluster.
    expect([...one].filter((ch) => ch.startsWith(`${second}:`))).toEqual([]);
    expect([...two].filter((ch) => ch.startsWith(`${first}:`))).toEqual([]);
  });

  test('a group channel never equals a fixed channel of the same namespace', () => {
    const c = channels('shop');
    const fixed = new Set([c.public, c.confirmation, c.master, c.private(1)]);
    for (const group of ['public', 'confirmation', 'master', 'private', 'group', '1']) expect(fixed.has(c.group(group))).toBe(false);
  });

  test.each(BAD_NAMES.map((name) => [name]))('refuses namespace %p with CLUSTR_INVALID_NAME', (name) => {
    expect(() => channels(name as string)).toThrow(ClustrError);
    try {
      channels(name as string);
    } catch (error) {
      const e = error as ClustrError;
      expect(e.code).toBe('CLUSTR_INVALID_NAME');
      expect(e.field).toBe('namespace');
      expect(e.message).toMatch(/^namespace must be 1-64 characters/);
      expect(e.message).toContain('Pick a name');
      expect(e.message).toContain(typeof name === 'string' ? JSON.stringify(name) : 'a value of type');
    }
  });

  test.each(BAD_NAMES.map((name) => [name]))('refuses group %p with CLUSTR_INVALID_NAME', (name) => {
    const c = channels('shop');
    try {
      c.group(name as string);
      throw new Error('group() accepted a bad name');
    } catch (error) {
      expect(error).toBeInstanceOf(ClustrError);
      const e = error as ClustrError;
      expect(e.code).toBe('CLUSTR_INVALID_NAME');
      expect(e.field).toBe('group');
      expect(e.message).toMatch(/^group must be 1-64 characters/);
      expect(e.message).toContain('Pick a group name such as "web"');
    }
  });
});

describe('name checks', () => {
  test.each(GOOD_NAMES.map((name) => [name]))('accepts %p', (name) => {
    expect(isValidName(name)).toBe(true);
    expect(() => assertNamespace(name)).not.toThrow();
    expect(() => assertGroupName(name)).not.toThrow();
  });

  test.each(BAD_NAMES.map((name) => [name]))('rejects %p', (name) => {
    expect(isValidName(name)).toBe(false);
  });

  test('the asserts name the field they were given', () => {
    expect(() => assertNamespace('a:b', 'options.namespace')).toThrow(/^options\.namespace must be/);
    try {
      assertGroupName('a b', 'spawn.group');
    } catch (error) {
      expect((error as ClustrError).field).toBe('spawn.group');
    }
    expect.assertions(2);
  });

  test('the defaults are valid names', () => {
    expect(isValidName(DEFAULT_NAMESPACE)).toBe(true);
    expect(isValidName(MASTER_GROUP)).toBe(true);
  });

  test('the schema checks group names with the same pattern, which has no end-of-line loophole', () => {
    expect(GroupName.pattern).toBe(NAME_PATTERN);
    const re = new RegExp(NAME_PATTERN, 'u');
    for (const name of [...GOOD_NAMES, ...BAD_NAMES.filter((n): n is string => typeof n === 'string')]) {
      expect(re.test(name)).toBe(isValidName(name));
    }
    // Python's re, PCRE and Java let `$` match before a final newline; the exported pattern must not use it.
    expect(NAME_PATTERN.endsWith('$')).toBe(false);
  });
});

describe('name limits at their edges', () => {
  const check = (name: unknown) => {
    const valid = isValidName(name);
    // The three checks agree on every name: the predicate, and both asserts.
    const asserts = [() => assertNamespace(name), () => assertGroupName(name), () => channels('shop').group(name as string)].map((fn) => {
      try {
        fn();
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(ClustrError);
        return false;
      }
    });
    expect([name, asserts]).toEqual([name, [valid, valid, valid]]);
    return valid;
  };

  test('64 characters are accepted, 65 refused, whatever the characters', () => {
    for (const tail of ['x', '9', '_', '.', '-', 'Z']) {
      expect(check(`a${tail.repeat(63)}`)).toBe(true);
      expect(check(`a${tail.repeat(64)}`)).toBe(false);
    }
    expect(check('a')).toBe(true);
    expect(check('')).toBe(false);
  });

  test('the first character is a letter or a digit; "_", "." and "-" only after it', () => {
    for (const first of ['a', 'z', 'A', 'Z', '0', '9']) expect(check(`${first}b`)).toBe(true);
    for (const first of ['_', '.', '-']) {
      expect(check(`${first}b`)).toBe(false);
      expect(check(first)).toBe(false);
      expect(check(`b${first}`)).toBe(true);
      expect(check(`b${first}${first}c`)).toBe(true);
    }
  });

  test.each([
    ['the channel separator', [':']],
    ['glob characters of PSUBSCRIBE', ['*', '?', '[', ']', '\\', '^']],
    ['whitespace and line breaks', [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2028', '\u2029']],
    ['control characters', ['\u0000', '\u001b', '\u007f']],
    ['other punctuation', ['/', '@', '#', '$', '%', '&', '+', ',', ';', '=', '"', "'", '`', '{', '}', '(', ')', '|', '~', '!', '<', '>']],
    ['letters and digits outside ASCII', ['é', 'ß', 'ж', '٣', '😀', 'Ａ']],
  ])('%s are refused anywhere in a name', (_class, chars) => {
    for (const ch of chars) {
      for (const name of [`${ch}ab`, `a${ch}b`, `ab${ch}`, ch]) expect(check(name)).toBe(false);
    }
  });

  test('the errors quote what was given: a string as JSON, anything else by its type', () => {
    const message = (value: unknown) => {
      try {
        assertGroupName(value);
      } catch (error) {
        return (error as ClustrError).message;
      }
      throw new Error('accepted');
    };
    const rule = "group must be 1-64 characters of letters, digits, '_', '.' or '-', starting with a letter or digit; got";
    const example = 'Pick a group name such as "web" or "jobs.email".';
    expect(message('a b')).toBe(`${rule} "a b". ${example}`);
    expect(message('web\n')).toBe(`${rule} "web\\n". ${example}`);
    expect(message(null)).toBe(`${rule} a value of type null. ${example}`);
    expect(message(undefined)).toBe(`${rule} a value of type undefined. ${example}`);
    expect(message(42)).toBe(`${rule} a value of type number. ${example}`);
    expect(message({ name: 'web' })).toBe(`${rule} a value of type object. ${example}`);
    expect(() => assertNamespace(7)).toThrow(
      "namespace must be 1-64 characters of letters, digits, '_', '.' or '-', starting with a letter or digit; got a value of type number. Pick a name without spaces, colons or glob characters, e.g. \"shop-prod\".",
    );
  });

  test('channels() refuses a bad namespace before building anything', () => {
    expect(() => channels('a'.repeat(65))).toThrow(ClustrError);
    expect(channels('a'.repeat(64)).public).toBe(`${'a'.repeat(64)}:public`);
  });
});
