import { streamName } from '@mutuo/event-store';

/** The stream of a pod's roles: pod admission and erasure read it, the roles use case writes it. */
export const podRolesStream = (podId: string) => streamName('pod-roles', podId, podId);
