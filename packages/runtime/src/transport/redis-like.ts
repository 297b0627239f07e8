/**
 * The part of an ioredis client that clustr uses. Any client with this shape
 * works: ioredis itself, `FakeRedis` from @clustr/testkit, or a wrapper. Keeping
 * the seam this small is what lets the fake prove it behaves like Redis.
 */
export interface RedisLike {
  /** ioredis connection status: `wait`, `connecting`, `connect`, `ready`, `reconnecting`, `close`, `end`. */
  readonly status: string;
  publish(channel: string, message: string): Promise<number>;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  psubscribe(...patterns: string[]): Promise<unknown>;
  punsubscribe(...patterns: string[]): Promise<unknown>;
  ping(): Promise<string>;
  quit(): Promise<unknown>;
  disconnect(): void;
  duplicate(): RedisLike;
  on(event: 'message', listener: (channel: string, message: string) => void): this;
  on(event: 'pmessage', listener: (pattern: string, channel: string, message: string) => void): this;
  on(event: 'ready' | 'end' | 'close' | 'connect', listener: () => void): this;
  on(event: 'reconnecting', listener: (delay: number) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  off(event: string, listener: (...args: any[]) => void): this;
}
