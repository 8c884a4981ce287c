import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import { requirePod, requireRole, type SubgraphContext } from '@mutuo/platform';
import { COORDINATOR_ROLES } from '../shared/graphql-input';
import { EmailChannel } from '../shared/channels/email.channel';
import { SmsChannel } from '../shared/channels/sms.channel';
import type { Resolvers } from '../graphql/schema.types';

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@<>(),;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function channelsResolvers(app: INestApplication) {
  const email = app.get(EmailChannel);
  const sms = app.get(SmsChannel);

  return {
    Mutation: {
      sendTestMessage: async (_: unknown, args: { channel: string; to: string }, ctx: SubgraphContext) => {
        requirePod(ctx);
        requireRole(ctx, ...COORDINATOR_ROLES);
        const to = args.to.trim();
        const deliveryId = randomUUID();
        const text = 'This is a test message from Mutuo. Your notification set-up works.';
        if (args.channel === 'EMAIL') {
          if (to.length > 254 || !EMAIL.test(to)) throw new DomainRuleViolation('INVALID_EMAIL', 'Give an e-mail address such as ana@example.org', 'to');
          const result = await email.send({ deliveryId, to, subject: 'Mutuo test message', text, locale: 'en' });
          return { accepted: result.type === 'accepted', error: result.type === 'accepted' ? null : result.error };
        }
        if (args.channel === 'SMS') {
          if (!E164.test(to)) throw new DomainRuleViolation('INVALID_PHONE', 'Give the number in E.164 form, such as +351912345678', 'to');
          const result = await sms.send({ deliveryId, podId: null, to, body: text });
          return { accepted: result.type === 'accepted', error: result.type === 'accepted' ? null : result.error };
        }
        throw new DomainRuleViolation('INVALID_CHANNEL', 'Test messages go by EMAIL or SMS', 'channel');
      },
    },
  } satisfies Resolvers;
}
