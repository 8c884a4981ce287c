import { streamName } from '@mutuo/event-store';

/** Stream names of pods' lifecycle; each names its pod, so its events carry it. */
export const podStream = (podId: string) => streamName('pod', podId, podId);
/** The application's id is the id the pod will have. */
export const podApplicationStream = (applicationId: string) => streamName('pod-application', applicationId, applicationId);
export const podSettingsStream = (podId: string) => streamName('pod-settings', podId, podId);
export const podAgreementsStream = (podId: string) => streamName('pod-agreements', podId, podId);
export const inviteCodeStream = (podId: string, codeId: string) => streamName('invite-code', podId, codeId);
export const memberStream = (podId: string, memberId: string) => streamName('member', podId, memberId);
export const regionStream = (regionId: string) => streamName('region', null, regionId);
export const proposalStream = (podId: string, proposalId: string) => streamName('proposal', podId, proposalId);
