import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@mutuo/platform';
import { MemberAdmissionHandler, type ActiveMember, type JoinInput } from '../member-admission/member-admission.handler';

export type { ActiveMember };

/**
 * A person joins the pod named in their token, as the pod admits members (open, or with an invite code),
 * acknowledging its current agreements when it has any. Their member id is derived from pod and person.
 * The rules live in member-admission; this is the entry point the rest of the service already uses.
 */
@Injectable()
export class JoinPodHandler {
  constructor(private readonly admission: MemberAdmissionHandler) {}

  handle(input: JoinInput, ctx: RequestContext): Promise<ActiveMember & { joinedAt: string; acknowledgedAgreementsVersion: number | null }> {
    return this.admission.join(input, ctx);
  }
}
