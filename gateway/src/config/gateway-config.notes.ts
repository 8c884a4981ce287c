import { authVariableNotes, telemetryVariableNotes, type VariableNote } from '@mutuo/platform';

/** docs/configuration.md: the gateway's variables (gatewayEnvSchema), described for operators. */
export const gatewayConfigNotes: Readonly<Record<string, VariableNote>> = {
  NODE_ENV: { description: '`production` refuses the development secrets and turns introspection off.' },
  LOG_LEVEL: { description: 'pino level of the JSON logs on stdout; `silent` mutes them.' },
  HOST: {
    description: 'Address to listen on. Every interface by default, as a container needs; the logged URL uses `127.0.0.1` for the wildcard addresses.',
    format: 'host name or IP address',
  },
  PORT: { description: 'HTTP port of `/graphql`, `/health/live` and `/health/ready`; `0` picks a free port.' },
  SUPERGRAPH_PATH: {
    description: 'Composed supergraph SDL (`npm run compose`), read once at start; a relative path is resolved against the working directory.',
    format: 'file path',
    defaultText: 'the supergraph shipped beside the code (gateway/supergraph.graphql; in the build dist/gateway/gateway/supergraph.graphql)',
  },
  ...authVariableNotes,
  ...telemetryVariableNotes,
  JWT_CLOCK_TOLERANCE_SECONDS: { description: 'Clock skew allowed when checking a token’s `exp` and `nbf`.' },
  MAX_QUERY_DEPTH: { description: 'Deepest field nesting an operation may have (introspection exempt).' },
  MAX_QUERY_ALIASES: { description: 'Most aliases in one operation.' },
  MAX_QUERY_COST: { description: 'Highest cost of one operation (graphql-armor’s model; docs/gateway.md, Limits).' },
  MAX_QUERY_TOKENS: { description: 'Most lexical tokens in one operation document, enforced by the parser.' },
  MAX_QUERY_DIRECTIVES: { description: 'Most directives in one operation.' },
  MAX_REQUEST_BODY_BYTES: { description: 'Largest request body accepted; a larger one is answered with HTTP 413.' },
  SUBGRAPH_TIMEOUT_MS: { description: 'Deadline of each request to a subgraph.' },
  SHUTDOWN_GRACE_PERIOD_MS: { description: 'Time in-flight requests get to finish after SIGTERM.' },
  TRUSTED_PROXY_HOPS: {
    description:
      'Proxies in front of the gateway whose `X-Forwarded-For` is trusted for the caller’s address (sign-in rate limits); `0` uses the socket’s address.',
  },
  CORS_ALLOWED_ORIGINS: {
    description: 'Origins of partner browser apps allowed to call `/graphql` (CORS); every other origin gets no CORS header. `https` only in production.',
    format: 'comma-separated origins, e.g. `https://app.example.org,https://partner.example.net`',
    defaultText: 'none',
  },
  RATE_LIMIT_PER_MINUTE: {
    description:
      'Requests a minute one signed-in caller (a person by token subject, a partner client by client id) may make on `/graphql`, per gateway replica; past it HTTP 429 with `Retry-After`. `0` turns it off.',
  },
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: {
    description: 'Requests a minute from one address without a valid token (sign-in), per gateway replica. `0` turns it off.',
  },
  RATE_LIMIT_TRACKED_CALLERS: { description: 'Callers the rate limit remembers at once; past it the least recently seen are forgotten.' },
};

/** Variables the gateway reads outside its schema. */
export const gatewayExtraVariables: Readonly<Record<string, VariableNote>> = {
  'SUBGRAPH_<NAME>_URL': {
    description:
      'Overrides the URL the supergraph gives subgraph `<NAME>` (upper-cased, `-` read as `_`), e.g. `SUBGRAPH_FUNDS_URL=http://funds:4104/graphql`. An override naming no subgraph stops the gateway.',
    format: 'http(s) URL',
    defaultText: 'the URL in the supergraph',
  },
  APOLLO_TELEMETRY_DISABLED: {
    description: '`false` lets @apollo/gateway report usage to Apollo; the gateway sets `true` unless told otherwise, so nothing is sent anywhere.',
    format: '`true` or `false`',
    defaultText: 'true',
  },
};
