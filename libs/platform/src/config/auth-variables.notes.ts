import type { VariableNote } from './environment-reference';

/** docs/configuration.md: the token and gateway-secret variables the gateway and every service read (authVariablesShape). */
export const authVariableNotes: Readonly<Record<string, VariableNote>> = {
  GATEWAY_SHARED_SECRET: {
    description: 'Secret the gateway sends to every subgraph (`x-mutuo-gateway-secret`); a subgraph refuses any caller without it. The same value everywhere.',
    format: 'text, at least 32 characters',
    defaultText: 'development secret',
    production: 'development value refused',
  },
  JWT_ISSUER: {
    description: 'The `iss` every access token must carry (membership issues them with it).',
    defaultText: 'mutuo-dev',
    production: 'development value refused',
  },
  JWT_AUDIENCE: { description: 'The `aud` every access token must carry.', defaultText: 'mutuo', production: 'development value refused' },
  JWT_ALGORITHMS: {
    description:
      'Signature algorithms accepted on tokens (`ES256` with membership’s keys). `none` is refused; only `HS*` with `JWT_SECRET`, never with a public key or JWKS.',
    format: 'comma-separated JWA names',
    defaultText: 'HS256',
  },
  JWT_SECRET: {
    description: 'Shared HMAC secret tokens are verified with. Exactly one of `JWT_SECRET`, `JWT_PUBLIC_KEY`, `JWT_JWKS_URL`.',
    format: 'text, at least 32 characters',
    defaultText: 'development secret (when no other key source is set)',
    production: 'development value refused',
  },
  JWT_PUBLIC_KEY: { description: 'Public key tokens are verified with (one key source only).', format: 'PEM (`\\n` escapes accepted)' },
  JWT_JWKS_URL: {
    description: 'JWKS document the verification keys are fetched from, cached (membership’s `/.well-known/jwks.json`); one key source only.',
    format: 'URL',
    production: 'https only',
  },
};
