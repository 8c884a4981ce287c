import { Injectable } from '@nestjs/common';

const RECENTLY_SENT_REMEMBERED = 50_000;

/** What this process is sending, and what it sent lately: both are hints that spare reading streams. */
@Injectable()
export class SendsInFlight {
  /** Deliveries this process is sending or has sent without having recorded it yet: their receipts come back later. */
  private readonly sending = new Set<string>();
  /**
   * Deliveries this process recorded as sent lately. The read model lags behind a broadcast and lists them as pending
   * for a while; skipping them spares reloading their streams. Only a hint: a sent delivery never becomes due again.
   */
  private readonly recentlySent = new Set<string>();

  has(deliveryId: string): boolean {
    return this.sending.has(deliveryId);
  }

  add(deliveryId: string): void {
    this.sending.add(deliveryId);
  }

  delete(deliveryId: string): void {
    this.sending.delete(deliveryId);
  }

  rememberSent(deliveryId: string): void {
    this.recentlySent.add(deliveryId);
    if (this.recentlySent.size > RECENTLY_SENT_REMEMBERED) this.recentlySent.delete(this.recentlySent.values().next().value!);
  }

  wasRecentlySent(deliveryId: string): boolean {
    return this.recentlySent.has(deliveryId);
  }
}
