export * from './authentication-error';
export * from './token-claims';
export * from './jwt-verifier';
export * from './dev-token';
