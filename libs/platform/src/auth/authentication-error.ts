export type AuthenticationFailure =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'algorithm_not_allowed'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'invalid_claims'
  | 'unknown_key'
  | 'unverifiable';

/**
 * A token was missing or could not be trusted. The message is safe to show to the caller:
 * it says what was wrong with the token, never how verification works inside.
 */
export class AuthenticationError extends Error {
  constructor(
    readonly reason: AuthenticationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}
