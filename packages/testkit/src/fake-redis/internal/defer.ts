// Everything the fake does "later, but not on a timer" goes through here. It uses the
// Promise job queue rather than process.nextTick or queueMicrotask because jest's fake
// timers (and most custom clocks) replace those two but leave native promises alone,
// so delivery keeps working in tests that freeze time.

const resolved = Promise.resolve();

/** Runs `job` in a later microtask. A throw surfaces as an unhandled rejection, like a throwing socket listener would crash. */
export function defer(job: () => void): void {
  void resolved.then(job);
}
