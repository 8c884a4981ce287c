import { runMigrateMain } from '@mutuo/service-kit';
import { matchingService } from './matching.service';

runMigrateMain(matchingService);
