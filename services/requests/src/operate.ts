import { runOperatorMain } from '@mutuo/service-kit';
import { requestsService } from './requests.service';

// The operator command line of this service: `npm run mutuo -- requests <group> <action>` (docs/operations.md).
runOperatorMain(requestsService);
