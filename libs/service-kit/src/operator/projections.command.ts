import { query } from '@mutuo/event-store';
import { OperatorUsageError, type OperatorAction, type OperatorCommandGroup, type OperatorContext } from './operator-command';
import { operatorProjectionRunner, withServiceDatabase } from './operator-runtime';
import { printJson, printTable, secondsSince, wantsJson } from './operator-output';

/** The projection named by the first positional argument; a usage error listing the service's projections otherwise. */
function projectionArgument(context: OperatorContext): string {
  const names = context.definition.projections.map((projection) => projection.name);
  const [name] = context.args.positional;
  if (!name || !names.includes(name)) {
    throw new OperatorUsageError(
      `${name ? `unknown projection "${name}"` : 'name a projection'}; ${context.definition.name} has ${names.join(', ') || 'none'}`,
    );
  }
  return name;
}

const status: OperatorAction = {
  name: 'status',
  usage: 'status [--json]',
  summary: 'each projection: events behind, parked events, when its checkpoint last moved',
  changesData: false,
  async run(context) {
    const rows = await withServiceDatabase(context, async (orm, config) => {
      const runner = operatorProjectionRunner(context, orm, config);
      const [lags, parked] = await Promise.all([runner.lag(), runner.parkedCounts()]);
      const moved = await query<{ projection: string; updated_at: Date | string }>(
        orm.em.fork(),
        'select projection, updated_at from mutuo_projection_checkpoints',
      );
      // Raw rows carry timestamps as the driver gives them (text or Date): one Date for both.
      const movedAt = new Map(moved.map((row) => [row.projection, new Date(row.updated_at)]));
      return context.definition.projections.map((projection) => ({
        projection: projection.name,
        eventsBehind: lags.get(projection.name) ?? 0,
        parkedEvents: parked.get(projection.name) ?? 0,
        checkpointMovedAt: movedAt.get(projection.name) ?? null,
      }));
    });
    if (wantsJson(context)) {
      printJson(context, rows);
    } else {
      printTable(
        context,
        ['projection', 'events behind', 'parked', 'checkpoint moved (s ago)'],
        rows.map((row) => [row.projection, row.eventsBehind, row.parkedEvents, secondsSince(row.checkpointMovedAt) ?? 'never']),
      );
    }
    return rows.some((row) => row.parkedEvents > 0) ? 3 : 0;
  },
};

const parked: OperatorAction = {
  name: 'parked',
  usage: 'parked <projection> [--json]',
  summary: "the events a projection parked because it could not apply them, each stream's in order",
  changesData: false,
  async run(context) {
    const name = projectionArgument(context);
    const events = await withServiceDatabase(context, (orm, config) => operatorProjectionRunner(context, orm, config).parked(name));
    if (wantsJson(context)) printJson(context, events);
    else
      printTable(
        context,
        ['event', 'stream', 'position', 'reason', 'error'],
        events.map((event) => [event.eventId, event.streamId, event.streamPosition, event.reason, event.error]),
      );
    return 0;
  },
};

const retryParked: OperatorAction = {
  name: 'retry-parked',
  usage: 'retry-parked <projection> [--yes]',
  summary: 'applies the parked events again (after a fix) and removes those that now apply',
  changesData: true,
  async run(context) {
    const name = projectionArgument(context);
    const result = await withServiceDatabase(context, (orm, config) => operatorProjectionRunner(context, orm, config).retryParked(name));
    context.io.out(`${name}: ${result.applied} applied, ${result.stillParked} still parked`);
    for (const failure of result.failures) context.io.err(`  ${failure.message}`);
    return result.stillParked > 0 ? 3 : 0;
  },
};

const rebuild: OperatorAction = {
  name: 'rebuild',
  usage: 'rebuild <projection> [--yes]',
  summary: 'empties the read model and replays every event into it; running replicas wait for the reset',
  changesData: true,
  async run(context) {
    const name = projectionArgument(context);
    const started = Date.now();
    const checkpoint = await withServiceDatabase(context, async (orm, config) => {
      const runner = operatorProjectionRunner(context, orm, config);
      await runner.rebuild(name);
      return runner.checkpointOf(name);
    });
    context.io.out(`${name} rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s, up to global position ${checkpoint.globalPosition}`);
    return 0;
  },
};

/** `projections status | parked | retry-parked | rebuild`. */
export const projectionsCommand: OperatorCommandGroup = {
  name: 'projections',
  summary: 'read models built from the event store: lag, parked events, retry, rebuild',
  actions: [status, parked, retryParked, rebuild],
};
