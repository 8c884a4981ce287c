import { runOperatorMain } from '@mutuo/service-kit';
import { notificationsService } from './notifications.service';

// The operator command line of this service: `npm run mutuo -- notifications <group> <action>` (docs/operations.md).
runOperatorMain(notificationsService);
