import type { HelpFacts } from '../domain/help-facts';
import type { ExistingRequest } from '../domain/request.state';
import type { ExistingOffer } from '../domain/offer.decider';
import type { OfferRow } from './offer-board.queries';
import type { RequestRow } from './request-details.queries';

/** What requests and offers both show: the help described, where and when, and where it stands. */
interface ListingView {
  id: string;
  podId: string;
  title: string;
  description: string;
  language: string;
  category: string;
  subcategory: string | null;
  status: string;
  visibility: string;
  quantity: number | null;
  window: { from: string | null; until: string | null; rrule: string | null; durationMinutes: number | null };
  locationCell: string | null;
  postedAt: string;
  version: number;
}

/** A request as the API shows it, whether it comes from the read model or straight from a command. */
export interface RequestView extends ListingView {
  urgency: string;
  precisePoint: { lat: number; lon: number } | null;
  respondBy: string | null;
  firstMatchedAt: string | null;
  fulfilledAt: string | null;
  minutesGiven: number | null;
  incidentId: string | null;
  anonymous: boolean;
  requesterMemberId: string;
  postedByMemberId: string | null;
  helperMemberIds: string[];
  authorErased: boolean;
}

export interface OfferView extends ListingView {
  remainingQuantity: number | null;
  offererMemberId: string;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** The read-model columns requests and offers share. */
type ListingRow = Pick<
  RequestRow & OfferRow,
  | 'id'
  | 'pod_id'
  | 'title'
  | 'description'
  | 'language'
  | 'category'
  | 'subcategory'
  | 'status'
  | 'visibility'
  | 'quantity'
  | 'window_from'
  | 'window_until'
  | 'window_rrule'
  | 'window_duration_minutes'
  | 'location_cell'
  | 'posted_at'
  | 'version'
>;

function listingFromRow(row: ListingRow): ListingView {
  return {
    id: row.id,
    podId: row.pod_id,
    title: row.title,
    description: row.description,
    language: row.language,
    category: row.category,
    subcategory: row.subcategory,
    status: row.status,
    visibility: row.visibility,
    quantity: row.quantity,
    window: { from: iso(row.window_from), until: iso(row.window_until), rrule: row.window_rrule, durationMinutes: row.window_duration_minutes },
    locationCell: row.location_cell,
    postedAt: iso(row.posted_at)!,
    version: row.version,
  };
}

function listingFromState(id: string, state: HelpFacts & { podId: string; status: string; postedAt: string }, version: number): ListingView {
  return {
    id,
    podId: state.podId,
    title: state.title,
    description: state.description,
    language: state.language,
    category: state.category,
    subcategory: state.subcategory,
    status: state.status,
    visibility: state.visibility,
    quantity: state.quantity,
    window: state.window,
    locationCell: state.location.cell,
    postedAt: state.postedAt,
    version,
  };
}

export function requestFromRow(row: RequestRow): RequestView {
  return {
    ...listingFromRow(row),
    urgency: row.urgency,
    precisePoint: row.precise_lat === null || row.precise_lon === null ? null : { lat: row.precise_lat, lon: row.precise_lon },
    respondBy: iso(row.respond_by),
    firstMatchedAt: iso(row.first_matched_at),
    fulfilledAt: iso(row.fulfilled_at),
    minutesGiven: row.hours_given_minutes,
    incidentId: row.incident_id,
    anonymous: row.anonymous,
    requesterMemberId: row.requester_member_id,
    postedByMemberId: row.posted_by_member_id,
    helperMemberIds: row.helper_member_ids ?? [],
    authorErased: row.author_erased,
  };
}

export function requestFromState(state: ExistingRequest, version: number): RequestView {
  return {
    ...listingFromState(state.requestId, state, version),
    urgency: state.urgency,
    precisePoint: state.location.precise,
    respondBy: state.respondBy,
    firstMatchedAt: state.firstMatchedAt,
    fulfilledAt: state.status === 'fulfilled' ? state.fulfilledAt : null,
    minutesGiven: state.status === 'fulfilled' ? state.contributions.reduce((sum, c) => sum + c.minutes, 0) : null,
    incidentId: state.incidentId,
    anonymous: state.anonymous,
    requesterMemberId: state.requesterMemberId,
    postedByMemberId: state.postedByMemberId,
    helperMemberIds: [...new Set(state.matches.map((match) => match.helperMemberId))],
    authorErased: state.authorErased,
  };
}

export function offerFromRow(row: OfferRow): OfferView {
  return { ...listingFromRow(row), remainingQuantity: row.remaining_quantity, offererMemberId: row.offerer_member_id };
}

export function offerFromState(state: ExistingOffer, version: number): OfferView {
  return { ...listingFromState(state.offerId, state, version), remainingQuantity: state.remainingQuantity, offererMemberId: state.offererMemberId };
}

/** The request as the command left it (read models may not have caught up yet). */
export async function requestResult(work: Promise<{ request: ExistingRequest; version: number }>): Promise<RequestView> {
  const { request, version } = await work;
  return requestFromState(request, version);
}
