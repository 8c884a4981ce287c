import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@mutuo/platform';
import { GraphQLError } from 'graphql';
import { decodeJwt } from 'jose';
import { composeSupergraph } from '../../src/compose/compose-supergraph';
import { loadGatewayConfig } from '../../src/config/gateway-config';
import { createGatewayServer, type GatewayServer } from '../../src/server/gateway.server';
import { postGraphQL, type GraphQLResponse } from './graphql-client';
import { startTestSubgraph, type TestSubgraph } from './test-subgraph';
import { TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from './tokens';

export const TEST_GATEWAY_SECRET = 'test-gateway-shared-secret-0123456789abcdef';

/** Owns members; an unexpected failure and a deliberate, coded refusal are both one field away. */
export const MEMBERS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

  type Query {
    me: Member!
    member(id: ID!): Member
    members(ids: [ID!]!): [Member!]!
    "Fails like a broken database connection would."
    brokenField: String
    "Answers as a Mutuo subgraph does while its database is down."
    unavailableField: String
    "Refuses with a coded error naming the offending input."
    coordinatorNotes(podId: ID!): String
    "Answers after the given delay, to observe in-flight requests."
    slowEcho(message: String!, delayMs: Int!): String!
    "Suggestions naming help requests of the requests subgraph, some of which it will not resolve for the caller."
    suggestionsForMe: [Suggestion!]!
    membersWithSkill(skill: Skill!): [Member!]!
  }

  enum Skill {
    GROCERIES
    TRANSPORT
  }

  type Suggestion {
    id: ID!
    request: HelpRequest!
  }

  type HelpRequest @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Member @key(fields: "id") {
    id: ID!
    displayName: String!
    friend: Member
  }
`;

/** Contributes the open help requests of a member, reached through the Member entity key. */
export const REQUESTS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

  type Query {
    openRequestCount: Int
  }

  type Member @key(fields: "id") {
    id: ID!
    openRequests: [HelpRequest!]!
  }

  type HelpRequest @key(fields: "id") {
    id: ID!
    title: String!
  }
`;

/** Help requests whose id starts with this resolve to null in the requests subgraph (another pod's, say). */
export const UNREADABLE_REQUEST_PREFIX = 'other-pod-';

export const SECRET_IN_UNEXPECTED_ERROR = 'postgres://admin:hunter2@10.0.0.5/mutuo';

export interface Subgraphs {
  members: TestSubgraph;
  requests: TestSubgraph;
  stop(): Promise<void>;
}

export async function startSubgraphs(): Promise<Subgraphs> {
  const members = await startTestSubgraph({
    name: 'members',
    sdl: MEMBERS_SDL,
    gatewaySharedSecret: TEST_GATEWAY_SECRET,
    resolvers: {
      Query: {
        // The member is whoever the forwarded token names.
        me: (_parent, _args, context) => ({ id: decodeJwt(context.authorization?.slice('Bearer '.length) ?? '').sub }),
        member: (_parent, args: { id: string }) => ({ id: args.id }),
        members: (_parent, args: { ids: string[] }) => args.ids.map((id) => ({ id })),
        brokenField: () => {
          throw new Error(`connect ECONNREFUSED ${SECRET_IN_UNEXPECTED_ERROR}`);
        },
        unavailableField: () => {
          throw new GraphQLError('The service is temporarily unavailable. Nothing was changed: retrying later is safe.', {
            extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
          });
        },
        coordinatorNotes: () => {
          throw new GraphQLError('Only coordinators of this pod may read its notes', {
            extensions: { code: 'FORBIDDEN', field: 'podId' },
          });
        },
        slowEcho: async (_parent, args: { message: string; delayMs: number }) => {
          await new Promise((resolve) => setTimeout(resolve, args.delayMs));
          return args.message;
        },
        membersWithSkill: () => [],
        suggestionsForMe: () => [
          { id: 's1', request: { id: 'readable-1' } },
          { id: 's2', request: { id: `${UNREADABLE_REQUEST_PREFIX}2` } },
        ],
      },
      Member: {
        __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
        displayName: (member: { id: string }) => `Member ${member.id}`,
        friend: (member: { id: string }) => ({ id: `${member.id}-friend` }),
      },
    },
  });
  const requests = await startTestSubgraph({
    name: 'requests',
    sdl: REQUESTS_SDL,
    gatewaySharedSecret: TEST_GATEWAY_SECRET,
    resolvers: {
      Query: { openRequestCount: () => 2 },
      // Like a pod's requests read from another pod: row-level security finds nothing, so the entity is null.
      HelpRequest: {
        __resolveReference: (reference: { id: string }) =>
          reference.id.startsWith(UNREADABLE_REQUEST_PREFIX) ? null : { id: reference.id, title: `Request ${reference.id}` },
      },
      Member: {
        __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
        openRequests: (member: { id: string }) => [
          { id: `${member.id}-r1`, title: 'Lift to the clinic' },
          { id: `${member.id}-r2`, title: 'Groceries on Friday' },
        ],
      },
    },
  });
  return {
    members,
    requests,
    stop: async () => {
      await Promise.all([members.stop(), requests.stop()]);
    },
  };
}

export interface RunningGateway {
  gateway: GatewayServer;
  url: string;
  /** Parsed JSON log lines the gateway wrote. */
  logs: Record<string, unknown>[];
  query(request: { query: string; variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> }): Promise<GraphQLResponse>;
  stop(): Promise<void>;
}

/**
 * Composes the subgraphs' SDLs with the gateway's own composition function and starts the gateway on them.
 * The requests subgraph is composed with an unreachable URL and reached through SUBGRAPH_REQUESTS_URL, as a
 * deployment overriding the development URLs would.
 */
export function startGateway(subgraphs: Subgraphs, env: Record<string, string> = {}): Promise<RunningGateway> {
  return startGatewayOn(
    [
      { name: 'members', sdl: subgraphs.members.sdl, url: subgraphs.members.url },
      { name: 'requests', sdl: subgraphs.requests.sdl, url: 'http://127.0.0.1:9/unreachable' },
    ],
    { SUBGRAPH_REQUESTS_URL: subgraphs.requests.url, ...env },
  );
}

/** The gateway, with the test secrets and HS256 tokens, on a supergraph composed from the given subgraphs. */
export async function startGatewayOn(subgraphs: { name: string; sdl: string; url: string }[], env: Record<string, string> = {}): Promise<RunningGateway> {
  const composition = composeSupergraph(subgraphs);
  if (composition.errors) throw new Error(`test subgraphs do not compose: ${composition.errors.join('; ')}`);

  const directory = await mkdtemp(path.join(tmpdir(), 'mutuo-gateway-test-'));
  const supergraphPath = path.join(directory, 'supergraph.graphql');
  await writeFile(supergraphPath, composition.supergraphSdl);

  const config = loadGatewayConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    SUPERGRAPH_PATH: supergraphPath,
    GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
    JWT_SECRET: TEST_JWT_SECRET,
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    JWT_ALGORITHMS: 'HS256',
    SHUTDOWN_GRACE_PERIOD_MS: '1000',
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('gateway', 'debug', { write: (line: string) => void logs.push(JSON.parse(line)) });
  const gateway = await createGatewayServer(config, { logger });

  return {
    gateway,
    url: gateway.url,
    logs,
    query: (request) => postGraphQL(gateway.url, request),
    stop: async () => {
      await gateway.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
