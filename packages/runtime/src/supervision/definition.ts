import { isAbsolute, resolve } from 'node:path';
import { ClustrError } from '@clustr/protocol/core';
import type { Platform } from '../platform/platform';

/** One process to start and keep alive. */
export interface SpawnDefinition {
  /** The script to run, resolved against the directory of the spawning script (absolute paths as they are). Required. */
  file: string;
  /**
   * The program that runs `file`. Default: this process's own runtime
   * (`process.execPath` with its `execArgv`, so loaders such as tsx carry over).
   * Any other program on PATH works too, e.g. `"bash"`.
   */
  command?: string;
  /** Pin the child to this CPU with `taskset -c`. Default: no affinity. */
  cpu?: number;
  /** Start the child again when it exits with a non-zero code or a signal. Default `true`. */
  respawn?: boolean;
  /**
   * Command-line args for the child, as `--key=value`. Keys starting with
   * `cluster-` also reach every descendant of the child. Default `{}`.
   */
  args?: Record<string, string | number | boolean>;
  /**
   * Extra environment variables for the child. Default `{}`. The cluster's own variables
   * (`CLUSTR_*`: namespace, parent, Redis, secret, heartbeat) are set after these and win;
   * of `CLUSTR_REDIS_URL` and `CLUSTR_REDIS_OPTIONS` a child gets only the one its parent uses.
   */
  env?: Record<string, string>;
  /**
   * `prefix` (default): every line the child writes reaches our stdout/stderr
   * as `[file pid] line`. `inherit`: the child writes to ours directly.
   */
  output?: 'prefix' | 'inherit';
  /**
   * When the child counts as started, for `onClusterStarted` and for a rolling reload:
   *
   * - `'register'`: once it has registered with the master (`emitReady()`). A reload starts
   *   its replacement first and stops it only once the replacement has registered, so there
   *   is no moment without one. The spawned process itself must register: Node directly, or
   *   through a wrapper that `exec`s it (without exec, the worker registers under another pid).
   * - `'spawn'`: as soon as it has been started. For programs that never register (a bash
   *   script, a sidecar): a reload restarts it in place — stops it (SIGTERM, as when the
   *   cluster stops), then starts it again — never two at once.
   *
   * Default: `'register'` when no `command` is given (the child runs on this process's own
   * runtime), `'spawn'` when one is.
   */
  ready?: ReadyWhen;
  /**
   * Kill (SIGKILL) and restart the child when it sends no heartbeat for the
   * heartbeat timeout: its event loop is blocked. Only registered children send
   * heartbeats, so a long synchronous start is never taken for a hang, and
   * programs that never register (a bash script) are never watched. With `false`
   * a hang is still reported (CLUSTR_PROCESS_HUNG), and the child left alone. Default `true`.
   */
  watchdog?: boolean;
}

/** See SpawnDefinition.ready. */
export type ReadyWhen = 'register' | 'spawn';

/**
 * Checks definition `index` of a spawn() call and resolves its file against the spawning
 * script's directory; throws a ClustrError naming the field, so a bad definition spawns nothing.
 */
export function resolveDefinition(definition: SpawnDefinition, index: number, platform: Platform): { definition: SpawnDefinition; file: string } {
  const field = `definitions[${index}]`;
  if (definition === null || typeof definition !== 'object') {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field} must be an object such as { file: "worker.js" }.`, { field });
  }
  if (typeof definition.file !== 'string' || definition.file === '') {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.file is required: the path of the script to run, e.g. "worker.js".`, { field: `${field}.file` });
  }
  const file = isAbsolute(definition.file) ? definition.file : resolve(platform.baseDir, definition.file);
  if (!platform.fileExists(file)) {
    throw new ClustrError(
      'CLUSTR_SPAWN_FILE_NOT_FOUND',
      `${field}.file ${JSON.stringify(definition.file)} does not exist (looked for ${file}). Relative paths are resolved against ${platform.baseDir}, the directory of the spawning script.`,
      { field: `${field}.file` },
    );
  }
  if (definition.command !== undefined) {
    if (typeof definition.command !== 'string' || definition.command === '') {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.command must be a program name or path, e.g. "bash".`, { field: `${field}.command` });
    }
    const found = definition.command.includes('/') ? platform.fileExists(definition.command) : platform.findExecutable(definition.command) !== undefined;
    if (!found) {
      throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.command ${JSON.stringify(definition.command)} was not found on PATH. Install it or give its full path.`, {
        field: `${field}.command`,
      });
    }
  }
  if (definition.cpu !== undefined) {
    const cpus = platform.cpuCount();
    if (!Number.isInteger(definition.cpu) || definition.cpu < 0 || definition.cpu >= cpus) {
      throw new ClustrError('CLUSTR_INVALID_CPU', `${field}.cpu is ${String(definition.cpu)}, but this machine has CPUs 0 to ${cpus - 1}. Pick one of those, or leave cpu out.`, {
        field: `${field}.cpu`,
      });
    }
    if (platform.findExecutable('taskset') === undefined) {
      throw new ClustrError('CLUSTR_TASKSET_MISSING', `${field}.cpu needs the taskset program, which is not on PATH. Install util-linux (e.g. apt-get install util-linux), or leave cpu out.`, {
        field: `${field}.cpu`,
      });
    }
  }
  if (definition.ready !== undefined && definition.ready !== 'register' && definition.ready !== 'spawn') {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.ready must be "register" or "spawn"; got ${JSON.stringify(definition.ready)}.`, { field: `${field}.ready` });
  }
  if (definition.respawn !== undefined && typeof definition.respawn !== 'boolean') {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.respawn must be true or false.`, { field: `${field}.respawn` });
  }
  if (definition.watchdog !== undefined && typeof definition.watchdog !== 'boolean') {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.watchdog must be true or false.`, { field: `${field}.watchdog` });
  }
  if (definition.args !== undefined && (definition.args === null || typeof definition.args !== 'object' || Array.isArray(definition.args))) {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.args must be an object of flags, e.g. { port: 3000 }.`, { field: `${field}.args` });
  }
  if (definition.env !== undefined && (definition.env === null || typeof definition.env !== 'object' || Array.isArray(definition.env))) {
    throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.env must be an object of variables, e.g. { NODE_ENV: "production" }.`, { field: `${field}.env` });
  }
  // The OS rejects a NUL byte in an argument or the environment; say so here, not as a crash later.
  for (const part of ['args', 'env'] as const) {
    for (const [key, value] of Object.entries(definition[part] ?? {})) {
      if (key.includes('\0') || String(value).includes('\0')) {
        throw new ClustrError('CLUSTR_INVALID_ARGUMENT', `${field}.${part} ${JSON.stringify(key)} contains a NUL byte, which no program can receive.`, { field: `${field}.${part}` });
      }
    }
  }
  return { definition: { ...definition }, file };
}
