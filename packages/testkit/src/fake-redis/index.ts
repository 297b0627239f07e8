// The fake-redis folder's public names, listed one by one.
export { FakeRedis } from './client';
export type { FakeRedisEvents, FakeRedisOptions, FakeRedisRetryStrategy, FakeRedisStatus, FakeRedisValue } from './client';
export { FakeRedisServer } from './server';
export type { DropConnectionOptions, FakeRedisServerOptions, FakeRedisTimers, ReleaseChannelOptions } from './server';
export { defaultFakeRedisServer, resetDefaultFakeRedisServer } from './default-server';
export { FakeRedisMaxRetriesPerRequestError, FakeRedisReplyError } from './errors';
