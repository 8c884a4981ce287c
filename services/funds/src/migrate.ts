import { runMigrateMain } from '@mutuo/service-kit';
import { fundsService } from './funds.service';

runMigrateMain(fundsService);
