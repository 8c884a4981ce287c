import { runOperatorMain } from '@mutuo/service-kit';
import { fundsService } from './funds.service';

// The operator command line of this service: `npm run mutuo -- funds <group> <action>` (docs/operations.md).
runOperatorMain(fundsService);
