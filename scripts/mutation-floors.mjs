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
};

export const MUTATE = Object.keys(FLOORS);
