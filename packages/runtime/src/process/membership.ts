import type { ClusterInfo } from '@clustr/protocol/core';

/**
 * Who is registered, by group, as this process last heard it from the master:
 * the view `request({ group })` and `emitAny` pick a member from, with no
 * round trip to the master per call. It is fed the master's `membership`
 * frames (sent after every registration, deregistration and exit), and a
 * process that has heard none yet fills it once with fetchClusterInfo().
 */
export class MembershipView {
  private groups = new Map<string, readonly number[]>();
  private pids = new Set<number>();
  private known = false;
  /** Where the next pick of each group starts: ties go round the members in turn. */
  private readonly cursors = new Map<string, number>();
  private updates = 0;

  /** False until the first membership frame or cluster-info reply. */
  get ready(): boolean {
    return this.known;
  }

  /** Counts updates, so an answer to an older question (a fetch) does not overwrite a newer frame. */
  get version(): number {
    return this.updates;
  }

  /** Replaces the view; returns the pids that were in it and are not any more. */
  update(info: ClusterInfo): number[] {
    const groups = new Map<string, readonly number[]>();
    const pids = new Set<number>();
    for (const [group, members] of Object.entries(info)) {
      // Sorted, so every process goes round a group in the same order.
      groups.set(group, [...members].sort((a, b) => a - b));
      for (const pid of members) pids.add(pid);
    }
    const left = this.known ? [...this.pids].filter((pid) => !pids.has(pid)) : [];
    this.groups = groups;
    this.pids = pids;
    this.known = true;
    this.updates++;
    return left;
  }

  has(pid: number): boolean {
    return this.pids.has(pid);
  }

  members(group: string): readonly number[] {
    return this.groups.get(group) ?? [];
  }

  /**
   * One member of `group`: the one with the fewest requests of this process
   * waiting on it (`load`), ties broken round-robin; `skip` leaves members out
   * (they refused, or could not be reached). Undefined when no member is left.
   *
   * Least-pending rather than plain round-robin: a member busy with a long
   * request gets the next ones only when the others are as busy, yet requests
   * sent one after another, or all at once to idle members, still go round
   * the group evenly.
   */
  pick(group: string, load: (pid: number) => number, skip?: (pid: number) => boolean): number | undefined {
    const members = this.groups.get(group);
    // An empty group (its last member gone) finds nobody below.
    if (members === undefined) return undefined;
    const n = members.length;
    const start = (this.cursors.get(group) ?? 0) % n;
    let best = -1;
    let bestLoad = Infinity;
    for (let i = 0; i < n; i++) {
      const index = (start + i) % n;
      const pid = members[index]!;
      if (skip?.(pid)) continue;
      const pending = load(pid);
      if (pending < bestLoad) {
        best = index;
        bestLoad = pending;
        if (pending === 0) break;
      }
    }
    if (best < 0) return undefined;
    this.cursors.set(group, best + 1);
    return members[best];
  }
}
