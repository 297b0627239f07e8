import type { RedisLike } from './redis-like';

type Listener = (...args: any[]) => void;

/**
 * A Redis client whose address is not known yet: it stands in for the real one
 * (created once `client` resolves) so the transport can be built at once. Until
 * then its status is `wait` and commands wait; listeners added meanwhile move to
 * the real client. When `client` rejects, it stays `wait` and emits nothing: the
 * process reports why it has no Redis itself.
 */
export class DeferredRedis implements RedisLike {
  private real: RedisLike | undefined;
  private closed = false;
  private readonly listeners: Array<[string, Listener]> = [];

  constructor(private readonly client: Promise<RedisLike>) {
    client.then(
      (real) => {
        if (this.closed) {
          real.disconnect();
          return;
        }
        this.real = real;
        for (const [event, listener] of this.listeners) real.on(event as 'ready', listener);
      },
      () => undefined,
    );
  }

  get status(): string {
    return this.real?.status ?? (this.closed ? 'end' : 'wait');
  }

  publish(channel: string, message: string): Promise<number> {
    return this.later((real) => real.publish(channel, message));
  }

  subscribe(...channels: string[]): Promise<unknown> {
    return this.later((real) => real.subscribe(...channels));
  }

  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.later((real) => real.unsubscribe(...channels));
  }

  psubscribe(...patterns: string[]): Promise<unknown> {
    return this.later((real) => real.psubscribe(...patterns));
  }

  punsubscribe(...patterns: string[]): Promise<unknown> {
    return this.later((real) => real.punsubscribe(...patterns));
  }

  ping(): Promise<string> {
    return this.later((real) => real.ping());
  }

  quit(): Promise<unknown> {
    if (this.real !== undefined) return this.real.quit();
    this.closed = true;
    return Promise.resolve('OK');
  }

  disconnect(): void {
    if (this.real !== undefined) this.real.disconnect();
    else this.closed = true;
  }

  duplicate(): RedisLike {
    return new DeferredRedis(this.client.then((real) => real.duplicate()));
  }

  on(event: string, listener: Listener): this {
    this.listeners.push([event, listener]);
    this.real?.on(event as 'ready', listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    const at = this.listeners.findIndex(([e, l]) => e === event && l === listener);
    if (at !== -1) this.listeners.splice(at, 1);
    this.real?.off(event, listener);
    return this;
  }

  private later<T>(command: (real: RedisLike) => Promise<T>): Promise<T> {
    return this.real !== undefined ? command(this.real) : this.client.then(command);
  }
}
