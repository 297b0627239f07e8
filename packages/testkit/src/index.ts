/**
 * `FakeRedis` and `createTestCluster()`: a whole clustr cluster in one process, for unit tests
 * under any runner.
 *
 * @module @clustr/testkit
 */
export {
  FakeRedis,
  FakeRedisMaxRetriesPerRequestError,
  FakeRedisReplyError,
  FakeRedisServer,
  defaultFakeRedisServer,
  resetDefaultFakeRedisServer,
} from './fake-redis';
export type {
  DropConnectionOptions,
  FakeRedisEvents,
  FakeRedisOptions,
  FakeRedisRetryStrategy,
  FakeRedisServerOptions,
  FakeRedisStatus,
  FakeRedisTimers,
  FakeRedisValue,
  ReleaseChannelOptions,
} from './fake-redis';

export { TestCluster, createTestCluster } from './harness/test-cluster';
export type { ClockMode, Program, ProgramContext, SimProcess, SimState, TestClusterOptions } from './harness/test-cluster';
export { ManualClock } from './harness/manual-clock';
