/**
 * The `clustr` command: operate a running cluster from a terminal. Built on
 * `ClusterClient` from @clustr/runtime (no supervisor, no signal handlers of the
 * runtime's); this module only parses arguments and prints.
 *
 * @module @clustr/cli
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs/yargs';
import type { Argv } from 'yargs';
import { ClusterClient, isClustrError, type ClusterClientOptions, type CommandProgress, type PublishTarget, type TailEntry } from '@clustr/runtime';
import { PROTOCOL_VERSION } from '@clustr/protocol/core';
import { EXIT, EXIT_CODES_HELP, exitCodeOf, type ExitCode } from './exit-codes';
import { LEGEND, MAX_WIDTH, infoLines, lineStyle, statusTable, tailLine, type Style } from './format';

export { EXIT, EXIT_CODES_HELP } from './exit-codes';
export type { ExitCode } from './exit-codes';

/** Where the command writes and what it knows of the terminal. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: colours, and `--watch` redraws in place. */
  isTTY: boolean;
  /** Terminal width (undefined when not a terminal). */
  columns: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM). */
  interrupted(): Promise<void>;
}

/** The real terminal. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns,
    env: process.env,
    interrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

interface Global {
  namespace: string | undefined;
  redis: string | undefined;
  secret: string | undefined;
  timeout: number;
}

/** A failure the command explains itself (argument errors found after parsing). */
class UsageError extends Error {}

function clientOptions(argv: Global): ClusterClientOptions {
  return {
    group: 'cli',
    timeout: argv.timeout,
    ...(argv.namespace === undefined ? {} : { namespace: argv.namespace }),
    ...(argv.redis === undefined ? {} : { redis: argv.redis }),
    ...(argv.secret === undefined ? {} : { secret: argv.secret }),
  };
}

async function withClient(argv: Global, run: (client: ClusterClient) => Promise<ExitCode>): Promise<ExitCode> {
  const client = await ClusterClient.connect(clientOptions(argv));
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

function styleOf(io: Io): Style {
  return { color: io.isTTY && io.env['NO_COLOR'] === undefined, width: io.isTTY ? Math.min(MAX_WIDTH, io.columns ?? MAX_WIDTH) : MAX_WIDTH };
}

// ---- commands ------------------------------------------------------------------------------

async function ls(io: Io, argv: Global & { json: boolean; watch: boolean; interval: number }): Promise<ExitCode> {
  return withClient(argv, async (client) => {
    if (!argv.watch) {
      const processes = await client.status();
      if (argv.json) io.out(`${JSON.stringify(processes, null, 2)}\n`);
      else io.out(`${statusTable(processes, Date.now(), styleOf(io))}\n`);
      return EXIT.ok;
    }
    return watch(io, client, argv);
  });
}

/** `ls --watch`: the table redrawn in place every interval, like `pm2 monit`, until Ctrl-C. */
async function watch(io: Io, client: ClusterClient, argv: { json: boolean; interval: number }): Promise<ExitCode> {
  const style = styleOf(io);
  const inPlace = io.isTTY && !argv.json;
  let stop = false;
  const interrupted = io.interrupted().then(() => {
    stop = true;
  });
  // The alternate screen, as top and pm2 monit use: the terminal is given back as it was.
  if (inPlace) io.out('\u001b[?1049h\u001b[?25l');
  try {
    while (!stop) {
      let body: string;
      try {
        const processes = await client.status();
        if (argv.json) {
          io.out(`${JSON.stringify({ at: Date.now(), processes })}\n`);
          body = '';
        } else {
          const hung = processes.filter((p) => p.state === 'hung').length;
          const title = `clustr · ${client.namespace} · ${processes.length} process${processes.length === 1 ? '' : 'es'}${hung > 0 ? ` · ${hung} hung` : ''} · ${new Date().toLocaleTimeString()}`;
          body = `${title}\nRedis ${client.redisLabel}\n\n${statusTable(processes, Date.now(), style)}\n\n${LEGEND}\nrefreshed every ${argv.interval} ms · Ctrl-C to quit`;
        }
      } catch (error) {
        if (!isClustrError(error) || error.code !== 'CLUSTR_NO_MASTER') throw error;
        if (argv.json) io.out(`${JSON.stringify({ at: Date.now(), error: { code: error.code, message: error.message } })}\n`);
        body = `clustr · ${client.namespace} · ${new Date().toLocaleTimeString()}\n\n${error.message}\n\nretrying every ${argv.interval} ms · Ctrl-C to quit`;
      }
      if (inPlace) io.out(`\u001b[H${body.split('\n').map((line) => `${line}\u001b[K`).join('\n')}\u001b[J`);
      else if (!argv.json) io.out(`${body}\n\n`);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, argv.interval)), interrupted]);
    }
  } finally {
    if (inPlace) io.out('\u001b[?25h\u001b[?1049l');
  }
  return EXIT.ok;
}

async function info(io: Io, argv: Global & { json: boolean }): Promise<ExitCode> {
  return withClient(argv, async (client) => {
    const clusterInfo = await client.clusterInfo();
    io.out(argv.json ? `${JSON.stringify(clusterInfo, null, 2)}\n` : `${infoLines(clusterInfo)}\n`);
    return EXIT.ok;
  });
}

function progressPrinter(io: Io, json: boolean): (progress: CommandProgress) => void {
  return (progress) => {
    if (json) return io.out(`${JSON.stringify(progress)}\n`);
    switch (progress.event) {
      case 'accepted':
        return io.out(`${progress.action} accepted by the master\n`);
      case 'replaced':
        return io.out(`replaced ${progress.from} -> ${progress.to}\n`);
      case 'reloaded':
        return io.out(progress.ok ? `reload completed: ${progress.replaced.length} process${progress.replaced.length === 1 ? '' : 'es'} replaced\n` : '');
      case 'stopped':
        return io.out(`every child has exited; the master exits with code ${progress.code}\n`);
      case 'refused':
        return undefined;
    }
  };
}

async function reload(io: Io, argv: Global & { json: boolean }): Promise<ExitCode> {
  return withClient(argv, async (client) => {
    await client.reload(progressPrinter(io, argv.json));
    return EXIT.ok;
  });
}

async function stop(io: Io, argv: Global & { json: boolean }): Promise<ExitCode> {
  return withClient(argv, async (client) => {
    await client.stop(progressPrinter(io, argv.json));
    if (!argv.json) io.out('cluster stopped\n');
    return EXIT.ok;
  });
}

interface TailArgs extends Global {
  kind: string[] | undefined;
  group: string | undefined;
  pid: number | undefined;
  json: boolean;
  all: boolean;
  count: number | undefined;
}

/** Which entries a tail shows: heartbeats only when asked for, dropped frames unless filters narrow the view. */
export function tailFilter(args: { kind?: string[] | undefined; group?: string | undefined; pid?: number | undefined; all?: boolean }): (entry: TailEntry) => boolean {
  const kinds = args.kind === undefined ? undefined : new Set(args.kind.flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean));
  return (entry) => {
    if ('rejected' in entry) return kinds === undefined ? args.group === undefined && args.pid === undefined : kinds.has('rejected');
    const { frame } = entry;
    if (kinds !== undefined ? !kinds.has(frame.kind) : frame.kind === 'heartbeat' && args.all !== true) return false;
    if (args.group !== undefined && frame.meta.group !== args.group) return false;
    if (args.pid !== undefined && frame.meta.pid !== args.pid) return false;
    return true;
  };
}

async function tail(io: Io, argv: TailArgs): Promise<ExitCode> {
  // Listening for Ctrl-C before saying "tailing": a signal sent on that line must find the handler.
  const interrupted = io.interrupted();
  return withClient(argv, async (client) => {
    const pass = tailFilter(argv);
    const style = lineStyle(styleOf(io), io.isTTY);
    let shown = 0;
    let enough: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (enough = resolve));
    const stopTail = await client.tail((entry) => {
      if (!pass(entry) || (argv.count !== undefined && shown >= argv.count)) return;
      shown++;
      io.out(argv.json ? `${JSON.stringify('rejected' in entry ? { at: entry.at, channel: entry.channel, rejected: { reason: entry.rejected.reason, message: entry.rejected.message } } : entry)}\n` : `${tailLine(entry, client.namespace, style)}\n`);
      if (argv.count !== undefined && shown >= argv.count) enough();
    });
    io.err(`tailing ${client.namespace}:* on ${client.redisLabel}${argv.count === undefined ? '' : ` until ${argv.count} frame${argv.count === 1 ? '' : 's'}`} (Ctrl-C to stop)\n`);
    io.err(`note: while this tail listens, Redis counts it as a receiver of every message in ${client.namespace}: a private message to a process that is gone is no longer seen as undelivered (docs/cli.md#tail)\n`);
    await Promise.race([done, interrupted]);
    await stopTail();
    return EXIT.ok;
  });
}

/** `publish public <json>`, `publish private <pid> <json>`, `publish group <name> <json>`. */
export function publishArgs(words: Array<string | number>): { target: PublishTarget; json: string } {
  const [kind, ...rest] = words.map(String);
  const need = (n: number, form: string) => {
    if (rest.length !== n) throw new UsageError(`publish ${kind} takes ${form}; got ${rest.length} argument${rest.length === 1 ? '' : 's'}.`);
  };
  switch (kind) {
    case 'public':
      need(1, '<json>');
      return { target: { kind: 'public' }, json: rest[0]! };
    case 'private': {
      need(2, '<pid> <json>');
      const pid = Number(rest[0]);
      if (!Number.isInteger(pid) || pid < 1) throw new UsageError(`publish private: ${JSON.stringify(rest[0])} is not a process id.`);
      return { target: { kind: 'private', pid }, json: rest[1]! };
    }
    case 'group':
      need(2, '<name> <json>');
      return { target: { kind: 'group', group: rest[0]! }, json: rest[1]! };
    default:
      throw new UsageError(`publish takes public, private <pid> or group <name>; got ${JSON.stringify(kind ?? '')}.`);
  }
}

async function publish(io: Io, argv: Global & { words: Array<string | number> }): Promise<ExitCode> {
  const { target, json } = publishArgs(argv.words);
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`the message is not JSON (${(error as Error).message}): ${json}. Quote it for the shell, e.g. '{"text":"hi"}'.`);
  }
  return withClient(argv, async (client) => {
    const receivers = await client.publish(target, data);
    if (receivers === 0) {
      io.err(`nobody received it: no process listens on that ${target.kind === 'public' ? 'public channel' : target.kind === 'private' ? `pid (${target.pid})` : `group (${target.group})`} in namespace "${client.namespace}".\n`);
      return EXIT.failed;
    }
    io.out(`published to ${receivers} receiver${receivers === 1 ? '' : 's'}\n`);
    return EXIT.ok;
  });
}

function schema(io: Io): ExitCode {
  const file = require.resolve(`@clustr/protocol/schema/envelope.v${PROTOCOL_VERSION}.json`);
  io.out(readFileSync(file, 'utf8'));
  return EXIT.ok;
}

// ---- the program ---------------------------------------------------------------------------

function program(io: Io, words: string[], done: (code: ExitCode) => void): Argv<Global> {
  const global = (y: Argv) =>
    y
      .option('namespace', { alias: 'n', type: 'string', describe: 'The cluster\'s namespace [default: CLUSTR_NAMESPACE, else "clustr"]' })
      .option('redis', { alias: 'r', type: 'string', describe: "The cluster's Redis: URL or socket path [default: CLUSTR_REDIS_URL, else the namespace's private Redis on this machine, else redis://127.0.0.1:6379]" })
      .option('secret', { type: 'string', describe: "The cluster's secret, to sign and verify [default: CLUSTR_SECRET; prefer the variable: flags show in ps]" })
      .option('timeout', { alias: 't', type: 'number', default: 3000, describe: 'Milliseconds the master has to answer' });
  const json = { type: 'boolean', default: false, describe: 'Print JSON' } as const;
  // yargs has checked and typed every option by now; each handler names the ones it reads.
  const run = (handler: (io: Io, argv: any) => Promise<ExitCode> | ExitCode) => async (argv: unknown) => done(await handler(io, argv));
  return global(yargs(words))
    .scriptName('clustr')
    .usage('$0 <command> [options]\n\nOperate a running clustr cluster: see every process, reload or stop it, tail its frames, publish from the shell.')
    .command(['ls', 'status'], 'A table of every process: group, pid, parent, host, state, uptime, restarts, CPU, memory, event-loop delay, messages, dropped frames', (y) =>
      y.option('json', json).option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'Redraw every --interval ms, like pm2 monit' }).option('interval', { type: 'number', default: 1000, describe: 'Milliseconds between two redraws with --watch' }),
      run(ls),
    )
    .command('info', 'Registered pids by group (the cluster-info map)', (y) => y.option('json', json), run(info))
    .command('reload', 'Rolling reload, as SIGHUP to the master: prints each replacement; exit 0 once every process is replaced, 1 when a replacement did not become ready', (y) => y.option('json', { ...json, describe: 'Print each step as JSON' }), run(reload))
    .command('stop', 'Stop the cluster, as SIGTERM to the master: returns once every child has exited and the master has left', (y) => y.option('json', { ...json, describe: 'Print each step as JSON' }), run(stop))
    .command(
      'tail',
      'Every frame of the namespace, verified, decoded and validated, one line each (heartbeats only with --all or --kind heartbeat)',
      (y) =>
        y
          .option('kind', { alias: 'k', type: 'string', array: true, describe: 'Only these kinds (repeat or comma-separate); "rejected" for dropped frames' })
          .option('group', { alias: 'g', type: 'string', describe: "Only frames whose sender is in this group" })
          .option('pid', { alias: 'p', type: 'number', describe: 'Only frames sent by this pid' })
          .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Heartbeats too' })
          .option('count', { alias: 'c', type: 'number', describe: 'Exit after this many frames' })
          .option('json', json),
      run(tail),
    )
    .command('publish <words..>', 'Send a message: publish public <json> | publish private <pid> <json> | publish group <name> <json>', (y) => y.positional('words', { type: 'string', array: true }), run(publish))
    .command('schema', `Print the JSON Schema of the frame envelope (version ${PROTOCOL_VERSION})`, (y) => y, run(schema))
    .demandCommand(1, 'Name a command: ls, info, reload, stop, tail, publish or schema.')
    .strict()
    .help()
    .alias('help', 'h')
    .version(readVersion())
    .wrap(Math.min(MAX_WIDTH, io.columns ?? MAX_WIDTH))
    .epilogue(`${EXIT_CODES_HELP}\n\nMore: the @clustr/cli README, and docs/cli.md in the clustr repository.`) as unknown as Argv<Global>;
}

function readVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('../package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Runs the command line `words` (what follows `clustr`) and resolves with the
 * exit code. Errors are printed as one line naming their code.
 */
export async function main(words: string[], io: Io = processIo()): Promise<ExitCode> {
  let code: ExitCode | undefined;
  try {
    await program(io, words, (c) => (code = c))
      .exitProcess(false)
      // It must throw: yargs runs the command's handler after a failure handler that returns.
      .fail((message: string | undefined, error: Error | undefined) => {
        throw error ?? new UsageError(`${message ?? 'bad arguments'}\nRun clustr --help for the commands and options.`);
      })
      .parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`clustr: ${error.message}\n`);
      return EXIT.usage;
    }
    if (isClustrError(error)) {
      io.err(`clustr: ${error.message} (${error.code})\n`);
      return exitCodeOf(error.code);
    }
    io.err(`clustr: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failed;
  }
  // --help and --version print and end without a command.
  return code ?? EXIT.ok;
}
