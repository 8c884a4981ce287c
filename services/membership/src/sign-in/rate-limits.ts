import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { query } from '@mutuo/event-store';
import { rateWindow } from '../domain/sign-in-code';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../shared/membership-auth.config';

export class RateLimited extends DomainRuleViolation {
  constructor(
    field: string | undefined,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', `Too many attempts: try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s)`, field);
  }
}

/**
 * Counters per key and fixed window in PostgreSQL: every replica shares them, and one upsert per hit counts
 * atomically. Each hit commits on its own, so a refused or failing request still counts.
 */
@Injectable()
export class SignInRateLimits {
  constructor(
    private readonly em: EntityManager,
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
  ) {}

  /** Counts one hit on `bucket`; throws RATE_LIMITED (naming `field`) once the window's limit is passed. */
  async hit(bucket: string, limit: number, now: Date, field?: string): Promise<void> {
    const window = rateWindow(now.toISOString(), this.config.rateWindowSeconds);
    const [row] = await query<{ hits: number }>(
      this.em.fork(),
      `insert into sign_in_rate_limits (bucket, window_start, hits) values (?, ?, 1)
       on conflict (bucket, window_start) do update set hits = sign_in_rate_limits.hits + 1
       returning hits`,
      [bucket, window.start],
    );
    if (row!.hits > limit) throw new RateLimited(field, (Date.parse(window.end) - now.getTime()) / 1000);
  }
}
