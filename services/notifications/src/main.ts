import { runServiceMain } from '@mutuo/service-kit';
import { notificationsService } from './notifications.service';

runServiceMain(notificationsService);
