import { memberIdFor } from '@mutuo/contracts';
import type { Identity } from './request-context';
import { mayIdentifyRequester } from './requester-privacy';

const POD = '6f1c2f7e-0f0e-4a53-9f7e-2d8c7f3b9a10';
const OTHER_POD = '0b7d1a52-5f3e-4c1e-8d57-0d1f2a3b4c5d';
const person = (subject: string, roles: string[] = ['member'], podId = POD, extra: Partial<Identity> = {}): Identity => ({
  subject,
  podId,
  roles,
  token: 't',
  ...extra,
});
const request = { anonymous: true, podId: POD, requesterMemberId: memberIdFor(POD, 'ana'), postedByMemberId: memberIdFor(POD, 'dispatcher-dan') };

describe('mayIdentifyRequester', () => {
  it('shows an anonymous requester to themselves, to whoever posted for them and to coordinators of the pod', () => {
    expect(mayIdentifyRequester(request, person('ana'))).toBe(true);
    expect(mayIdentifyRequester(request, person('dispatcher-dan', ['member', 'dispatcher']))).toBe(true);
    expect(mayIdentifyRequester(request, person('cleo', ['member', 'coordinator']))).toBe(true);
  });

  it('hides them from helpers, dispatchers, other pods, partner clients and callers without a token', () => {
    expect(mayIdentifyRequester(request, person('bo'))).toBe(false);
    expect(mayIdentifyRequester(request, person('eve', ['member', 'dispatcher']))).toBe(false);
    expect(mayIdentifyRequester(request, person('cleo', ['member', 'coordinator'], OTHER_POD))).toBe(false);
    expect(mayIdentifyRequester(request, person('client:partner', ['coordinator'], POD, { clientId: 'partner', scopes: ['requests:read'] }))).toBe(false);
    expect(mayIdentifyRequester(request, undefined)).toBe(false);
  });

  it('shows the requester of a request that is not anonymous to anyone', () => {
    expect(mayIdentifyRequester({ ...request, anonymous: false }, person('bo'))).toBe(true);
    expect(mayIdentifyRequester({ ...request, anonymous: false }, undefined)).toBe(true);
  });
});
