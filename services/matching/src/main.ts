import { runServiceMain } from '@mutuo/service-kit';
import { matchingService } from './matching.service';

runServiceMain(matchingService);
