import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { deleteStreamsWithPrefix, natsTestPrefix, TEST_NATS_URL } from '../src';

describe('deleteStreamsWithPrefix', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const ours = natsTestPrefix();
  const theirs = natsTestPrefix();

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await deleteStreamsWithPrefix(theirs);
    await nc?.close();
  });

  it("deletes this run's streams and leaves other runs' streams alone", async () => {
    await jsm.streams.add({ name: `${ours}_REQUESTS`, subjects: [`${ours}.requests.>`] });
    // Named differently, but every subject is under the prefix: still this run's.
    await jsm.streams.add({ name: `FUNDS_${ours}`, subjects: [`${ours}.funds.>`] });
    await jsm.streams.add({ name: `${theirs}_REQUESTS`, subjects: [`${theirs}.requests.>`] });

    const deleted = await deleteStreamsWithPrefix(ours);

    expect(deleted.sort()).toEqual([`${ours}_REQUESTS`, `FUNDS_${ours}`].sort());
    await expect(jsm.streams.info(`${theirs}_REQUESTS`)).resolves.toBeDefined();
  });
});
