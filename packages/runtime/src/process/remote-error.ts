import { ClustrError, type DataOf, type ErrorCode } from '@clustr/protocol/core';

/** The `error` of a failed reply, as it travels. */
export type WireError = Extract<DataOf<'reply'>, { ok: false }>['error'];

/**
 * Codes the receiving runtime answers with when it did not run the handler at
 * all. The first two are safe to send to another member of the group: the
 * receiver is stopping, or is not (any more) a member.
 */
export const REFUSALS = ['CLUSTR_CLOSED', 'CLUSTR_NO_MEMBER', 'CLUSTR_NO_HANDLER', 'CLUSTR_INVALID_DATA'] as const satisfies readonly ErrorCode[];
export type Refusal = (typeof REFUSALS)[number];
const REFUSAL_SET = new Set<string>(REFUSALS);
/** What a caller may hand to another member: the handler did not run. */
export const REROUTABLE = new Set<string>(['CLUSTR_CLOSED', 'CLUSTR_NO_MEMBER']);

/** Lengths the reply schema allows. */
const MAX_CODE = 64;
const MAX_MESSAGE = 4096;
const MAX_STACK = 16384;

/**
 * The error a request rejects with when the target answered with a failure:
 * its handler threw or rejected (`CLUSTR_REMOTE_ERROR`), or the target refused
 * the request (`CLUSTR_NO_HANDLER`, `CLUSTR_INVALID_DATA`), or the handler's
 * reply failed the target's own reply schema (`CLUSTR_INVALID_REPLY`).
 */
export class ClustrRemoteError extends ClustrError {
  /** The pid that answered. */
  readonly remotePid: number;
  /** The remote error's own code: its `code` when it had a string one, else its name (`Error`, `TypeError`). */
  readonly remoteCode: string;
  /** The remote error's stack, only when the target was created with `replyErrorStacks: true`. */
  readonly remoteStack: string | undefined;

  constructor(code: ErrorCode, message: string, remote: { pid: number; error: WireError }) {
    super(code, message);
    this.name = 'ClustrRemoteError';
    this.remotePid = remote.pid;
    this.remoteCode = remote.error.code;
    this.remoteStack = remote.error.stack;
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A refusal from the runtime, the handler never having run. */
export function refusal(code: Refusal | 'CLUSTR_INVALID_REPLY', message: string): WireError {
  return { code, message: clip(message, MAX_MESSAGE) };
}

/**
 * What a handler threw, as it travels: its message and code, its stack only when
 * the process opted in. A thrown code that reads like one of the runtime's
 * refusals is sent as CLUSTR_REMOTE_ERROR instead (its code kept in the
 * message): otherwise a caller would take a handler that failed half-way for
 * one that never ran, and could send the request to another member.
 */
export function thrownToWire(thrown: unknown, withStack: boolean): WireError {
  const error = thrown instanceof Error ? thrown : undefined;
  const own = (thrown as { code?: unknown } | null | undefined)?.code;
  // A name can be empty (error.name = ''): sent as Error, as what is not an Error is.
  let code = typeof own === 'string' && own !== '' ? own : error?.name || 'Error';
  let message = error !== undefined ? error.message : String(thrown);
  if (REFUSAL_SET.has(code) || code === 'CLUSTR_INVALID_REPLY') {
    message = `${code}: ${message}`;
    code = 'CLUSTR_REMOTE_ERROR';
  }
  const wire: WireError = { code: clip(code, MAX_CODE), message: clip(message, MAX_MESSAGE) };
  if (withStack && error?.stack !== undefined) wire.stack = clip(error.stack, MAX_STACK);
  return wire;
}

/** The caller's error for a failed reply (a reroutable refusal is handled before this). */
export function wireToError(error: WireError, from: number, what: string): ClustrRemoteError {
  switch (error.code) {
    case 'CLUSTR_NO_HANDLER':
      return new ClustrRemoteError('CLUSTR_NO_HANDLER', `${what}: pid ${from} has no onRequest handler for it (${error.message}).`, { pid: from, error });
    case 'CLUSTR_INVALID_DATA':
      return new ClustrRemoteError('CLUSTR_INVALID_DATA', `${what}: pid ${from} refused the body: ${error.message}. Send what its request schema allows.`, { pid: from, error });
    case 'CLUSTR_INVALID_REPLY':
      return new ClustrRemoteError('CLUSTR_INVALID_REPLY', `${what}: the handler on pid ${from} returned a reply its own schema refuses: ${error.message}.`, { pid: from, error });
    default:
      return new ClustrRemoteError('CLUSTR_REMOTE_ERROR', `${what}: the handler on pid ${from} failed: ${error.message}`, { pid: from, error });
  }
}
