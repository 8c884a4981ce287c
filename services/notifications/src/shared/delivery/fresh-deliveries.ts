import { Injectable } from '@nestjs/common';

export interface FreshDelivery {
  readonly deliveryId: string;
  readonly podId: string | null;
  readonly recipientMemberId: string | null;
  readonly channel: string;
}

/**
 * Deliveries this process just decided and committed, handed to the worker so it need not wait for the deliveries
 * read model to show them (an area broadcast decides thousands at once). Only a hint: the worker still decides each
 * attempt against the delivery's own stream, and anything lost here is found by the next scan.
 */
@Injectable()
export class FreshDeliveries {
  private queue: FreshDelivery[] = [];
  private listener: (() => void) | undefined;

  add(deliveries: readonly FreshDelivery[]): void {
    if (deliveries.length === 0) return;
    this.queue.push(...deliveries);
    if (this.queue.length > 100_000) this.queue = this.queue.slice(-100_000);
    this.listener?.();
  }

  take(max: number): FreshDelivery[] {
    return this.queue.splice(0, max);
  }

  onAdded(listener: () => void): void {
    this.listener = listener;
  }
}
