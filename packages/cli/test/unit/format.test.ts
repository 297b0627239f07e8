// What the clustr command prints: the ls table (it must fit 100 columns), tail lines, and how
// arguments and errors map to exit codes.
import type { ProcessStatus, TailEntry } from '@clustr/runtime';
import { EXIT, main, publishArgs, tailFilter, type Io } from '../../src/cli';
import { exitCodeOf } from '../../src/exit-codes';
import { bytes, count, duration, statusTable, tailLine } from '../../src/format';

const NOW = 1_800_000_000_000;

function status(pid: number, group: string, overrides: Partial<ProcessStatus> = {}, host = 'web-01'): ProcessStatus {
  return {
    pid,
    group,
    parentPid: group === 'master' ? pid : 4000,
    state: 'ready',
    registeredAt: NOW - 65_000,
    lastHeartbeat: NOW - 500,
    health: {
      parentPid: group === 'master' ? pid : 4000,
      host,
      startedAt: NOW - 3_725_000,
      uptime: 3_725_000,
      interval: 2000,
      rss: 74_700_000,
      heapUsed: 12_000_000,
      heapTotal: 20_000_000,
      cpu: 1.234,
      loopP50: 0.4,
      loopP99: 12.6,
      loopMax: 30,
      restarts: 2,
      stats: { onMessage: 12_345, emitPublic: 10, emitPrivate: 5, emitGroup: 1, rejectedFrames: { invalid_data: 3, bad_signature: 1 } },
    },
    ...overrides,
  };
}

const plain = { color: false, width: 100 };

test('the ls table: one header, one row per process, every figure readable, at most 100 columns', () => {
  const table = statusTable([status(4000, 'master'), status(4001, 'web'), status(4002, 'jobs', { state: 'hung' }), { pid: 4003, group: 'py', parentPid: 4000, state: 'starting', registeredAt: NOW - 65_000 }], NOW, plain);
  const lines = table.split('\n');
  expect(lines).toEqual([
    ' GROUP   PID PARENT HOST   STATE    UPTIME ↺  CPU   MEM LOOP p99 MSG IN/OUT REJ',
    ' master 4000      - web-01 ready     1h02m 2 1.2% 71.2M     13ms     12k/16   4',
    ' web    4001   4000 web-01 ready     1h02m 2 1.2% 71.2M     13ms     12k/16   4',
    ' jobs   4002   4000 web-01 hung      1h02m 2 1.2% 71.2M     13ms     12k/16   4',
    ' py     4003   4000        starting  1m05s',
  ]);
});

test('long group and host names give way first, so the table never passes the terminal width', () => {
  const long = [status(4000, 'master', {}, 'a-very-long-host-name.example.internal'), status(4001, 'a-very-long-group-name-indeed', {}, 'a-very-long-host-name.example.internal')];
  for (const width of [100, 90, 80]) {
    const lines = statusTable(long, NOW, { color: false, width }).split('\n');
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(width);
    expect(lines[2]).toContain('4001');
  }
});

test('colours mark the state and dropped frames, and do not count toward the width', () => {
  const lines = statusTable([status(4000, 'master'), status(4002, 'jobs', { state: 'hung' })], NOW, { color: true, width: 100 }).split('\n');
  expect(lines[2]).toContain('\u001b[31mhung\u001b[0m');
  // eslint-disable-next-line no-control-regex
  expect(Math.max(...lines.map((line) => line.replace(/\u001b\[[0-9;]*m/g, '').length))).toBeLessThanOrEqual(100);
});

test('durations, sizes and counts are short', () => {
  expect([duration(45_000), duration(723_000), duration(3_725_000), duration(183_600_000)]).toEqual(['45s', '12m03s', '1h02m', '2d03h']);
  expect([bytes(812 * 1024), bytes(74_700_000), bytes(1.5 * 1024 ** 3)]).toEqual(['812K', '71.2M', '1.5G']);
  expect([count(999), count(1_234), count(34_000), count(1_200_000)]).toEqual(['999', '1.2k', '34k', '1.2M']);
});

const frameEntry = (kind: 'public' | 'heartbeat', data: unknown, channel = 'shop:public'): TailEntry => ({ at: NOW, channel, frame: { v: 2, kind, id: '1.a.1', meta: { pid: 4001, group: 'web' }, data } as never });

test('a tail line: time, channel without the namespace, kind, sender, data; heartbeats summarised', () => {
  expect(tailLine(frameEntry('public', { hello: 'world' }), 'shop', { color: false, width: Infinity })).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.000  ${'public'.padEnd(15)}  ${'public'.padEnd(18)}  ${'web:4001'.padEnd(14)}  \\{"hello":"world"\\}$`));
  const beat = tailLine(frameEntry('heartbeat', status(4001, 'web').health, 'shop:master'), 'shop', { color: false, width: Infinity });
  expect(beat).toContain(`${'master'.padEnd(15)}  ${'heartbeat'.padEnd(18)}  ${'web:4001'.padEnd(14)}  cpu 1.2% rss 71.2M loop p99 13ms up 1h02m ↺2`);
  expect(tailLine(frameEntry('public', 'x'.repeat(300)), 'shop', { color: false, width: 100 })).toHaveLength(100);
});

test('tail filters: heartbeats only when asked for; dropped frames unless the view is narrowed', () => {
  const rejected: TailEntry = { at: NOW, channel: 'shop:public', rejected: { reason: 'not_json', channel: 'shop:public', message: 'x', issues: [] } };
  const all = tailFilter({});
  expect([all(frameEntry('public', 1)), all(frameEntry('heartbeat', {})), all(rejected)]).toEqual([true, false, true]);
  expect(tailFilter({ all: true })(frameEntry('heartbeat', {}))).toBe(true);
  const kinds = tailFilter({ kind: ['heartbeat,rejected'] });
  expect([kinds(frameEntry('public', 1)), kinds(frameEntry('heartbeat', {})), kinds(rejected)]).toEqual([false, true, true]);
  expect([tailFilter({ group: 'web' })(frameEntry('public', 1)), tailFilter({ group: 'jobs' })(frameEntry('public', 1)), tailFilter({ pid: 4001 })(rejected)]).toEqual([true, false, false]);
});

test('publish arguments', () => {
  expect(publishArgs(['public', '{"a":1}'])).toEqual({ target: { kind: 'public' }, json: '{"a":1}' });
  expect(publishArgs(['private', 4001, '1'])).toEqual({ target: { kind: 'private', pid: 4001 }, json: '1' });
  expect(publishArgs(['group', 'web', 'null'])).toEqual({ target: { kind: 'group', group: 'web' }, json: 'null' });
  expect(() => publishArgs(['private', 'abc', '1'])).toThrow('publish private: "abc" is not a process id.');
  expect(() => publishArgs(['group', '1'])).toThrow('publish group takes <name> <json>; got 1 argument.');
  expect(() => publishArgs(['everyone', '1'])).toThrow('publish takes public, private <pid> or group <name>; got "everyone".');
});

test('each error code has its documented exit code', () => {
  expect(exitCodeOf('CLUSTR_NO_MASTER')).toBe(EXIT.noMaster);
  expect(exitCodeOf('CLUSTR_FRAME_REJECTED')).toBe(EXIT.rejected);
  expect(exitCodeOf('CLUSTR_REDIS_UNREACHABLE')).toBe(69);
  expect(exitCodeOf('CLUSTR_REDIS_AUTH')).toBe(69);
  expect(exitCodeOf('CLUSTR_RELOAD_FAILED')).toBe(EXIT.failed);
  expect(exitCodeOf('CLUSTR_COMMAND_REFUSED')).toBe(EXIT.failed);
  expect(exitCodeOf('CLUSTR_INVALID_NAME')).toBe(EXIT.usage);
});

function io(): Io & { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  return Object.assign(out, {
    out: (text: string) => void (out.stdout += text),
    err: (text: string) => void (out.stderr += text),
    isTTY: false,
    columns: undefined,
    env: {},
    interrupted: () => new Promise<void>(() => undefined),
  });
}

test('usage errors print one line and the way to help, and exit 2', async () => {
  const bad = io();
  expect(await main(['ls', '--nope'], bad)).toBe(EXIT.usage);
  expect(bad.stderr).toBe('clustr: Unknown argument: nope\nRun clustr --help for the commands and options.\n');
  const none = io();
  expect(await main([], none)).toBe(EXIT.usage);
  expect(none.stderr).toContain('Name a command: ls, info, reload, stop, tail, publish or schema.');
  const invalid = io();
  expect(await main(['ls', '--namespace', 'a:b'], invalid)).toBe(EXIT.usage);
  expect(invalid.stderr).toMatch(/^clustr: namespace must be 1-64 characters .*\(CLUSTR_INVALID_NAME\)\n$/);
});
