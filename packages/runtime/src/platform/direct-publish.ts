import Redis, { Command } from 'ioredis';
import type { RedisLike } from '../transport/redis-like';

/**
 * PUBLISH on an ioredis client, written to its socket at once. With auto-pipelining on (clustr's
 * default clients), `client.publish()` adds the command to a Pipeline that is written on a later
 * turn of the event loop (`setImmediate`), and not before the client's previous auto-pipeline has
 * been answered: worth it for commands issued one by one, but clustr's outbox already groups the
 * frames of a tick, so for it the Pipeline is pure cost, paid by every lone frame. `corked` sends
 * the writes of `write` as one, where a tick has frames for several channels.
 *
 * Order: a command already waiting in the client's auto-pipeline (the user's own, on a client
 * they share with clustr) must not be overtaken, so while anything waits there, `publish` goes
 * through `client.publish()` and queues behind it.
 */
export interface DirectPublisher {
  publish(channel: string, raw: string): Promise<number>;
  corked(write: () => void): void;
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * A DirectPublisher for `client` when it is an ioredis client of the copy clustr loads (one it
 * created, or a user's of the same ioredis); undefined for anything else (a fake, a cluster
 * client, another copy of ioredis, the stand-in of a Redis still starting), which then publishes
 * through its own `publish()`.
 */
export function directPublisher(client: RedisLike): DirectPublisher | undefined {
  if (!(client instanceof Redis)) return undefined;
  // Where ioredis keeps the auto-pipelines not yet written; without it, no way to know what would be overtaken.
  const waiting = (client as unknown as { _autoPipelines?: unknown })._autoPipelines;
  if (!(waiting instanceof Map)) return undefined;
  return {
    publish: (channel, raw) =>
      waiting.size === 0 ? (client.sendCommand(new Command('publish', [channel, raw], { replyEncoding: 'utf8' })) as Promise<number>) : client.publish(channel, raw),
    corked(write) {
      const stream = (client as unknown as { stream?: Partial<Corkable> }).stream;
      if (typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function') {
        write();
        return;
      }
      stream.cork();
      try {
        write();
      } finally {
        stream.uncork();
      }
    },
  };
}
