import { podIsolationProblems } from '@mutuo/platform';
import { migrateService, type ServiceDefinition } from '@mutuo/service-kit';
import { createTestDatabase } from './test-database';

/**
 * Migrates a fresh database for the service and lists what is wrong with its pod isolation (`podIsolationProblems`):
 * every table with `pod_id` must be isolated by row-level security, or named in `notPodData` with the reason its rows
 * are not one pod's data. Each service's test holds its own migrations to this.
 */
export async function podIsolationProblemsOf(definition: ServiceDefinition, notPodData: Readonly<Record<string, string>>): Promise<string[]> {
  const db = await createTestDatabase({ prefix: `${definition.name}_rls`, appRole: `mutuo_${definition.name}_app` });
  try {
    await migrateService(definition, { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_ADMIN_URL: db.adminUrl, DATABASE_URL: db.appUrl });
    return await podIsolationProblems(db.adminUrl, notPodData);
  } finally {
    await db.drop();
  }
}
