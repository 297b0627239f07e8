import Table from 'cli-table3';
import type { ClusterInfo, Health, ProcessStatus, TailEntry } from '@clustr/runtime';

/** The widest a table may be: it must read in a 100-column terminal (and in a narrower one it shrinks). */
export const MAX_WIDTH = 100;

export interface Style {
  /** ANSI colours (a terminal without NO_COLOR). */
  color: boolean;
  /** Columns available. */
  width: number;
}

const ANSI = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' } as const;

function paint(style: Style, colour: keyof typeof ANSI, text: string): string {
  return style.color ? `${ANSI[colour]}${text}${ANSI.reset}` : text;
}

/** 45s, 12m03s, 3h04m, 2d03h. */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** 812K, 71.2M, 1.4G. */
export function bytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)}K`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)}M`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)}G`;
}

/** 999, 1.2k, 34k, 1.2M. */
export function count(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(1)}ms` : `${Math.round(value)}ms`;
}

function counter(stats: Health['stats'], key: string): number {
  const value = stats[key];
  return typeof value === 'number' ? value : 0;
}

/** Messages received and sent, as the process counted them. */
export function messages(health: Health): { in: number; out: number } {
  const { stats } = health;
  return { in: counter(stats, 'onMessage'), out: counter(stats, 'emitPublic') + counter(stats, 'emitPrivate') + counter(stats, 'emitGroup') };
}

/** Every frame the process dropped, whatever the reason. */
export function rejected(health: Health): number {
  const by = health.stats['rejectedFrames'];
  return typeof by === 'object' ? Object.values(by).reduce((sum, n) => sum + n, 0) : 0;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Lines for a terminal are cut to its width; lines for a pipe (grep, a file) are whole. */
export function lineStyle(style: Style, isTTY: boolean): Style {
  return isTTY ? style : { ...style, width: Number.POSITIVE_INFINITY };
}

interface Column {
  head: string;
  /** Widest it may get; flexible columns give way first when the terminal is narrow. */
  max: number;
  flexible?: boolean;
  align?: 'left' | 'right';
}

const COLUMNS: Column[] = [
  { head: 'GROUP', max: 12, flexible: true },
  { head: 'PID', max: 7, align: 'right' },
  { head: 'PARENT', max: 7, align: 'right' },
  { head: 'HOST', max: 12, flexible: true },
  { head: 'STATE', max: 8 },
  { head: 'UPTIME', max: 6, align: 'right' },
  { head: '↺', max: 3, align: 'right' },
  { head: 'CPU', max: 6, align: 'right' },
  { head: 'MEM', max: 6, align: 'right' },
  { head: 'LOOP p99', max: 8, align: 'right' },
  { head: 'MSG IN/OUT', max: 11, align: 'right' },
  { head: 'REJ', max: 5, align: 'right' },
];

/** What the table's short headers mean. */
export const LEGEND = '↺ restarts · LOOP p99: event-loop delay since the last heartbeat · REJ: frames dropped';

function cells(status: ProcessStatus, now: number, style: Style): string[] {
  const { health } = status;
  const state = status.state === 'ready' ? paint(style, 'green', 'ready') : status.state === 'hung' ? paint(style, 'red', 'hung') : paint(style, 'yellow', status.state);
  const parent = status.parentPid === status.pid ? '-' : String(status.parentPid);
  if (health === undefined) return [status.group, String(status.pid), parent, '', state, duration(now - status.registeredAt), '', '', '', '', '', ''];
  const { in: received, out: sent } = messages(health);
  const rej = rejected(health);
  return [
    status.group,
    String(status.pid),
    parent,
    health.host,
    state,
    // As of now, not of the last heartbeat (up to an interval ago).
    duration(health.uptime + Math.max(0, now - (status.lastHeartbeat ?? now))),
    String(health.restarts),
    `${health.cpu.toFixed(1)}%`,
    bytes(health.rss),
    ms(health.loopP99),
    `${count(received)}/${count(sent)}`,
    rej === 0 ? '0' : paint(style, 'red', count(rej)),
  ];
}

/**
 * Widths that fit: each column as wide as its widest cell (up to its max), and
 * when that is still too wide for `width`, the flexible columns (group, host) give way.
 */
function widths(rows: string[][], width: number): number[] {
  // eslint-disable-next-line no-control-regex
  const visible = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '').length;
  const natural = COLUMNS.map((column, i) => Math.min(column.max, Math.max(visible(column.head), ...rows.map((row) => visible(row[i] ?? '')))));
  // One space before every column.
  let total = natural.reduce((sum, w) => sum + w, 0) + COLUMNS.length;
  for (let i = 0; total > width && i < COLUMNS.length; i++) {
    if (!COLUMNS[i]!.flexible) continue;
    const give = Math.min(total - width, natural[i]! - 5);
    if (give > 0) {
      natural[i]! -= give;
      total -= give;
    }
  }
  return natural;
}

/** The `clustr ls` table: one row per process, the master first, at most `style.width` (and 100) columns wide. */
export function statusTable(processes: ProcessStatus[], now: number, style: Style): string {
  const rows = processes.map((status) => cells(status, now, style));
  const colWidths = widths(rows, Math.min(MAX_WIDTH, style.width));
  const table = new Table({
    head: COLUMNS.map((column) => (style.color ? `${ANSI.bold}${column.head}${ANSI.reset}` : column.head)),
    colWidths: colWidths.map((w) => w + 1),
    colAligns: COLUMNS.map((column) => column.align ?? 'left'),
    wordWrap: false,
    truncate: '…',
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '' },
    // The gap before every column is its left padding, so right- and left-aligned neighbours never touch.
    style: { 'padding-left': 1, 'padding-right': 0, head: [], border: [], compact: true },
  });
  for (const row of rows) table.push(row);
  return table
    .toString()
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}

/** `clustr info`: one line per group. */
export function infoLines(info: ClusterInfo): string {
  const groups = Object.keys(info);
  const width = Math.max(5, ...groups.map((g) => g.length));
  return [`${'GROUP'.padEnd(width)}  PIDS`, ...groups.map((group) => `${group.padEnd(width)}  ${(info[group] ?? []).join(' ')}`)].join('\n');
}

function clock(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The part of a frame worth a glance: health figures for a heartbeat, the JSON of anything else. */
function summary(entry: Extract<TailEntry, { frame: unknown }>): string {
  const { frame } = entry;
  if (frame.kind === 'heartbeat') {
    const h = frame.data;
    return `cpu ${h.cpu.toFixed(1)}% rss ${bytes(h.rss)} loop p99 ${ms(h.loopP99)} up ${duration(h.uptime)} ↺${h.restarts}`;
  }
  return JSON.stringify(frame.data);
}

/** One line of `clustr tail`: time, channel (without the namespace), kind, sender, data; cut to the terminal's width. */
export function tailLine(entry: TailEntry, namespace: string, style: Style): string {
  const channel = entry.channel.startsWith(`${namespace}:`) ? entry.channel.slice(namespace.length + 1) : entry.channel;
  const head = `${clock(entry.at)}  ${channel.padEnd(15)}`;
  // Kinds up to clusterInfoRequest (18), senders up to master:<7-digit pid> (14).
  if ('rejected' in entry) return truncate(`${head}  ${paint(style, 'red', 'REJECTED'.padEnd(18))}  ${entry.rejected.message}`, style.width);
  const { frame } = entry;
  const sender = `${frame.meta.group}:${frame.meta.pid}`.padEnd(14);
  const re = frame.re === undefined ? '' : ` re=${frame.re}`;
  return truncate(`${head}  ${frame.kind.padEnd(18)}  ${sender}  ${summary(entry)}${re}`, style.width);
}
