import { runOperatorMain } from '@mutuo/service-kit';
import { matchingService } from './matching.service';

// The operator command line of this service: `npm run mutuo -- matching <group> <action>` (docs/operations.md).
runOperatorMain(matchingService);
