import { parseContractType } from '@mutuo/contracts';
import type { MutuoCloudEvent } from './cloud-event';
import type { FailureKind } from './dead-letter';
import type { ConsumerPlan } from './provisioning';
import { parseEventSubject } from './subjects';

/**
 * The subject is what NATS permissions are checked against, so the event inside must agree with it:
 * otherwise a publisher allowed on one pod's subjects could slip in another pod's event.
 */
export function checkRouting(natsSubject: string, event: MutuoCloudEvent): string | null {
  const subject = parseEventSubject(natsSubject);
  if (!subject) return `Subject ${natsSubject} does not follow <prefix>.evt.<region>.<pod>.<service>.<name>.v<version>`;
  if (subject.type !== event.type) return `Subject ${natsSubject} carries type ${subject.type}, but the event says ${event.type}`;
  if (subject.podId !== (event.podid ?? null)) {
    return `Subject ${natsSubject} names pod ${subject.podId ?? '(none)'}, but the event says ${event.podid ?? '(none)'}`;
  }
  if (subject.region !== event.regionid) {
    return `Subject ${natsSubject} names region ${subject.region}, but the event says ${event.regionid}`;
  }
  return null;
}

/**
 * A type without a handler: another version of an event we handle is a version we cannot read yet
 * (dead-letter it, to replay once supported); another event entirely is skipped when the filter is
 * service-wide, and a routing error otherwise.
 */
export function classifyUnhandled(
  type: string,
  handledTypes: Iterable<string>,
  plan: ConsumerPlan,
  consumer: string,
): { kind: FailureKind; reason: string } | null {
  const parts = parseContractType(type);
  const handledVersions = [...handledTypes]
    .map((handled) => parseContractType(handled))
    .filter((handled) => handled && parts && handled.service === parts.service && handled.name === parts.name)
    .map((handled) => `v${handled!.version}`);
  if (handledVersions.length > 0) {
    return { kind: 'unknown-version', reason: `${type}: this consumer handles only ${handledVersions.join(', ')}` };
  }
  if (plan.receivesUnhandledTypes) return null;
  return { kind: 'unknown-type', reason: `${type} is not handled by consumer ${consumer}` };
}
