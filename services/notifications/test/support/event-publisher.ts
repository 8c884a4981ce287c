import { randomUUID } from 'node:crypto';
import { codeDeliveryKeyFrom, DEV_CODE_DELIVERY_KEY, sealMemberContacts, type MemberContacts } from '@mutuo/contracts';
import { IntegrationEventPublisher } from '@mutuo/testing';
import { Client } from 'pg';

export const TEST_REGION = 'test-region';
export const DEV_KEY = codeDeliveryKeyFrom(DEV_CODE_DELIVERY_KEY);

/** Publishes integration events as their producers would, in the test region. */
export const EventPublisher = {
  connect: (prefix: string) => IntegrationEventPublisher.connect(prefix, TEST_REGION),
};
export type EventPublisher = IntegrationEventPublisher;

export function sealedContacts(memberId: string, channels: { kind: 'email' | 'phone'; value: string }[]): string {
  const contacts: MemberContacts = {
    channels: channels.map((channel) => ({ channelId: randomUUID(), kind: channel.kind, value: channel.value, verified: true })),
    preferredChannelId: null,
  };
  return sealMemberContacts(DEV_KEY, memberId, contacts);
}

export async function adminQuery<Row>(adminUrl: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}
