// These mirror ioredis's own error classes (redis-errors' ReplyError and ioredis's
// MaxRetriesPerRequestError) rather than extending ClustrError: code under test must
// meet the errors a real client throws, and it tells them apart by `name` and message.

/** An error reply from the server (`-ERR ...`), like ioredis's `ReplyError`. */
export class FakeRedisReplyError extends Error {
  override readonly name = 'ReplyError';
  /** The command that failed, as ioredis attaches it. */
  command?: { name: string; args: unknown[] };
}

/** Rejects queued commands once a client has retried `maxRetriesPerRequest` times, like ioredis. */
export class FakeRedisMaxRetriesPerRequestError extends Error {
  override readonly name = 'MaxRetriesPerRequestError';

  constructor(maxRetriesPerRequest: number) {
    super(
      `Reached the max retries per request limit (which is ${maxRetriesPerRequest}). Refer to "maxRetriesPerRequest" option for details.`,
    );
  }
}

/** ioredis's CONNECTION_CLOSED_ERROR_MSG: commands on an ended client reject with it. */
export const CONNECTION_CLOSED_MESSAGE = 'Connection is closed.';
/** What ioredis rejects a non-subscriber command with, client-side, in subscriber mode. */
export const SUBSCRIBER_MODE_MESSAGE = 'Connection in subscriber mode, only subscriber commands may be used';
export const OFFLINE_QUEUE_DISABLED_MESSAGE = "Stream isn't writeable and enableOfflineQueue options is false";
export const ALREADY_CONNECTED_MESSAGE = 'Redis is already connecting/connected';
