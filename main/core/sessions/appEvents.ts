/**
 * Every renderer the core has heard from, so a change made through one (a kubeconfig dropped in this window, a record
 * saved in another browser tab, a connection that failed) reaches all of them at once as an AppEvent.
 */
import type { AppEvent, AppEventType } from '../../../common/contract';
import type { ClientConnection } from './clientConnection';

export class AppEventHub {
  private readonly clients = new Set<ClientConnection>();

  /** Starts telling this renderer about changes, until it goes away. Idempotent. */
  watch(client: ClientConnection): void {
    if (this.clients.has(client)) return;
    this.clients.add(client);
    client.onClosed(() => this.clients.delete(client));
  }

  /** Tells every watched renderer, the one that made the change included (its lists reload like the others). */
  broadcast(type: AppEventType, detail: Omit<AppEvent, 'type'> = {}): void {
    for (const client of this.clients) client.postAppEvent({ type, ...detail });
  }
}
