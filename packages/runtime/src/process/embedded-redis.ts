import { ClustrError, isClustrError } from '@clustr/protocol/core';
import type { Platform, PrivateRedis } from '../platform/platform';
import type { RedisLike } from '../transport/redis-like';
import { DeferredRedis } from '../transport/deferred-redis';
import type { Logger } from './logger';
import { resolveRedis, type ResolvedRedis } from './redis-target';

/** How long a probe waits for a PING answer; nothing on loopback takes longer than a refusal. */
export const PROBE_TIMEOUT_MS = 1_000;

/** Where a master's Redis ended up, decided once it has looked. */
export interface RedisChoice {
  resolved: ResolvedRedis;
  /** The private redis-server this process started, if it did. */
  server: PrivateRedis | undefined;
}

/**
 * A master that was given no Redis (no option, no CLUSTR_REDIS_URL) and whose
 * platform can start one looks before it connects: the default address first,
 * then the private Redis of its namespace, and only when neither answers does it
 * start a private redis-server. A Redis the user configured is never replaced.
 */
export function wantsPrivateRedis(role: 'master' | 'worker', resolved: ResolvedRedis, platform: Platform, ownClients: boolean): boolean {
  return role === 'master' && ownClients && resolved.isDefault && platform.redisServer !== undefined;
}

/** Looks for a Redis and starts a private one if need be. Rejects with CLUSTR_REDIS_SERVER_MISSING (or _UNREACHABLE) when it cannot. */
export async function chooseRedis(deps: { platform: Platform; namespace: string; resolved: ResolvedRedis; logger: Logger; label: string }): Promise<RedisChoice> {
  const { platform, namespace, resolved, logger, label } = deps;
  const control = platform.redisServer!;
  if (await control.answers(resolved.target, PROBE_TIMEOUT_MS)) return { resolved, server: undefined };
  const socket = control.socketPath(namespace);
  const onSocket = resolveRedis(socket, {});
  if (await control.answers(socket, PROBE_TIMEOUT_MS)) {
    // Another master of this namespace started it: share it, as two masters would share any Redis.
    logger.warn({ event: 'redis.private.joined', socket }, `no Redis at ${resolved.label}; using the private Redis of namespace "${namespace}" another process started on ${socket}`);
    platform.write('stderr', `${label}: no Redis at ${resolved.label}; using the private Redis another process of namespace "${namespace}" started on ${socket}\n`);
    return { resolved: onSocket, server: undefined };
  }
  let server: PrivateRedis;
  try {
    server = await control.start(socket);
  } catch (error) {
    if (!isClustrError(error)) throw error;
    throw new ClustrError(error.code, `no Redis answers at ${resolved.label} and none is configured; ${error.message}`, { cause: error });
  }
  logger.info({ event: 'redis.private.started', socket, pid: server.pid }, `started a private redis-server on ${socket}`);
  platform.write('stderr', `${label}: no Redis at ${resolved.label}, so started a private redis-server (pid ${server.pid}) on ${socket}; it stops with the cluster. \`clustr\` commands find it by namespace ("${namespace}").\n`);
  return { resolved: onSocket, server };
}

/** Clients that connect once the choice is made (the transport is built before). */
export function deferredClients(platform: Platform, choice: Promise<RedisChoice>): { publisher: RedisLike; subscriber: RedisLike } {
  const client = () => new DeferredRedis(choice.then(({ resolved }) => platform.createRedis(resolved.target)));
  return { publisher: client(), subscriber: client() };
}
