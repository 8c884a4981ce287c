import { migrationStatus } from '@mutuo/platform';
import { migrateService } from '../migrate-service';
import { serviceMigrations } from '../service-definition';
import type { OperatorCommandGroup } from './operator-command';
import { operatorConfig } from './operator-runtime';
import { printJson, printTable, wantsJson } from './operator-output';

/** `migrations status` and `migrations apply`: the service database's schema, as its owner (DATABASE_ADMIN_URL). */
export const migrationsCommand: OperatorCommandGroup = {
  name: 'migrations',
  summary: 'the service database schema: which migrations ran, which are pending; apply them',
  actions: [
    {
      name: 'status',
      usage: 'status [--json]',
      summary: 'lists applied and pending migrations; exit code 3 when some are pending',
      changesData: false,
      async run(context) {
        const config = operatorConfig(context);
        const status = await migrationStatus({
          adminUrl: config.DATABASE_ADMIN_URL,
          entities: context.definition.entities,
          migrations: serviceMigrations(context.definition),
        });
        if (wantsJson(context)) {
          printJson(context, status);
        } else {
          if (!status.databaseExists) context.io.out(`database ${status.database} does not exist yet`);
          printTable(
            context,
            ['migration', 'state', 'applied at'],
            [
              ...status.executed.map((row) => [row.name, 'applied', row.executedAt?.toISOString() ?? '']),
              ...status.pending.map((name) => [name, 'pending', '']),
            ],
          );
          context.io.out(status.pending.length ? `${status.pending.length} pending: run "migrations apply"` : 'schema up to date');
        }
        return status.pending.length ? 3 : 0;
      },
    },
    {
      name: 'apply',
      usage: 'apply [--yes]',
      summary: 'creates the database and runtime role when missing, applies pending migrations, grants the runtime role',
      changesData: true,
      async run(context) {
        const applied = await migrateService(context.definition, context.env);
        context.io.out(applied.length ? `applied ${applied.join(', ')}` : 'schema up to date');
        return 0;
      },
    },
  ],
};
