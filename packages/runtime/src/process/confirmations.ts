import type { Emitter } from 'mitt';
import type { Message } from '@clustr/protocol/core';
import type { RuntimeEvents } from './events';

export type ConfirmationMessage = Message<{ identifier: string }>;

interface Waiter {
  count: number;
  identifier: string;
  received: ConfirmationMessage[];
  callback: (messages: ConfirmationMessage[]) => void;
}

/**
 * Counts confirmations per listener: each listener fires every time its
 * identifier has arrived `count` more times, with the messages of that batch.
 */
export class Confirmations {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly events: Emitter<RuntimeEvents>, private readonly invoke: (name: string, fn: () => void) => void) {
    events.on('confirmation', (frame) => {
      // A snapshot: a listener that removes and re-adds itself (a one-shot re-arming) is a new
      // entry of the set, and a live iteration would visit it again for this same frame, forever.
      for (const waiter of [...this.waiters]) {
        if (waiter.identifier !== frame.data.identifier) continue;
        waiter.received.push({ meta: frame.meta, data: frame.data });
        if (waiter.received.length < waiter.count) continue;
        const batch = waiter.received;
        waiter.received = [];
        // Stryker disable next-line ObjectLiteral,ArrowFunction: the payload is for listeners of the internal bus; the only one (stats) counts the event
        this.events.emit('confirmed', { identifier: waiter.identifier, metas: batch.map((m) => m.meta) });
        this.invoke('onConfirmation', () => waiter.callback(batch));
      }
    });
  }

  add(count: number, identifier: string, callback: (messages: ConfirmationMessage[]) => void): () => void {
    const waiter: Waiter = { count, identifier, received: [], callback };
    this.waiters.add(waiter);
    return () => {
      this.waiters.delete(waiter);
    };
  }

  // Stryker disable next-line BlockStatement: called on close, after the bus that feeds the waiters is cleared; it frees memory only
  clear(): void {
    this.waiters.clear();
  }
}
