// The client-side record of what a connection is subscribed to, ported from ioredis's
// SubscriptionSet: it is filled from the server's confirmations (not from what was
// asked), and it is what autoResubscribe replays after a reconnect.

export type SubscribeCommand = 'subscribe' | 'psubscribe';
export type SubscriptionCommand = SubscribeCommand | 'unsubscribe' | 'punsubscribe';

function setFor(command: SubscriptionCommand): SubscribeCommand {
  return command === 'unsubscribe' ? 'subscribe' : command === 'punsubscribe' ? 'psubscribe' : command;
}

export class SubscriptionSet {
  readonly #sets: Record<SubscribeCommand, Set<string>> = { subscribe: new Set(), psubscribe: new Set() };

  add(command: SubscriptionCommand, name: string): void {
    this.#sets[setFor(command)].add(name);
  }

  del(command: SubscriptionCommand, name: string): void {
    this.#sets[setFor(command)].delete(name);
  }

  channels(command: SubscriptionCommand): string[] {
    return [...this.#sets[setFor(command)]];
  }
}
