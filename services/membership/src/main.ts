import { runServiceMain } from '@mutuo/service-kit';
import { membershipService } from './membership.service';

runServiceMain(membershipService);
