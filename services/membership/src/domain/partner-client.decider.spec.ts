import { DomainRuleViolation, spec } from '@mutuo/domain';
import {
  partnerClientDecider,
  type PartnerClientRegistered,
  type PartnerClientRevoked,
  type RegisterPartnerClient,
  type RevokePartnerClient,
} from './partner-client.decider';

const clientId = '7f9e3f7a-1c2b-4d5e-8f90-1a2b3c4d5e6f';
const arroios = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const graca = 'd3e8d2d7-4f1f-4c1b-8e66-9e2f7fad1b12';
const secretHash = 'a'.repeat(64);
const metadata = { now: '2026-03-01T10:00:00.000Z', actorId: 'person-ana', podId: arroios };
const eventMetadata = { occurredAt: metadata.now, actorId: metadata.actorId, podId: arroios };

const register = (overrides: Partial<RegisterPartnerClient['data']> = {}): RegisterPartnerClient => ({
  type: 'RegisterPartnerClient',
  data: {
    clientId,
    ownerPodId: arroios,
    name: 'Hotline app',
    scopes: ['requests:read'],
    podIds: [arroios],
    secretHash,
    callerCoordinates: [arroios],
    ...overrides,
  },
  metadata,
});
const registered: PartnerClientRegistered = {
  type: 'PartnerClientRegistered',
  data: { clientId, ownerPodId: arroios, name: 'Hotline app', scopes: ['requests:read', 'members:read'], podIds: [arroios, graca], secretHash },
  metadata: eventMetadata,
};
const revoke = (callerCoordinates: string[]): RevokePartnerClient => ({ type: 'RevokePartnerClient', data: { clientId, callerCoordinates }, metadata });
const revoked: PartnerClientRevoked = {
  type: 'PartnerClientRevoked',
  data: { clientId, ownerPodId: arroios, podIds: [arroios, graca] },
  metadata: eventMetadata,
};

describe('partner clients', () => {
  it('given a coordinator of both pods, when they register a client for them, then it is registered with its scopes in the shared order', () => {
    spec(partnerClientDecider)
      .given([])
      .when(
        register({ scopes: ['members:read', 'requests:read', 'requests:read'], podIds: [arroios, graca.toUpperCase()], callerCoordinates: [arroios, graca] }),
      )
      .then([registered]);
  });

  it('refuses a pod in which the caller is not a coordinator, naming it', () => {
    const error = spec(partnerClientDecider)
      .given([])
      .when(register({ podIds: [arroios, graca] }))
      .thenThrows(DomainRuleViolation, new RegExp(graca));
    expect(error).toMatchObject({ code: 'NOT_COORDINATOR', field: 'podIds' });
  });

  it('refuses unknown or no scopes, no pods, and a blank name', () => {
    const refusal = (command: RegisterPartnerClient) => spec(partnerClientDecider).given([]).when(command).thenThrows(DomainRuleViolation);
    expect(refusal(register({ scopes: ['requests:read', 'funds:write'] }))).toMatchObject({ code: 'INVALID_SCOPES', field: 'scopes' });
    expect(refusal(register({ scopes: [] }))).toMatchObject({ code: 'INVALID_SCOPES', field: 'scopes' });
    expect(refusal(register({ podIds: [] }))).toMatchObject({ code: 'INVALID_CLIENT_PODS', field: 'podIds' });
    expect(refusal(register({ name: '  ' }))).toMatchObject({ code: 'INVALID_CLIENT_NAME', field: 'name' });
  });

  it('lets a coordinator of any pod the client acts for revoke it; revoking again changes nothing', () => {
    spec(partnerClientDecider)
      .given([registered])
      .when(revoke([graca]))
      .then([revoked]);
    spec(partnerClientDecider)
      .given([registered, revoked])
      .when(revoke([arroios]))
      .then([]);
    expect(spec(partnerClientDecider).given([registered, revoked]).state()).toMatchObject({ status: 'revoked' });
  });

  it('refuses revocation by coordinators of unrelated pods and of clients that do not exist', () => {
    expect(
      spec(partnerClientDecider)
        .given([registered])
        .when(revoke(['e4f9e3e8-5a2a-4d2c-9f77-0f3a8a0e2c23']))
        .thenThrows(DomainRuleViolation),
    ).toMatchObject({
      code: 'NOT_COORDINATOR',
    });
    expect(
      spec(partnerClientDecider)
        .given([])
        .when(revoke([arroios]))
        .thenThrows(DomainRuleViolation),
    ).toMatchObject({ code: 'PARTNER_CLIENT_NOT_FOUND' });
  });
});
