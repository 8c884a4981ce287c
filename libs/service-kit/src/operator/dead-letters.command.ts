import { DeadLetterAdmin, durableName, type StoredDeadLetter } from '@mutuo/messaging';
import { OperatorUsageError, type OperatorAction, type OperatorCommandGroup, type OperatorContext } from './operator-command';
import { withNats } from './operator-runtime';
import { positiveInteger, printJson, printTable, wantsJson } from './operator-output';

const KINDS = ['invalid-envelope', 'malformed-type', 'unknown-type', 'unknown-version', 'invalid-data', 'handler-failed'];

/** The dead letters of this service's own consumer, which is named after the service. */
function withDeadLetters<T>(context: OperatorContext, work: (admin: DeadLetterAdmin, consumer: string) => Promise<T>): Promise<T> {
  return withNats(context, ({ jsm, js, config }) => work(new DeadLetterAdmin(jsm, js, config.NATS_PREFIX), durableName(context.definition.name)));
}

/** The dead letter at the sequence given as first argument, or an error saying there is none of this service there. */
async function letterArgument(context: OperatorContext, admin: DeadLetterAdmin, consumer: string): Promise<StoredDeadLetter> {
  const sequence = positiveInteger(context.args.positional[0], 'the dead letter sequence');
  if (sequence === undefined) throw new OperatorUsageError('give the dead letter sequence (see "dead-letters list")');
  const letter = await admin.get(consumer, sequence);
  if (!letter) throw new OperatorUsageError(`no dead letter of ${consumer} at sequence ${sequence}`);
  return letter;
}

function summary(letter: StoredDeadLetter) {
  return {
    sequence: letter.sequence,
    deadLetteredAt: letter.deadLetteredAt.toISOString(),
    kind: letter.kind,
    eventType: letter.eventType ?? null,
    eventId: letter.eventId ?? null,
    original: `${letter.originalStream}:${letter.originalSequence}`,
    deliveries: letter.deliveryCount,
    reason: letter.reason,
  };
}

const list: OperatorAction = {
  name: 'list',
  usage: 'list [--kind=<kind>] [--limit=<n>] [--json]',
  summary: "this service's dead letters, oldest first, with the reason each was given up",
  changesData: false,
  async run(context) {
    const kind = context.args.flags['kind'];
    if (kind !== undefined && (kind === true || !KINDS.includes(kind))) throw new OperatorUsageError(`--kind must be one of ${KINDS.join(', ')}`);
    const limit = positiveInteger(context.args.flags['limit'], '--limit') ?? 100;
    const letters = await withDeadLetters(context, (admin, consumer) => admin.list({ consumer, kind, limit }));
    const rows = letters.map(summary);
    if (wantsJson(context)) printJson(context, rows);
    else
      printTable(
        context,
        ['seq', 'dead-lettered at', 'kind', 'event type', 'original', 'reason'],
        rows.map((row) => [row.sequence, row.deadLetteredAt, row.kind, row.eventType ?? '-', row.original, row.reason]),
      );
    return 0;
  },
};

const show: OperatorAction = {
  name: 'show',
  usage: 'show <seq>',
  summary: 'one dead letter: every header and the original message body',
  changesData: false,
  async run(context) {
    const letter = await withDeadLetters(context, (admin, consumer) => letterArgument(context, admin, consumer));
    const text = Buffer.from(letter.body).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an invalid envelope, say): shown as the text it is.
    }
    printJson(context, { ...summary(letter), subject: letter.subject, originalSubject: letter.originalSubject, consumer: letter.consumer, body });
    return 0;
  },
};

const replay: OperatorAction = {
  name: 'replay',
  usage: 'replay <seq> [--yes]',
  summary: 'publishes the original message again to its subject (after a fix) and removes the dead letter',
  changesData: true,
  async run(context) {
    const result = await withDeadLetters(context, async (admin, consumer) => admin.replay(await letterArgument(context, admin, consumer)));
    context.io.out(`replayed to ${result.stream} as sequence ${result.sequence}; consumers that already handled the event skip it`);
    return 0;
  },
};

const discard: OperatorAction = {
  name: 'discard',
  usage: 'discard <seq> [--yes]',
  summary: 'deletes the dead letter for good (its content is erased from storage)',
  changesData: true,
  async run(context) {
    const sequence = await withDeadLetters(context, async (admin, consumer) => {
      const letter = await letterArgument(context, admin, consumer);
      await admin.discard(letter);
      return letter.sequence;
    });
    context.io.out(`dead letter ${sequence} discarded`);
    return 0;
  },
};

/** `dead-letters list | show | replay | discard`, for the messages this service's consumer gave up on. */
export const deadLettersCommand: OperatorCommandGroup = {
  name: 'dead-letters',
  summary: 'messages this service could not handle: list, show, replay after a fix, discard',
  actions: [list, show, replay, discard],
};
