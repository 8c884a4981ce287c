import { runServiceMain } from '@mutuo/service-kit';
import { requestsService } from './requests.service';

runServiceMain(requestsService);
