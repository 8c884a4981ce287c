import type { INestApplication } from '@nestjs/common';
import { isPartnerScope, type PartnerScope } from '@mutuo/contracts';
import type { Logger } from '@mutuo/platform';
import { SERVICE_LOGGER, Clock } from '@mutuo/service-kit';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { isUuid } from '@mutuo/domain';
import { sameHash, sha256 } from '../keyed-hashes';
import { AccessTokens } from '../tokens/access-tokens';
import { PartnerClientQueries } from './partner-client.queries';

export const TOKEN_PATH = '/oauth/token';

type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  /** RFC 8707: the pod asked for is not one the client may act for. */
  | 'invalid_target'
  | 'server_error';

class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  server_error: 500,
};

const SECRET = /^mps_[A-Za-z0-9_-]{43}$/;

/**
 * The OAuth 2.0 token endpoint for partner apps, client-credentials grant only (RFC 6749 §4.4). Public, outside the
 * gateway: a client authenticates with its id and secret (HTTP Basic, or `client_id`/`client_secret` in the body,
 * form-encoded or JSON) and gets a short-lived token for one pod it was granted (`pod`), with the scopes it asks for
 * among its grants (`scope`, all of them by default). Errors are the standard `{ error, error_description }`.
 */
export function mountOAuthToken(app: INestApplication): void {
  const clients = app.get(PartnerClientQueries);
  const tokens = app.get(AccessTokens);
  const clock = app.get(Clock);
  const logger = app.get<Logger>(SERVICE_LOGGER);
  const expressApp = app.getHttpAdapter().getInstance() as Express;

  const issue = async (req: Request, res: Response) => {
    res.set({ 'cache-control': 'no-store', pragma: 'no-cache' });
    try {
      const params = bodyParams(req.body);
      const credentials = clientCredentials(req.get('authorization'), params);
      if (params.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
      if (params.grant_type !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported');
      }
      const client = isUuid(credentials.clientId) && SECRET.test(credentials.secret) ? await clients.credentials(credentials.clientId.toLowerCase()) : null;
      // An unknown client, a revoked one and a wrong secret get the same answer.
      if (!client || client.revoked || !sameHash(client.secretHash, sha256(credentials.secret))) {
        throw new OAuthError('invalid_client', 'Client authentication failed');
      }
      const scopes = requestedScopes(params.scope, client.scopes);
      const podId = targetPod(params.pod, client.podIds);
      const pod = await clients.regionOfPod(podId);
      if (!pod) throw new OAuthError('invalid_target', 'The pod is not known here');
      const issued = await tokens.forClient({ clientId: client.clientId, podId, regionSlug: pod.regionSlug, scopes }, clock.now());
      res.status(200).json({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresInSeconds, scope: scopes.join(' ') });
    } catch (error) {
      const failure = error instanceof OAuthError ? error : new OAuthError('server_error', 'The token could not be issued');
      if (!(error instanceof OAuthError)) logger.error({ err: error }, 'Token endpoint failed unexpectedly');
      else logger.info({ error: failure.code }, 'Token request refused');
      if (failure.code === 'invalid_client') res.set('www-authenticate', 'Basic realm="mutuo", charset="UTF-8"');
      res.status(STATUS[failure.code]).json({ error: failure.code, error_description: failure.description });
    }
  };

  // Malformed or oversized bodies get the standard error shape too, never express's HTML page.
  const unreadableBody: ErrorRequestHandler = (error: { type?: string }, _req, res, _next) => {
    res.set({ 'cache-control': 'no-store', pragma: 'no-cache' });
    res.status(400).json({
      error: 'invalid_request',
      error_description: error.type === 'entity.too.large' ? 'The request body is too large' : 'The request body could not be read',
    });
  };

  expressApp.post(TOKEN_PATH, express.urlencoded({ extended: false, limit: '8kb' }), express.json({ limit: '8kb' }), unreadableBody, issue);
  expressApp.all(TOKEN_PATH, (_req, res) => {
    res.set('allow', 'POST').status(405).json({ error: 'invalid_request', error_description: 'Use POST' });
  });
}

/** Every parameter once, as a string (RFC 6749 §3.2: a repeated parameter is an invalid request). */
function bodyParams(body: unknown): Record<string, string | undefined> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_request', 'The body must be form-encoded or a JSON object');
  const params: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be given once, as a string`);
    params[name] = value;
  }
  return params;
}

function clientCredentials(authorization: string | undefined, params: Record<string, string | undefined>): { clientId: string; secret: string } {
  const inBody = params.client_id !== undefined || params.client_secret !== undefined;
  if (authorization !== undefined) {
    if (inBody) throw new OAuthError('invalid_request', 'Authenticate the client one way only: HTTP Basic or the body, not both');
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(authorization.trim());
    if (!match) throw new OAuthError('invalid_client', 'Client authentication failed');
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Client authentication failed');
    // RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
    const part = (value: string) => {
      try {
        return decodeURIComponent(value.replace(/\+/g, ' '));
      } catch {
        throw new OAuthError('invalid_client', 'Client authentication failed');
      }
    };
    return { clientId: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  }
  if (params.client_id === undefined || params.client_secret === undefined) {
    throw new OAuthError('invalid_client', 'Client authentication failed: give client_id and client_secret');
  }
  return { clientId: params.client_id, secret: params.client_secret };
}

function requestedScopes(scope: string | undefined, granted: readonly PartnerScope[]): PartnerScope[] {
  if (scope === undefined || scope.trim() === '') return [...granted];
  const requested = [...new Set(scope.trim().split(/ +/))];
  const refused = requested.find((item) => !isPartnerScope(item) || !granted.includes(item));
  if (refused !== undefined) throw new OAuthError('invalid_scope', `The client was not granted the scope ${refused}`);
  return granted.filter((item) => requested.includes(item));
}

function targetPod(pod: string | undefined, granted: readonly string[]): string {
  if (pod === undefined || pod === '') {
    if (granted.length === 1) return granted[0]!;
    throw new OAuthError('invalid_request', 'pod is required: this client acts for several pods');
  }
  const podId = pod.toLowerCase();
  if (!isUuid(podId) || !granted.includes(podId)) throw new OAuthError('invalid_target', 'The client may not act for this pod');
  return podId;
}
