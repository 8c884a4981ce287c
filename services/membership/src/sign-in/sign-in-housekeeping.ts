import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import type { Logger } from '@mutuo/platform';
import { SERVICE_LOGGER, Clock } from '@mutuo/service-kit';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../shared/membership-auth.config';

/** Kept a day past their end, so support can still see what happened to a recent sign-in. */
const KEEP_AFTER_END_MS = 86_400_000;

/**
 * Deletes what can never be used again: expired codes, finished rate-limit windows, sessions past their end
 * (with their refresh tokens), and requesters not seen for the longest a session lasts. Safe to run on every replica at once: each statement deletes by time only.
 */
@Injectable()
export class SignInHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.housekeepingIntervalMs === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.purge()
        .catch((error: unknown) => this.logger.error({ err: error }, 'Sign-in housekeeping failed; it runs again at the next interval'))
        .then(() => {
          this.running = undefined;
        });
    }, this.config.housekeepingIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Returns how many rows of each kind went. */
  async purge(): Promise<{ codes: number; rateLimits: number; sessions: number }> {
    const before = new Date(this.clock.now().getTime() - KEEP_AFTER_END_MS).toISOString();
    const windowsBefore = new Date(this.clock.now().getTime() - this.config.rateWindowSeconds * 1000 - KEEP_AFTER_END_MS).toISOString();
    const em = this.em.fork();
    const codes = await query(em, 'delete from sign_in_codes where expires_at < ? returning code_id', [before]);
    const rateLimits = await query(em, 'delete from sign_in_rate_limits where window_start < ? returning bucket', [windowsBefore]);
    const sessions = await query(em, 'delete from sign_in_sessions where expires_at < ? or revoked_at < ? returning session_id', [before, before]);
    // Exchanged tokens of live sessions are kept until they expire: until then, presenting one again is a reuse.
    await query(em, 'delete from sign_in_refresh_tokens where expires_at < ?', [before]);
    // A requester unseen for as long as a session may last is a stranger again.
    const unseenSince = new Date(this.clock.now().getTime() - this.config.sessionMaxSeconds * 1000).toISOString();
    await query(em, 'delete from sign_in_known_requesters where last_signed_in_at < ?', [unseenSince]);
    return { codes: codes.length, rateLimits: rateLimits.length, sessions: sessions.length };
  }
}
