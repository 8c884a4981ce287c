import { runOperatorMain } from '@mutuo/service-kit';
import { membershipService } from './membership.service';

// The operator command line of this service: `npm run mutuo -- membership <group> <action>` (docs/operations.md).
runOperatorMain(membershipService);
