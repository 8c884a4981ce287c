export * from './authentication-error';
export * from './token-claims';
export * from './jwt-verifier';
export * from './dev-token';
export * from './partner-scopes';
export * from './es256-signing-key';
export * from './dev-signing-key';
