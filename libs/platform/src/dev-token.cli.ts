/**
 * Prints a development access token:
 *   node -r @swc-node/register libs/platform/src/dev-token.cli.ts --subject alice --pod <uuid> --roles member,coordinator
 * By default it is signed ES256 with the development signing key (.state/dev-signing-key.pem, or DEV_SIGNING_KEY_FILE),
 * the key membership publishes in its JWKS on a development machine (`npm run up`); `--hs256` signs with the
 * development secret instead, for services started on their own with default configuration.
 * Refuses to run with NODE_ENV=production. Imports stay relative so it runs without path mapping.
 */
import { parseArgs } from 'node:util';
import { devSigningKeyPath, loadOrCreateDevSigningKey } from './auth/dev-signing-key';
import { DevTokenRefused, mintDevToken } from './auth/dev-token';

const USAGE = 'Usage: dev-token --subject <id> [--pod <uuid>] [--region <slug>] [--roles a,b] [--ttl 1h|<seconds>] [--hs256 | --key-file <pem>]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') fail(new DevTokenRefused().message);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        subject: { type: 'string', short: 's' },
        pod: { type: 'string', short: 'p' },
        region: { type: 'string', short: 'r' },
        roles: { type: 'string' },
        ttl: { type: 'string' },
        hs256: { type: 'boolean' },
        'key-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${(error as Error).message}. ${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (typeof values.subject !== 'string') fail(`--subject is required. ${USAGE}`);
  const ttl = typeof values.ttl === 'string' && /^\d+$/.test(values.ttl) ? Number(values.ttl) : (values.ttl as string | undefined);
  const roles =
    typeof values.roles === 'string'
      ? values.roles
          .split(',')
          .map((role) => role.trim())
          .filter(Boolean)
      : [];
  if (values.hs256 && values['key-file'] !== undefined) fail(`--hs256 and --key-file exclude each other. ${USAGE}`);
  try {
    const keyFile = typeof values['key-file'] === 'string' ? values['key-file'] : devSigningKeyPath();
    const token = await mintDevToken(
      {
        subject: values.subject,
        podId: values.pod as string | undefined,
        regionId: values.region as string | undefined,
        roles,
        ttl,
      },
      values.hs256 ? {} : { key: loadOrCreateDevSigningKey(keyFile) },
    );
    process.stdout.write(`${token}\n`);
  } catch (error) {
    fail((error as Error).message);
  }
}

void main();
