import { decodeJwt } from 'jose';
import { memberIdFor } from '@mutuo/contracts';
import { JwtVerifier, loadConfig, serviceConfigSchema } from '@mutuo/platform';
import type { RunningService } from '@mutuo/service-kit';
import { waitFor } from '@mutuo/testing';
import { SignedInPlatform } from './support/signed-in-platform';

const CLIENT_FIELDS = 'id name scopes podIds ownerPodId registeredAt revokedAt';
const REGISTER = `mutation($input: RegisterPartnerClientInput!) { registerPartnerClient(input: $input) { clientSecret client { ${CLIENT_FIELDS} } } }`;
const REVOKE = `mutation($id: ID!) { revokePartnerClient(id: $id) { ${CLIENT_FIELDS} } }`;
const LIST = `{ partnerClients { ${CLIENT_FIELDS} } }`;

interface PartnerClient {
  id: string;
  name: string;
  scopes: string[];
  podIds: string[];
  ownerPodId: string;
  registeredAt: string;
  revokedAt: string | null;
}

describe('partner clients (real PostgreSQL and NATS)', () => {
  const platform = new SignedInPlatform();
  let membership: RunningService;
  let arroios: string;
  let graca: string;
  let campanha: string;
  let anaInArroios: string;
  let boInArroios: string;
  let client: PartnerClient;
  let secret: string;

  const ok = <T>(bearer: string | null, query: string, variables: Record<string, unknown> = {}) => platform.ok<T>(membership, bearer, query, variables);
  const errorOf = async (bearer: string | null, query: string, variables: Record<string, unknown> = {}) =>
    (await platform.graphql(membership, bearer, query, variables)).errors?.[0];

  async function tokenRequest(body: Record<string, string> | string, headers: Record<string, string> = {}) {
    const form = typeof body === 'string';
    const response = await fetch(`${membership.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/json' : 'application/x-www-form-urlencoded', ...headers },
      body: form ? body : new URLSearchParams(body).toString(),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }
  const basic = (id: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` });

  beforeAll(async () => {
    await platform.start();
    membership = platform.membership;
    const operator = await platform.devToken('person-operator', ['operator']);
    const region = await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }');
    const createPod = async (name: string) =>
      (
        await ok<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
          input: { regionId: region.createRegion.id, name, languages: ['pt'], timezone: 'Europe/Lisbon' },
        })
      ).createPod.id;
    [arroios, graca, campanha] = [await createPod('Arroios'), await createPod('Graça'), await createPod('Campanhã')];
    const join = async (person: string, podId: string) =>
      ok(await platform.devToken(person, ['member'], podId), 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name: person });
    await join('person-ana', arroios);
    await join('person-ana', graca);
    await join('person-bo', arroios);
    await join('person-cy', campanha);
    // Ana coordinates Arroios and Graça; Bo is a member of Arroios only.
    for (const podId of [arroios, graca]) {
      await ok(operator, 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }', {
        input: { podId, memberId: memberIdFor(podId, 'person-ana'), role: 'coordinator' },
      });
    }
    await waitFor(async () => (await platform.sql("select 1 from role_terms where role = 'coordinator'")).length === 2, {
      description: 'the role read model',
      timeoutMs: 10_000,
    });
    anaInArroios = await platform.devToken('person-ana', ['member', 'coordinator'], arroios);
    boInArroios = await platform.devToken('person-bo', ['member'], arroios);
  }, 120_000);

  afterAll(() => platform.stop(), 60_000);

  it('lets a coordinator register a client for the pods she coordinates, showing its secret once', async () => {
    const { registerPartnerClient } = await ok<{ registerPartnerClient: { clientSecret: string; client: PartnerClient } }>(anaInArroios, REGISTER, {
      input: { name: 'Linha de apoio', scopes: ['MEMBERS_READ', 'REQUESTS_READ'], podIds: [arroios, graca] },
    });
    ({ client, clientSecret: secret } = registerPartnerClient);
    expect(secret).toMatch(/^mps_[A-Za-z0-9_-]{43}$/);
    expect(client).toMatchObject({
      name: 'Linha de apoio',
      scopes: ['REQUESTS_READ', 'MEMBERS_READ'],
      podIds: [arroios, graca],
      ownerPodId: arroios,
      revokedAt: null,
    });

    const listed = await waitFor(
      async () => (await ok<{ partnerClients: PartnerClient[] }>(anaInArroios, LIST)).partnerClients.find((c) => c.id === client.id),
      {
        description: 'the client in the read model',
        timeoutMs: 10_000,
      },
    );
    expect(listed).toEqual(client);
    // Only the secret's hash is stored anywhere.
    expect(JSON.stringify(await platform.sql('select to_jsonb(e) as row from mutuo_events e'))).not.toContain(secret);
  });

  it('refuses registration by a member who does not coordinate, and for a pod she does not coordinate', async () => {
    expect(await errorOf(boInArroios, REGISTER, { input: { name: 'App', scopes: ['REQUESTS_READ'] } })).toMatchObject({
      extensions: { code: 'NOT_COORDINATOR' },
    });
    // Bo's token claims coordinator; the role read model says otherwise.
    const claiming = await platform.devToken('person-bo', ['member', 'coordinator'], arroios);
    expect(await errorOf(claiming, REGISTER, { input: { name: 'App', scopes: ['REQUESTS_READ'] } })).toMatchObject({ extensions: { code: 'NOT_COORDINATOR' } });
    const error = await errorOf(anaInArroios, REGISTER, { input: { name: 'App', scopes: ['REQUESTS_READ'], podIds: [arroios, campanha] } });
    expect(error).toMatchObject({ extensions: { code: 'NOT_COORDINATOR', field: 'podIds' } });
    expect(error?.message).toContain(campanha);
    expect(await errorOf(anaInArroios, REGISTER, { input: { name: '', scopes: ['REQUESTS_READ'] } })).toMatchObject({
      extensions: { code: 'INVALID_CLIENT_NAME', field: 'name' },
    });
    expect(await errorOf(anaInArroios, REGISTER, { input: { name: 'App', scopes: [] } })).toMatchObject({
      extensions: { code: 'INVALID_SCOPES', field: 'scopes' },
    });
    expect(await errorOf(boInArroios, LIST)).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('issues a client-credentials token for one granted pod, with the granted scopes, verifiable against the JWKS', async () => {
    const issued = await tokenRequest({ grant_type: 'client_credentials', pod: arroios, scope: 'requests:read' }, basic(client.id, secret));

    expect(issued.status).toBe(200);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'requests:read' });
    const verifier = JwtVerifier.fromConfig(
      loadConfig(serviceConfigSchema('requests'), { JWT_JWKS_URL: `${membership.url}/.well-known/jwks.json`, JWT_ALGORITHMS: 'ES256' }),
    );
    await expect(verifier.verify(issued.body.access_token as string)).resolves.toMatchObject({
      subject: `client:${client.id}`,
      clientId: client.id,
      scopes: ['requests:read'],
      podId: arroios,
      regionId: 'lisboa',
      roles: [],
    });

    const json = await tokenRequest(JSON.stringify({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret, pod: graca }));
    expect(json.status).toBe(200);
    expect(decodeJwt(json.body.access_token as string)).toMatchObject({ pod: graca, scope: 'requests:read members:read' });
  });

  it('answers token requests it cannot grant with the standard OAuth errors', async () => {
    const wrongSecret = await tokenRequest({ grant_type: 'client_credentials', pod: arroios }, basic(client.id, `mps_${'x'.repeat(43)}`));
    expect(wrongSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrongSecret.headers.get('www-authenticate')).toBe('Basic realm="mutuo", charset="UTF-8"');
    expect(await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret, pod: campanha })).toMatchObject({
      status: 400,
      body: { error: 'invalid_target' },
    });
    expect(await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'pod is required: this client acts for several pods' },
    });
    expect(
      await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret, pod: arroios, scope: 'requests:write' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_scope' },
    });
    expect(await tokenRequest({ grant_type: 'password', client_id: client.id, client_secret: secret })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(await tokenRequest({ client_id: client.id, client_secret: secret })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await tokenRequest('{ not json')).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(
      await tokenRequest({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret, pod: arroios }, basic(client.id, secret)),
    ).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('confines a client token to its pod and its scopes', async () => {
    const forArroios = (await tokenRequest({ grant_type: 'client_credentials', pod: arroios }, basic(client.id, secret))).body.access_token as string;
    const readOnly = (await tokenRequest({ grant_type: 'client_credentials', pod: arroios, scope: 'requests:read' }, basic(client.id, secret))).body
      .access_token as string;

    const bo = memberIdFor(arroios, 'person-bo');
    const seen = await ok<{ member: { displayName: string; contactChannels: unknown } | null }>(
      forArroios,
      'query($id: ID!) { member(id: $id) { displayName contactChannels { id } } }',
      { id: bo },
    );
    // The directory, never the private details.
    expect(seen.member).toEqual({ displayName: 'person-bo', contactChannels: null });
    // Cy is in Campanhã, which the client was never granted: row-level security finds nobody.
    const cy = memberIdFor(campanha, 'person-cy');
    expect((await ok<{ member: unknown }>(forArroios, 'query($id: ID!) { member(id: $id) { id } }', { id: cy })).member).toBeNull();
    expect(await errorOf(readOnly, 'query($id: ID!) { member(id: $id) { id } }', { id: bo })).toMatchObject({ extensions: { code: 'INSUFFICIENT_SCOPE' } });
    // A client is no person: no session, no clients of its own.
    expect(await errorOf(forArroios, 'mutation { signOut }')).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await errorOf(forArroios, REGISTER, { input: { name: 'Nested', scopes: ['REQUESTS_READ'] } })).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('lets a coordinator of any pod the client acts for revoke it; it gets no token after that', async () => {
    expect(await errorOf(boInArroios, REVOKE, { id: client.id })).toMatchObject({ extensions: { code: 'NOT_COORDINATOR' } });
    const anaInGraca = await platform.devToken('person-ana', ['member', 'coordinator'], graca);

    const { revokePartnerClient } = await ok<{ revokePartnerClient: PartnerClient }>(anaInGraca, REVOKE, { id: client.id });
    expect(revokePartnerClient).toMatchObject({ id: client.id, revokedAt: expect.any(String) });

    await waitFor(
      async () => (await tokenRequest({ grant_type: 'client_credentials', pod: arroios }, basic(client.id, secret))).body.error === 'invalid_client',
      { description: 'the revocation to reach the credentials', timeoutMs: 10_000 },
    );
    const listed = await ok<{ partnerClients: PartnerClient[] }>(anaInArroios, LIST);
    expect(listed.partnerClients.find((c) => c.id === client.id)?.revokedAt).toEqual(expect.any(String));
  });
});
