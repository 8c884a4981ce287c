import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { uniqueSuffix } from './unique-suffix';

export const TEST_NATS_URL = process.env.MUTUO_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A NATS_PREFIX for one test file, so its streams and subjects never meet another run's. */
export function natsTestPrefix(): string {
  return `t${uniqueSuffix()}`;
}

/**
 * Deletes the JetStream streams a test created: those whose name starts with the prefix (any case)
 * or whose subjects all live under `<prefix>.`. Returns the names deleted.
 */
export async function deleteStreamsWithPrefix(prefix: string, natsUrl = TEST_NATS_URL): Promise<string[]> {
  if (prefix.length < 4) throw new Error(`Refusing to delete streams for the short prefix "${prefix}"`);
  const nc = await connect({ servers: natsUrl, name: 'mutuo-test-cleanup' });
  const deleted: string[] = [];
  try {
    const jsm = await jetstreamManager(nc);
    const lowerPrefix = prefix.toLowerCase();
    for await (const stream of jsm.streams.list()) {
      const { name, subjects = [] } = stream.config;
      const ours = name.toLowerCase().startsWith(lowerPrefix) || (subjects.length > 0 && subjects.every((subject) => subject.startsWith(`${prefix}.`)));
      if (ours && (await jsm.streams.delete(name))) deleted.push(name);
    }
  } finally {
    await nc.close();
  }
  return deleted;
}
