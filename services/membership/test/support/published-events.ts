import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventStreamName, parseCloudEvent, type MutuoCloudEvent } from '@mutuo/messaging';
import { TEST_NATS_URL } from '@mutuo/testing';

/** The integration events membership published under a test's NATS prefix, of one type (or all), in stream order. */
export async function publishedByMembership(prefix: string, type?: string): Promise<MutuoCloudEvent[]> {
  const nc = await connect({ servers: TEST_NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = eventStreamName(prefix, 'membership');
    const { state } = await jsm.streams.info(stream);
    const events: MutuoCloudEvent[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      // A message can be gone (stream limits); the rest still count.
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      const parsed = message && parseCloudEvent(message.data);
      if (parsed && parsed.ok && (type === undefined || parsed.event.type === type)) events.push(parsed.event);
    }
    return events;
  } finally {
    await nc.close();
  }
}
