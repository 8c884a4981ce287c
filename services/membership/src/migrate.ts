import { runMigrateMain } from '@mutuo/service-kit';
import { membershipService } from './membership.service';

runMigrateMain(membershipService);
