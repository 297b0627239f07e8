import { FakeRedisServer } from './server';

/**
 * The server every `FakeRedis` created without a `server` option connects to, so
 * code that news up its own clients still talks to the same fake. Prefer a server
 * per test when you can; otherwise call `resetDefaultFakeRedisServer()` in afterEach.
 */
export const defaultFakeRedisServer: FakeRedisServer = new FakeRedisServer();

/** `defaultFakeRedisServer.reset()`: clears faults and disconnects every client on it. */
export function resetDefaultFakeRedisServer(): void {
  defaultFakeRedisServer.reset();
}
