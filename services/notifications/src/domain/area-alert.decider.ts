import { Command, Decider, DomainEvent, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { CapMsgType } from './cap-alert';

/** One CAP alert about one incident: issued once, however often the incident's event arrives. */
export interface AreaAlertDetails {
  readonly alertId: string;
  readonly podId: string;
  readonly incidentId: string;
  readonly msgType: CapMsgType;
  readonly capXml: string;
  /** Members whose coarse location lies in the area when the alert was issued. */
  readonly recipientCount: number;
}

export type AreaAlertState = { readonly status: 'none' } | ({ readonly status: 'issued'; readonly issuedAt: string } & AreaAlertDetails);
export type IssueAreaAlert = Command<'IssueAreaAlert', AreaAlertDetails>;
export type AreaAlertIssued = DomainEvent<'AreaAlertIssued', AreaAlertDetails & { issuedAt: string }>;

export const areaAlertDecider: Decider<AreaAlertState, IssueAreaAlert, AreaAlertIssued> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'IssueAreaAlert':
        if (state.status !== 'none') return [];
        return [{ type: 'AreaAlertIssued', data: { ...command.data, issuedAt: command.metadata.now }, metadata: eventMetadataFrom(command.metadata) }];
      default:
        return assertNever(command.type, 'area alert command');
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'AreaAlertIssued':
        return { status: 'issued', ...event.data };
      default:
        return assertNever(event.type, 'area alert event');
    }
  },
};
