import { runServiceMain } from '@mutuo/service-kit';
import { fundsService } from './funds.service';

runServiceMain(fundsService);
