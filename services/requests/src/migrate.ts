import { runMigrateMain } from '@mutuo/service-kit';
import { requestsService } from './requests.service';

runMigrateMain(requestsService);
