/**
 * Values that make a laptop setup work without any configuration. Production refuses every one
 * of them (see service-config.ts), so they are safe to publish.
 */
export const DEV_JWT_SECRET = 'mutuo-development-only-jwt-secret-never-use-in-production';
export const DEV_JWT_ISSUER = 'mutuo-dev';
export const DEV_JWT_AUDIENCE = 'mutuo';
export const DEV_JWT_ALGORITHMS: readonly string[] = ['HS256'];
export const DEV_GATEWAY_SHARED_SECRET = 'mutuo-development-only-gateway-secret';
