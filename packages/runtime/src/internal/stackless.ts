import { ClustrError, type ClustrErrorOptions, type ErrorCode } from '@clustr/protocol/core';

/**
 * A ClustrError without a stack, for errors made once per frame where a flood
 * can make them by the hundred thousand (a frame dropped on receipt, an emit
 * refused while Redis is away): the stack would show only clustr's own receive
 * or send path, and capturing it cost about ten times more than everything else
 * done for the frame. The error is the same class with the same code, message,
 * field and cause; `stack` holds only its first line.
 */
export function stacklessError(code: ErrorCode, message: string, options?: ClustrErrorOptions): ClustrError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ClustrError(code, message, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
