import { Module } from '@nestjs/common';
import { ClearingPositionQueries } from './clearing/clearing-position.queries';
import { RecordContributionHandler } from './contributions/record-contribution.handler';
import { DisbursementsHandler } from './disbursements/disbursements.handler';
import { DisbursementsQueries } from './disbursements/disbursements.queries';
import { PAYOUT_PROCESSOR, SandboxPayoutProcessor } from './disbursements/payout-processor';
import { BlankPersonalDataWhenMemberErased } from './erasure/blank-personal-data-when-member-erased.handler';
import { FundsPolicies } from './shared/funds-policies.repository';
import { Ledger } from './shared/ledger.service';
import { LedgerQueries } from './shared/ledger.queries';
import { PersonalTexts } from './shared/personal-texts.store';
import { OpenPodAccountsWhenPodCreated } from './pods/open-pod-accounts-when-pod-created.handler';
import { PodMembers } from './shared/pod-members.repository';
import { TrackPodMembers } from './pod-members/track-pod-members.handler';
import { PodRoles } from './shared/pod-roles.repository';
import { TrackRolesWhenRolesChange } from './pod-roles/track-roles-when-roles-change.handler';
import { CreditHoursWhenRequestFulfilled } from './time-bank/credit-hours-when-request-fulfilled.handler';
import { ReverseHoursWhenFulfilmentReversed } from './time-bank/reverse-hours-when-fulfilment-reversed.handler';
import { NoteHelperPodWhenMatchMade } from './time-bank/note-helper-pod-when-match-made.handler';
import { TimeBank } from './time-bank/time-bank.service';
import { TimeGiftsHandler } from './time-bank/time-gifts.handler';
import { PublicReportQueries } from './transparency/public-report.queries';
import { ApproveDisbursementWhenPodDecides } from './pod-decisions/approve-disbursement-when-pod-decides.handler';

@Module({
  controllers: [
    OpenPodAccountsWhenPodCreated,
    TrackRolesWhenRolesChange,
    CreditHoursWhenRequestFulfilled,
    ReverseHoursWhenFulfilmentReversed,
    NoteHelperPodWhenMatchMade,
    BlankPersonalDataWhenMemberErased,
    TrackPodMembers,
    ApproveDisbursementWhenPodDecides,
  ],
  providers: [
    Ledger,
    LedgerQueries,
    PodRoles,
    PodMembers,
    FundsPolicies,
    PersonalTexts,
    RecordContributionHandler,
    DisbursementsHandler,
    DisbursementsQueries,
    TimeBank,
    TimeGiftsHandler,
    PublicReportQueries,
    ClearingPositionQueries,
    // No real processor is wired anywhere yet: production must provide one before paying out real money.
    { provide: PAYOUT_PROCESSOR, useClass: SandboxPayoutProcessor },
  ],
  exports: [Ledger, LedgerQueries, TimeBank],
})
export class FundsModule {}
