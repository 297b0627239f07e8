// ManualClock: time moves only when the test moves it, and timers fire in a fixed order.
import { ManualClock } from '../../src';

/** Fires every timer due at or before `limit`, in order. */
function fireAll(clock: ManualClock, limit: number): void {
  let more = true;
  while (more) more = clock.fireNext(limit);
}

test('starts at a fixed instant and never moves by itself', () => {
  const clock = new ManualClock();
  expect(clock.now()).toBe(1_700_000_000_000);
  expect(new ManualClock(5).now()).toBe(5);
  clock.view().setTimeout(() => undefined, 10);
  expect(clock.now()).toBe(1_700_000_000_000);
});

test('timers fire in due order, ties in the order they were set, only up to the limit', () => {
  const clock = new ManualClock(0);
  const view = clock.view();
  const fired: string[] = [];
  view.setTimeout(() => fired.push('c@30'), 30);
  view.setTimeout(() => fired.push('a@10'), 10);
  view.setTimeout(() => fired.push('b1@20'), 20);
  view.setTimeout(() => fired.push('b2@20'), 20);
  view.setTimeout(() => fired.push('neg@0'), -5);
  expect(clock.pending).toBe(5);
  expect(clock.nextDue()).toBe(0);
  fireAll(clock, 20);
  expect(fired).toEqual(['neg@0', 'a@10', 'b1@20', 'b2@20']);
  expect(clock.now()).toBe(20);
  expect(clock.fireNext(29)).toBe(false);
  expect(clock.now()).toBe(20);
  expect(clock.nextDue()).toBe(30);
  expect(clock.fireNext(30)).toBe(true);
  expect(fired[4]).toBe('c@30');
  expect(clock.nextDue()).toBeUndefined();
  expect(clock.fireNext(Number.POSITIVE_INFINITY)).toBe(false);
});

test('a timer set while another fires is due relative to the time of firing', () => {
  const clock = new ManualClock(0);
  const view = clock.view();
  const fired: Array<[string, number]> = [];
  view.setTimeout(() => {
    fired.push(['outer', clock.now()]);
    view.setTimeout(() => fired.push(['inner', clock.now()]), 0);
    view.setTimeout(() => fired.push(['later', clock.now()]), 5);
  }, 10);
  view.setTimeout(() => fired.push(['same-time', clock.now()]), 10);
  fireAll(clock, 100);
  expect(fired).toEqual([
    ['outer', 10],
    ['same-time', 10],
    ['inner', 10],
    ['later', 15],
  ]);
});

test('clearTimeout cancels one timer; set() moves time forward only', () => {
  const clock = new ManualClock(100);
  const view = clock.view();
  let fired = 0;
  const handle = view.setTimeout(() => fired++, 1);
  view.setTimeout(() => fired++, 2);
  view.clearTimeout(handle);
  view.clearTimeout(handle);
  expect(clock.pending).toBe(1);
  clock.set(50);
  expect(clock.now()).toBe(100);
  clock.set(1_000);
  expect(clock.now()).toBe(1_000);
  // set() fires nothing; an overdue timer fires at the current time, not in the past.
  expect(fired).toBe(0);
  expect(clock.fireNext(1_000)).toBe(true);
  expect(fired).toBe(1);
  expect(clock.now()).toBe(1_000);
});

test('cancelOwner removes the timers of one owner only', () => {
  const clock = new ManualClock(0);
  const fired: string[] = [];
  clock.view(1).setTimeout(() => fired.push('p1'), 5);
  clock.view(2).setTimeout(() => fired.push('p2'), 5);
  clock.view().setTimeout(() => fired.push('shared'), 5);
  clock.view(1).setTimeout(() => fired.push('p1 again'), 6);
  clock.cancelOwner(1);
  expect(clock.pending).toBe(2);
  fireAll(clock, 10);
  expect(fired).toEqual(['p2', 'shared']);
});
