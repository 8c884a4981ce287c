import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DomainRuleViolation } from '@mutuo/domain';
import { parse } from 'graphql';
import { z } from 'zod';
import {
  createLogger,
  currentContext,
  DEV_JWT_AUDIENCE,
  DEV_JWT_ISSUER,
  DEV_JWT_SECRET,
  GATEWAY_ONLY_MESSAGE,
  JwtVerifier,
  mintDevToken,
  mountSubgraph,
  requirePod,
  requireRole,
  SubgraphContext,
} from '../src';
import { CapturedLogs } from './support/captured-logs';

const SHARED_SECRET = 'subgraph-test-shared-secret';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    me: Me!
    myPod: ID!
    coordinatorsOnly: String!
    closeRequest(requestId: ID!): Boolean!
    renameNote(title: String!): String!
    saveNote(input: NoteInput!): String!
    breakDown: String
  }

  input NoteInput {
    lines: [String!]!
  }

  type Me {
    subject: String!
    roles: [String!]!
    correlationId: String!
  }
`);

@Module({})
class EmptyModule {}

interface GraphQLResponseBody {
  data?: { _service?: { sdl: string } } & Record<string, unknown>;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe('mountSubgraph', () => {
  const logs = new CapturedLogs();
  const logger = createLogger('platform-test', 'info', logs);
  const podId = randomUUID();
  let app: INestApplication;
  let url: string;
  let memberToken: string;
  const savedNotes: string[][] = [];

  const resolvers = {
    Query: {
      me: (_: unknown, __: unknown, ctx: SubgraphContext) => {
        const identity = requireRole(ctx);
        return { subject: identity.subject, roles: identity.roles, correlationId: currentContext()?.correlationId };
      },
      myPod: (_: unknown, __: unknown, ctx: SubgraphContext) => requirePod(ctx).podId,
      coordinatorsOnly: (_: unknown, __: unknown, ctx: SubgraphContext) => requireRole(ctx, 'coordinator').subject,
      closeRequest: () => {
        throw new DomainRuleViolation('REQUEST_ALREADY_CLOSED', 'The request is already closed', 'requestId');
      },
      renameNote: (_: unknown, args: unknown) => z.object({ title: z.string().min(3, 'must have at least 3 characters') }).parse(args).title,
      saveNote: (_: unknown, args: { input: { lines: string[] } }) => {
        savedNotes.push(args.input.lines);
        return 'saved';
      },
      breakDown: () => {
        throw new Error('connection to 10.0.0.7 refused for user ledger_admin');
      },
    },
  };

  beforeAll(async () => {
    app = await NestFactory.create(EmptyModule, { logger: false });
    const verifier = new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['HS256'], secret: DEV_JWT_SECRET });
    await mountSubgraph(app, { typeDefs, resolvers, sharedSecret: SHARED_SECRET, verifier, logger });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/graphql`;
    memberToken = await mintDevToken({ subject: 'person-1', podId, roles: ['member'] });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function post(query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponseBody };
  }

  const fromGateway = (token?: string, extra: Record<string, string> = {}) => ({
    'x-mutuo-gateway-secret': SHARED_SECRET,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });

  it('refuses requests without the gateway secret', async () => {
    const expected = { errors: [{ message: GATEWAY_ONLY_MESSAGE, extensions: { code: 'FORBIDDEN' } }] };

    expect(await post('{ me { subject } }', { authorization: `Bearer ${memberToken}` })).toMatchObject({ status: 403, body: expected });
    expect(await post('{ me { subject } }', { 'x-mutuo-gateway-secret': 'guess' })).toMatchObject({ status: 403, body: expected });
  });

  it('answers the gateway with data for the verified caller, in the caller’s correlation', async () => {
    const response = await post('{ me { subject roles correlationId } myPod }', fromGateway(memberToken, { 'x-correlation-id': 'corr-42' }));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { me: { subject: 'person-1', roles: ['member'], correlationId: 'corr-42' }, myPod: podId },
    });
    expect(response.headers.get('x-correlation-id')).toBe('corr-42');
  });

  it('gives the gateway its Federation 2 SDL for composition', async () => {
    const response = await post('{ _service { sdl } }', fromGateway());

    expect(response.body.data?._service?.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
  });

  it('asks anonymous callers to sign in and refuses callers without the role', async () => {
    const anonymous = await post('{ myPod }', fromGateway());
    expect(anonymous.body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

    const member = await post('{ coordinatorsOnly }', fromGateway(memberToken));
    expect(member.body.errors?.[0]).toMatchObject({ message: 'This needs one of the roles: coordinator', extensions: { code: 'FORBIDDEN' } });
  });

  it('refuses an invalid token with 401 UNAUTHENTICATED', async () => {
    const response = await post('{ me { subject } }', fromGateway(`${memberToken}x`));

    expect(response).toMatchObject({
      status: 401,
      body: { errors: [{ message: 'Token signature is invalid', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('passes a business rule violation on with its code and field', async () => {
    const response = await post('{ closeRequest(requestId: "r-1") }', fromGateway(memberToken));

    expect(response.body.errors).toEqual([
      {
        message: 'The request is already closed',
        locations: [{ line: 1, column: 3 }],
        path: ['closeRequest'],
        extensions: { code: 'REQUEST_ALREADY_CLOSED', field: 'requestId' },
      },
    ]);
  });

  it('reports invalid input as BAD_USER_INPUT naming the field', async () => {
    const response = await post('{ renameNote(title: "ab") }', fromGateway(memberToken));

    expect(response.body.errors?.[0]).toMatchObject({
      message: 'Invalid value for title: must have at least 3 characters',
      extensions: { code: 'BAD_USER_INPUT', field: 'title' },
    });
  });

  it('refuses control characters, lone surrogates and noncharacters in any string argument before a resolver runs', async () => {
    const query = 'query Save($input: NoteInput!) { saveNote(input: $input) }';
    const cases: [Record<string, unknown> | undefined, string, string][] = [
      [{ input: { lines: ['fine', 'a\u0000b'] } }, 'input.lines.1', 'U+0000'],
      [{ input: { lines: ['\u0008'] } }, 'input.lines.0', 'U+0008'],
      [{ input: { lines: ['ab\uD800'] } }, 'input.lines.0', 'lone surrogate U+D800'],
      [{ input: { lines: ['ab\uFFFE'] } }, 'input.lines.0', 'noncharacter U+FFFE'],
    ];
    for (const [variables, field, what] of cases) {
      const response = await post(query, fromGateway(memberToken), variables);
      expect(response.status).toBe(200);
      expect(response.body.errors).toEqual([{ message: expect.stringContaining(what), extensions: { code: 'INVALID_TEXT', field } }]);
    }
    const inline = await post('{ saveNote(input: { lines: ["ok", "a\\u0085b"] }) }', fromGateway(memberToken));
    expect(inline.body.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_TEXT', field: 'input.lines.1' } });
    // The field names the argument, not whatever the caller called its variable.
    const renamed = await post('query Save($second: String!) { saveNote(input: { lines: ["ok", $second] }) }', fromGateway(memberToken), { second: '\u0000' });
    expect(renamed.body.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_TEXT', field: 'input.lines.1' } });
    expect(savedNotes).toEqual([]);

    const multiLine = await post(query, fromGateway(memberToken), { input: { lines: ['one\r\ntwo\tthree', 'Olá 🌍'] } });
    expect(multiLine.body).toEqual({ data: { saveNote: 'saved' } });
    expect(savedNotes).toEqual([['one\r\ntwo\tthree', 'Olá 🌍']]);
  });

  it('masks unexpected errors and logs them with their stack and correlation', async () => {
    const response = await post('{ breakDown }', fromGateway(memberToken, { 'x-correlation-id': 'corr-broken' }));

    expect(response.status).toBe(200);
    expect(response.body.errors).toEqual([
      { message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['breakDown'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(/10\.0\.0\.7|ledger_admin|at /);

    const [logged] = logs.withMessage('Unexpected error while resolving a GraphQL request');
    expect(logged).toMatchObject({
      level: 'error',
      service: 'platform-test',
      correlationId: 'corr-broken',
      podId,
      actor: 'person-1',
      err: { message: 'connection to 10.0.0.7 refused for user ledger_admin' },
    });
    expect(String((logged!.err as { stack: string }).stack)).toContain('subgraph.spec.ts');
  });

  it('answers malformed JSON with a JSON error instead of a stack trace', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...fromGateway() }, body: '{"query":' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'Request body must be valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  });
});
