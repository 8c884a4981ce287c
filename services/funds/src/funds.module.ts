import { Module } from '@nestjs/common';
import { CloseClearingWhenPodLeftRegion } from './close-clearing-when-pod-left-region/close-clearing-when-pod-left-region.handler';
import { ClearingPositionQueries } from './clearing/clearing-position.queries';
import { RecordContributionHandler } from './contributions/record-contribution.handler';
import { DisbursementsHandler } from './disbursements/disbursements.handler';
import { DisbursementsQueries } from './disbursements/disbursements.queries';
import { payoutProcessorProvider } from './disbursements/payout-processor';
import { PayoutsHandler } from './disbursements/payouts/payouts.handler';
import { BlankPersonalDataWhenMemberErased } from './erasure/blank-personal-data-when-member-erased.handler';
import { FundsPolicies } from './shared/funds-policies.repository';
import { Ledger } from './shared/ledger.service';
import { LedgerQueries } from './shared/ledger.queries';
import { PersonalTexts } from './shared/personal-texts.store';
import { OpenPodAccountsWhenPodCreated } from './pods/open-pod-accounts-when-pod-created.handler';
import { TrackRegionWhenPodJoinedRegion } from './pods/track-region-when-pod-joined-region.handler';
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
    CloseClearingWhenPodLeftRegion,
    TrackRegionWhenPodJoinedRegion,
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
    PayoutsHandler,
    // FUNDS_PAYOUT_PROCESSOR: the sandbox (development, tests) or none (manual payouts; production's default).
    payoutProcessorProvider,
  ],
  exports: [Ledger, LedgerQueries, TimeBank],
})
export class FundsModule {}
