import { EventPattern, Payload } from '@nestjs/microservices';
import { SignInCodeRequestedV1, type SignInCodeRequestedV1Data } from '@mutuo/contracts';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { DeliveryCommands } from '../shared/delivery/delivery-commands';
import { causeOf } from '../shared/delivery/notification-cause';
import { deliveryIdFor } from '../shared/delivery/notification-dispatcher';

/**
 * A one-time code from membership, delivered by e-mail (or, to verify a phone channel, by SMS) with the same at-most-once guarantee as everything else.
 * The address and code stay sealed in the delivery until the moment of sending; a code past its expiry is never sent.
 * (In development membership also logs the code, so sign-in works without any mail server.)
 */
@EventController()
export class DeliverSignInCodeWhenRequested {
  constructor(
    private readonly deliveries: DeliveryCommands,
    private readonly clock: Clock,
  ) {}

  @EventPattern(SignInCodeRequestedV1.type)
  async handle(@Payload() event: ReceivedEvent<SignInCodeRequestedV1Data>): Promise<void> {
    const { deliveryId: codeDeliveryId, purpose, channel, locale, expiresAt, sealed } = event.data;
    const cause = causeOf(event, this.clock);
    await this.deliveries.decide(
      event.em,
      {
        deliveryId: deliveryIdFor(event.id, codeDeliveryId, channel),
        podId: event.podId,
        notificationId: null,
        causeEventId: event.id,
        kind: purpose === 'sign-in' ? 'sign-in-code' : 'contact-verification-code',
        recipient: { type: 'sealed-address' },
        channel,
        content: { type: 'sealed-code', locale, codeDeliveryId, purpose, sealed },
        fallbackChannels: [],
        expiresAt,
        overridesQuietHours: true,
        digest: 'immediate',
        notBefore: cause.metadata.now,
      },
      cause.metadata,
    );
  }
}
