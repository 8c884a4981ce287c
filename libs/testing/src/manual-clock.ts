import { Clock } from '@mutuo/service-kit';

/** A clock a test moves by hand, for the schedulers and commands of a service under test. */
export class ManualClock extends Clock {
  constructor(private current: number) {
    super();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Epoch milliseconds or an ISO timestamp. */
  set(at: number | string): void {
    this.current = typeof at === 'string' ? Date.parse(at) : at;
  }
}
