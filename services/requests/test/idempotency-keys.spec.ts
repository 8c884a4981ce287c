import { randomUUID } from 'node:crypto';
import { itCreatesOncePerIdempotencyKey, startServiceUnderTest, type ServiceUnderTest } from '@mutuo/testing';
import { requestsService } from '../src/requests.service';

/** Every creating mutation of requests takes an idempotency key (real PostgreSQL and NATS). */
describe('requests idempotency keys (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const podId = randomUUID();

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, {
      databasePrefix: 'requests_idempotency',
      appRole: 'mutuo_requests_app',
      env: { REQUEST_EXPIRY_ENABLED: 'false' },
    });
  }, 60_000);
  afterAll(() => sut?.stop(), 30_000);

  const creating =
    (mutation: string, inputType: string, eventType: string, input: (variant: string) => Record<string, unknown>, roles = ['member']) =>
    () => ({
      adminUrl: sut.db.adminUrl,
      eventType,
      create: async (subject: string, idempotencyKey: string | null, variant: string) =>
        sut.graphql<Record<string, unknown>>(await sut.token(subject, podId, roles), `mutation($input: ${inputType}!) { ${mutation}(input: $input) { id } }`, {
          input: { ...input(variant), ...(idempotencyKey === null ? {} : { idempotencyKey }) },
        }),
      idOf: (data: Record<string, unknown>) => (data[mutation] as { id: string }).id,
    });

  const help = (variant: string) => ({ title: `Groceries (${variant})`, description: 'Two bags from the market', language: 'en', category: 'GROCERIES' });
  itCreatesOncePerIdempotencyKey(
    'postRequest',
    creating('postRequest', 'PostRequestInput', 'RequestPosted', (variant) => ({ ...help(variant), urgency: 'URGENT' })),
  );
  itCreatesOncePerIdempotencyKey('postOffer', creating('postOffer', 'PostOfferInput', 'OfferPosted', help));
  const area = {
    type: 'Polygon',
    coordinates: [
      [
        [-9.2, 38.7],
        [-9.1, 38.7],
        [-9.1, 38.8],
        [-9.2, 38.8],
        [-9.2, 38.7],
      ],
    ],
  };
  itCreatesOncePerIdempotencyKey(
    'declareIncident',
    creating(
      'declareIncident',
      'DeclareIncidentInput',
      'IncidentDeclared',
      (variant) => ({ name: `Flood ${variant}`, type: 'FLOOD', area, startedAt: '2026-12-07T08:00:00.000Z' }),
      ['member', 'coordinator'],
    ),
  );
  itCreatesOncePerIdempotencyKey(
    'registerSharedResource',
    creating(
      'registerSharedResource',
      'RegisterSharedResourceInput',
      'SharedResourceRegistered',
      (variant) => ({ kind: 'FRIDGE', name: `Fridge ${variant}`, location: { lat: 38.72, lon: -9.14 }, openingHours: [] }),
      ['member', 'coordinator'],
    ),
  );
});
