import { MASTER_GROUP, type ClusterInfo } from '@clustr/protocol/core';

export interface Registration {
  pid: number;
  group: string;
  parentPid: number;
  /** Clock time of the last registration frame: a process registers again after every reconnect. */
  seenAt?: number;
}

/** Who is registered, by pid. The master's only source for cluster info. */
export class Registry {
  private readonly entries = new Map<number, Registration>();

  constructor(masterPid: number) {
    this.entries.set(masterPid, { pid: masterPid, group: MASTER_GROUP, parentPid: masterPid });
  }

  /**
   * Records a registration. Returns whether the cluster's membership changed: a new pid, or a
   * known pid now in another group or under another parent (a pid the OS reused), not a
   * process registering again after a reconnect.
   */
  add(entry: Registration): boolean {
    const known = this.entries.get(entry.pid);
    this.entries.set(entry.pid, entry);
    return known === undefined || known.group !== entry.group || known.parentPid !== entry.parentPid;
  }

  /**
   * Removes `pid` and everything it spawned: descendants die with their parent. `pid` need
   * not be registered itself (a bash script, a worker that never called emitReady()): its
   * registered children still leave with it. Returns the pids removed.
   */
  remove(pid: number): number[] {
    if (this.entries.get(pid)?.group === MASTER_GROUP) return [];
    const removed: number[] = [];
    if (this.entries.delete(pid)) removed.push(pid);
    const gone = [pid];
    for (let i = 0; i < gone.length; i++) {
      for (const entry of this.entries.values()) {
        if (entry.parentPid === gone[i] && entry.group !== MASTER_GROUP) {
          this.entries.delete(entry.pid);
          gone.push(entry.pid);
          removed.push(entry.pid);
        }
      }
    }
    return removed;
  }

  has(pid: number): boolean {
    return this.entries.has(pid);
  }

  get(pid: number): Registration | undefined {
    return this.entries.get(pid);
  }

  /** Every registration, the master's first. */
  list(): Registration[] {
    return [...this.entries.values()];
  }

  /** Pids (the master's aside) whose last registration is older than `since`. */
  staleSince(since: number): number[] {
    return [...this.entries.values()].filter((e) => e.group !== MASTER_GROUP && (e.seenAt ?? 0) < since).map((e) => e.pid);
  }

  /** `{ [group]: pids }`, the master included under "master". */
  info(): ClusterInfo {
    const info: ClusterInfo = {};
    for (const { pid, group } of this.entries.values()) (info[group] ??= []).push(pid);
    return info;
  }
}
