import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import { OFFER_EVENT_TYPES, type OfferEvent } from '../domain/offer.decider';

/** One row per offer, for browsing what people can give and how much is left. */
export const offerBoardProjection = defineProjection<OfferEvent>({
  name: 'offer-board',
  eventTypes: OFFER_EVENT_TYPES,

  async apply(em: EntityManager, event) {
    const position = event.streamPosition;
    const id = event.data.offerId;
    const update = (assignments: string, params: unknown[]) =>
      query(em, `update offers set ${assignments}, version = ? where id = ? and version < ?`, [...params, position, id, position]);
    switch (event.type) {
      case 'OfferPosted': {
        const d = event.data;
        await query(
          em,
          `insert into offers (id, pod_id, offerer_member_id, title, description, language, category, subcategory, window_from, window_until,
             window_rrule, window_duration_minutes, location_cell, precise_lat, precise_lon, visibility, quantity, remaining_quantity, status, posted_at, version, region_id)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) on conflict (id) do nothing`,
          [
            id,
            d.podId,
            d.offererMemberId,
            d.title,
            d.description,
            d.language,
            d.category,
            d.subcategory,
            d.window.from,
            d.window.until,
            d.window.rrule,
            d.window.durationMinutes,
            d.location.cell,
            d.location.precise?.lat ?? null,
            d.location.precise?.lon ?? null,
            d.visibility,
            d.quantity,
            d.remainingQuantity,
            d.postedAt,
            position,
            d.regionId,
          ],
        );
        return;
      }
      case 'OfferEdited': {
        const d = event.data;
        await update(
          `title = ?, description = ?, language = ?, category = ?, subcategory = ?, window_from = ?, window_until = ?, window_rrule = ?,
           window_duration_minutes = ?, location_cell = ?, precise_lat = ?, precise_lon = ?, visibility = ?, quantity = ?, remaining_quantity = ?`,
          [
            d.title,
            d.description,
            d.language,
            d.category,
            d.subcategory,
            d.window.from,
            d.window.until,
            d.window.rrule,
            d.window.durationMinutes,
            d.location.cell,
            d.location.precise?.lat ?? null,
            d.location.precise?.lon ?? null,
            d.visibility,
            d.quantity,
            d.remainingQuantity,
          ],
        );
        return;
      }
      case 'OfferPaused':
        await update(`status = 'paused'`, []);
        return;
      case 'OfferResumed':
        await update(`status = 'open'`, []);
        return;
      case 'OfferClaimed':
        await update('remaining_quantity = ?', [event.data.remainingQuantity]);
        return;
      case 'OfferClosed':
        await update(`status = 'closed', close_reason = ?`, [event.data.reason]);
        return;
      case 'OfferAuthorErased':
        await update(`title = 'Former member', description = '', precise_lat = null, precise_lon = null, author_erased = true`, []);
        return;
      default:
        throw new Error(`offer-board cannot apply ${(event as { type: string }).type}`);
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate offers');
  },
});
