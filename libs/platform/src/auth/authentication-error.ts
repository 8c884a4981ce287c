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
  /** The token could not be checked at all (the key set could not be fetched, say): not the caller's fault. */
  | 'unverifiable';

/**
 * A token was missing or could not be trusted. The message is safe to show to the caller:
 * it says what was wrong with the token, never how verification works inside.
 */
export class AuthenticationError extends Error {
  constructor(
    readonly reason: AuthenticationFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AuthenticationError';
  }
}
