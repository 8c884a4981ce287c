import { runMigrateMain } from '@mutuo/service-kit';
import { notificationsService } from './notifications.service';

runMigrateMain(notificationsService);
