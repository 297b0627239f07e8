// The membership view a process picks request targets from (process/membership.ts): what an
// update replaces and reports, and how pick() spreads requests over a group.
import { MembershipView } from '../../src/process/membership';

const idle = (): number => 0;

/** Picks `times` members of `group` in a row, with the load `load` gives each. */
function picks(view: MembershipView, group: string, times: number, load: (pid: number) => number = idle): Array<number | undefined> {
  return Array.from({ length: times }, () => view.pick(group, load));
}

describe('update', () => {
  test('a new view is not ready, knows nobody and has version 0', () => {
    const view = new MembershipView();
    expect(view.ready).toBe(false);
    expect(view.version).toBe(0);
    expect(view.has(1)).toBe(false);
    expect(view.members('web')).toEqual([]);
    expect(view.pick('web', idle)).toBeUndefined();
  });

  test('the first update makes it ready, lists each group sorted by pid, and reports nobody as gone', () => {
    const view = new MembershipView();
    expect(view.update({ master: [1], web: [30, 10, 20] })).toEqual([]);
    expect(view.ready).toBe(true);
    expect(view.version).toBe(1);
    expect(view.members('web')).toEqual([10, 20, 30]);
    expect(view.members('master')).toEqual([1]);
    expect(view.members('jobs')).toEqual([]);
    for (const pid of [1, 10, 20, 30]) expect(view.has(pid)).toBe(true);
    expect(view.has(40)).toBe(false);
  });

  test('sorts pids as numbers, not as text', () => {
    const view = new MembershipView();
    view.update({ web: [100, 9, 20] });
    expect(view.members('web')).toEqual([9, 20, 100]);
  });

  test('does not reorder the caller’s lists', () => {
    const members = [3, 1, 2];
    new MembershipView().update({ web: members });
    expect(members).toEqual([3, 1, 2]);
  });

  test('each update replaces the whole view and returns the pids that left, whatever their group', () => {
    const view = new MembershipView();
    view.update({ master: [1], web: [10, 11], jobs: [20] });
    expect(view.update({ master: [1], web: [11, 12] })).toEqual([10, 20]);
    expect(view.version).toBe(2);
    expect(view.members('jobs')).toEqual([]);
    expect(view.members('web')).toEqual([11, 12]);
    expect(view.has(10)).toBe(false);
    expect(view.has(20)).toBe(false);
    expect(view.has(12)).toBe(true);
    // Nobody left: an empty list, and the version still counts the update.
    expect(view.update({ master: [1], web: [11, 12] })).toEqual([]);
    expect(view.version).toBe(3);
  });
});

describe('pick', () => {
  test('an unknown group, or one with no members, has no pick', () => {
    const view = new MembershipView();
    view.update({ web: [], jobs: [5] });
    expect(view.pick('web', idle)).toBeUndefined();
    expect(view.pick('other', idle)).toBeUndefined();
  });

  test('idle members are picked in turn, in pid order, round and round', () => {
    const view = new MembershipView();
    view.update({ web: [12, 10, 11] });
    expect(picks(view, 'web', 7)).toEqual([10, 11, 12, 10, 11, 12, 10]);
  });

  test('members equally busy are picked in turn too', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11, 12] });
    expect(picks(view, 'web', 4, () => 3)).toEqual([10, 11, 12, 10]);
  });

  test('the member with the fewest requests waiting wins, wherever the turn is', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11, 12] });
    const waiting = new Map([
      [10, 2],
      [11, 5],
      [12, 1],
    ]);
    expect(view.pick('web', (pid) => waiting.get(pid)!)).toBe(12);
    // The turn goes on after the one picked: 10 next, unless another has fewer.
    waiting.set(12, 2);
    expect(view.pick('web', (pid) => waiting.get(pid)!)).toBe(10);
    // An idle member after busy ones is found.
    waiting.set(10, 4).set(11, 0);
    expect(view.pick('web', (pid) => waiting.get(pid)!)).toBe(11);
  });

  test('an idle member ahead in the turn is not passed over for a later one', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11, 12] });
    expect(view.pick('web', (pid) => (pid === 10 ? 3 : 0))).toBe(11);
  });

  test('skipped members are left out; when every member is skipped there is no pick', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11, 12] });
    expect(picks(view, 'web', 3).length).toBe(3);
    const refused = new Set([10, 11]);
    expect(view.pick('web', idle, (pid) => refused.has(pid))).toBe(12);
    expect(view.pick('web', idle, (pid) => refused.has(pid))).toBe(12);
    expect(view.pick('web', idle, () => true)).toBeUndefined();
    // Skipping does not count as a turn taken.
    expect(view.pick('web', idle)).toBe(10);
  });

  test('a pick where every member is skipped leaves the turn where it was', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11, 12] });
    expect(view.pick('web', idle)).toBe(10);
    expect(view.pick('web', idle, () => true)).toBeUndefined();
    expect(view.pick('web', idle)).toBe(11);
    view.update({ web: [] });
    expect(view.pick('web', idle)).toBeUndefined();
    view.update({ web: [10, 11, 12] });
    expect(view.pick('web', idle)).toBe(12);
  });

  test('asks each member for its load at most once, in turn, and no one after an idle member', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11, 12] });
    const asked: number[] = [];
    const load = (busy: (pid: number) => number) => (pid: number) => {
      asked.push(pid);
      return busy(pid);
    };
    view.pick('web', load(() => 1));
    expect(asked).toEqual([10, 11, 12]);
    asked.length = 0;
    // The turn is at 11 now.
    expect(view.pick('web', load((pid) => (pid === 12 ? 0 : 1)))).toBe(12);
    expect(asked).toEqual([11, 12]);
  });

  test('a skipped member is never asked for its load', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11] });
    const asked: number[] = [];
    view.pick(
      'web',
      (pid) => {
        asked.push(pid);
        return 1;
      },
      (pid) => pid === 10,
    );
    expect(asked).toEqual([11]);
  });

  test('each group keeps its own turn', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11], jobs: [20, 21] });
    expect(view.pick('web', idle)).toBe(10);
    expect(view.pick('web', idle)).toBe(11);
    expect(view.pick('jobs', idle)).toBe(20);
    expect(view.pick('web', idle)).toBe(10);
  });

  test('the turn survives an update that shrinks the group', () => {
    const view = new MembershipView();
    view.update({ web: [10, 11, 12, 13] });
    expect(picks(view, 'web', 3)).toEqual([10, 11, 12]);
    view.update({ web: [10, 11] });
    // The turn was at the 4th place: it wraps round the two members left.
    expect(picks(view, 'web', 3)).toEqual([11, 10, 11]);
  });
});
