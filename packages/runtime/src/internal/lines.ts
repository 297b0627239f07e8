/**
 * Longest line forwarded whole, in UTF-16 code units; a longer one is forwarded in pieces of
 * this length. Without a bound, output with no newline (a `\r` progress bar, a dump) was held
 * in memory until the child exited.
 */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Splits a stream of text into whole lines; the rest waits for the next chunk. Only the new
 * chunk is searched for newlines and the unterminated rest is kept as a list of pieces, so
 * the cost is linear in the output: re-splitting the whole rest on every chunk made 40 MB
 * without a newline take seconds of the master's event loop.
 */
export class LineSplitter {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLength = MAX_LINE_LENGTH,
  ) {
    if (!Number.isInteger(maxLength) || maxLength < 2) throw new RangeError(`maxLength must be a whole number of at least 2; got ${String(maxLength)}`);
  }

  push(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
      this.append(chunk.slice(start, newline));
      this.emit();
      start = newline + 1;
    }
    this.append(chunk.slice(start));
  }

  flush(): void {
    if (this.pendingLength > 0) this.emit();
  }

  /** Adds text to the unterminated line, forwarding a piece each time the line reaches maxLength. */
  private append(text: string): void {
    while (this.pendingLength + text.length > this.maxLength) {
      let take = this.maxLength - this.pendingLength;
      // Never cut between the halves of a surrogate pair: each half alone would print as U+FFFD.
      if (take > 0 && isHighSurrogate(text.charCodeAt(take - 1))) take--;
      this.pending.push(text.slice(0, take));
      this.emit();
      text = text.slice(take);
    }
    if (text === '') return;
    this.pending.push(text);
    this.pendingLength += text.length;
  }

  private emit(): void {
    const line = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    this.onLine(line);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
