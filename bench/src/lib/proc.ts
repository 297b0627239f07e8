/**
 * Child processes of the bench: started with a marker in their environment,
 * spoken to over IPC, ended by pid. Every descendant (clustr workers, node:cluster
 * workers, the PM2 daemon and its apps) inherits the marker, so after each
 * scenario `leftovers()` can find any process of this run that is still alive,
 * whoever started it.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildEvent {
  ev: string;
  [field: string]: unknown;
}

export const MARKER = 'CLUSTR_BENCH_RUN';
const CHILDREN_DIR = join(__dirname, '..', 'children');

let runId = 'unset';
let verbose = false;
const live = new Set<Proc>();

export function configureProcs(options: { runId: string; verbose: boolean }): void {
  runId = options.runId;
  verbose = options.verbose;
}

/** Environment of every process the bench starts. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, [MARKER]: runId, ...extra };
}

export class Proc {
  readonly pid: number;
  readonly events: ChildEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly tail: string[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(event: ChildEvent) => void>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    this.pid = child.pid;
    live.add(this);
    child.on('message', (message: unknown) => {
      if (message !== null && typeof message === 'object' && typeof (message as ChildEvent).ev === 'string') {
        this.events.push(message as ChildEvent);
        for (const listener of this.listeners) listener(message as ChildEvent);
        for (const wake of [...this.waiters]) wake();
      }
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        if (verbose) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${name}] `));
        this.tail.push(...chunk.split('\n').filter((line) => line !== ''));
        if (this.tail.length > 40) this.tail.splice(0, this.tail.length - 40);
      });
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        for (const wake of [...this.waiters]) wake();
        resolve({ code, signal });
      });
    });
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last lines the child wrote, for error messages. */
  get output(): string {
    return this.tail.join('\n');
  }

  /** Calls `listener` with every event the child sends from now on. */
  onEvent(listener: (event: ChildEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(message: Record<string, unknown>): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Resolves with the first event (past or future) named `ev` that matches; rejects on timeout, child error or exit. */
  waitFor(ev: string, timeoutMs: number, match: (event: ChildEvent) => boolean = () => true, skip = 0): Promise<ChildEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.filter((e) => e.ev === ev && match(e))[skip];
        if (found) return done(() => resolve(found));
        const error = this.events.find((e) => e.ev === 'error');
        if (error) return done(() => reject(new Error(`${this.name} (pid ${this.pid}) failed: ${String(error['message'])}`)));
        if (this.exitInfo) {
          return done(() => reject(new Error(`${this.name} (pid ${this.pid}) exited (${this.exitInfo?.code ?? this.exitInfo?.signal}) before "${ev}"\n${this.output}`)));
        }
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${this.name} (pid ${this.pid}): no "${ev}" within ${timeoutMs} ms\n${this.output}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `signal` to this pid and waits for the exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (!this.alive) return;
    signalPid(this.pid, signal);
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      signalPid(this.pid, 'SIGKILL');
      await this.exited;
    }
  }
}

/** Forks a compiled child script from dist/children with `params` in BENCH_PARAMS. */
export function forkChild(name: string, script: string, params: Record<string, unknown>, env: Record<string, string> = {}): Proc {
  const child = fork(join(CHILDREN_DIR, script), [], {
    env: childEnv({ ...env, BENCH_PARAMS: JSON.stringify(params) }),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/profiles") profiles the children; clustr workers inherit it from their master.
    execArgv: (process.env['BENCH_CHILD_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
  });
  return new Proc(name, child);
}

/** Runs a command to completion (no IPC); rejects on a non-zero exit or after `timeoutMs`. */
export function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new Proc(name, child);
  let out = '';
  child.stdout?.on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void proc.stop('SIGKILL');
      reject(new Error(`${name} did not finish within ${timeoutMs} ms\n${proc.output}`));
    }, timeoutMs);
    void proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${name} exited with ${code ?? signal}\n${proc.output}`));
    });
  });
}

export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    return process.kill(pid, signal);
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Pids of live (not zombie) processes, other than this one, that carry this run's marker. */
export function markedPids(): number[] {
  const needle = `\0${MARKER}=${runId}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`;
      if (environ.includes(needle) && isAlive(pid)) found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export interface Leftover {
  pid: number;
  cmdline: string;
}

/**
 * Waits up to `graceMs` for every process of this run to be gone, then
 * SIGKILLs (by pid) whatever is left and returns it: a non-empty result means a
 * scenario failed to end something it started.
 */
export async function reapLeftovers(graceMs = 5000): Promise<Leftover[]> {
  const deadline = Date.now() + graceMs;
  let pids = markedPids();
  while (pids.length > 0 && Date.now() < deadline) {
    await sleep(50);
    pids = markedPids();
  }
  const leftovers = pids.map((pid) => ({ pid, cmdline: cmdline(pid) }));
  for (const proc of live) if (proc.alive) signalPid(proc.pid, 'SIGKILL');
  for (const { pid } of leftovers) signalPid(pid, 'SIGKILL');
  return leftovers;
}

/** Ends every child this process started directly (used on an abort). */
export function killLive(): void {
  for (const proc of live) signalPid(proc.pid, 'SIGKILL');
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '?';
  }
}

/** Resident set size of `pid` in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
