// The files mutation testing covers and the score each must keep (issue 16): one list for
// stryker.config.mjs (what to mutate) and scripts/check-mutation.js (what to enforce).
export const FLOORS = {
  'packages/protocol/src/codec.ts': 90,
  'packages/protocol/src/fast-path.ts': 90,
  'packages/protocol/src/names.ts': 90,
  'packages/protocol/src/structure.ts': 90,
  'packages/protocol/src/signing.ts': 90,
  'packages/runtime/src/reload/reload-machine.ts': 90,
  'packages/runtime/src/supervision/supervisor.ts': 90,
  'packages/runtime/src/supervision/definition.ts': 90,
  'packages/runtime/src/process/confirmations.ts': 90,
  'packages/runtime/src/master/registry.ts': 90,
  'packages/runtime/src/process/stats.ts': 90,
  'packages/runtime/src/process/cluster-process.ts': 85,
  'packages/runtime/src/process/options.ts': 85,
  'packages/runtime/src/process/log-limiter.ts': 85,
  'packages/runtime/src/process/pending.ts': 85,
  'packages/runtime/src/process/redis-target.ts': 85,
  'packages/runtime/src/transport/transport.ts': 85,
  'packages/runtime/src/transport/outbox.ts': 85,
  'packages/runtime/src/transport/connection.ts': 85,
  'packages/runtime/src/transport/sequence.ts': 90,
  // The rest of what this round added or rewrote: request/reply, health, operator commands,
  // connection distribution, signing keys, reading frames.
  'packages/protocol/src/messages.ts': 90,
  'packages/runtime/src/transport/read-frames.ts': 85,
  'packages/runtime/src/transport/deferred-redis.ts': 85,
  'packages/runtime/src/process/requests.ts': 85,
  'packages/runtime/src/process/request-handlers.ts': 85,
  'packages/runtime/src/process/membership.ts': 90,
  'packages/runtime/src/process/remote-error.ts': 85,
  'packages/runtime/src/process/messages-option.ts': 90,
  'packages/runtime/src/process/keyring.ts': 90,
  'packages/runtime/src/process/heartbeat.ts': 85,
  'packages/runtime/src/process/embedded-redis.ts': 85,
  'packages/runtime/src/process/config.ts': 85,
  'packages/runtime/src/supervision/watchdog.ts': 85,
  'packages/runtime/src/master/commands.ts': 85,
  'packages/runtime/src/master/status.ts': 85,
  'packages/runtime/src/master/master.ts': 85,
  'packages/runtime/src/worker/worker.ts': 85,
  'packages/runtime/src/net/distributor.ts': 90,
  'packages/runtime/src/platform/exec-argv.ts': 90,
};

/**
 * Each package's files are mutated against that package's own unit tests: a protocol mutant
 * is caught (or not) by the protocol's tests, not by the thousand runtime tests that happen to
 * decode a frame on the way — which also keeps a run within hours, not days.
 */
export const PACKAGES = ['protocol', 'runtime'];

/** The files of one package (all of them when `pkg` is undefined). */
export function filesOf(pkg) {
  return Object.keys(FLOORS).filter((file) => pkg === undefined || file.startsWith(`packages/${pkg}/`));
}

export const MUTATE = filesOf(undefined);
