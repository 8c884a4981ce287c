// `npm run nats:permissions [-- --prefix=<NATS_PREFIX>] [--check]`: writes infra/nats/authorization.conf, the
// nats-server users of a region (one per service, publish/subscribe limited to what its code publishes and consumes,
// and the provisioning user), from the services' own definitions. `--check` fails when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSubjectToken, DEFAULT_SUBJECT_PREFIX, renderAuthorization } from '@mutuo/messaging';
import { consumedEventTypes } from '@mutuo/service-kit';
import { fundsService } from '../../services/funds/src/funds.service';
import { matchingService } from '../../services/matching/src/matching.service';
import { membershipService } from '../../services/membership/src/membership.service';
import { notificationsService } from '../../services/notifications/src/notifications.service';
import { requestsService } from '../../services/requests/src/requests.service';

const TARGET = join(__dirname, '..', 'nats', 'authorization.conf');
const SERVICES = [membershipService, requestsService, matchingService, fundsService, notificationsService];

function main(argv: readonly string[]): number {
  const prefixFlag = argv.find((arg) => arg.startsWith('--prefix='));
  const prefix = assertSubjectToken(prefixFlag ? prefixFlag.slice('--prefix='.length) : DEFAULT_SUBJECT_PREFIX, '--prefix');
  const unknown = argv.filter((arg) => arg !== '--check' && !arg.startsWith('--prefix='));
  if (unknown.length) {
    process.stderr.write(`nats:permissions: unknown argument ${unknown.join(' ')}; usage: npm run nats:permissions -- [--prefix=<prefix>] [--check]\n`);
    return 2;
  }
  const text = renderAuthorization({
    prefix,
    roles: SERVICES.map((definition) => ({ service: definition.name, consumedTypes: consumedEventTypes(definition) })),
  });
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(TARGET, 'utf8');
    } catch {
      // Missing counts as out of date.
    }
    if (current === text) return 0;
    process.stderr.write(`${TARGET} is out of date: run npm run nats:permissions\n`);
    return 1;
  }
  writeFileSync(TARGET, text);
  process.stdout.write(`wrote ${TARGET}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
