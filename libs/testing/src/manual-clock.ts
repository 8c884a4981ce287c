import { Clock } from '@mutuo/service-kit';

/** A clock a test moves by hand, for the schedulers and commands of a service under test. */
export class ManualClock extends Clock {
  constructor(private current: number) {
    super();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: number): void {
    this.current = at;
  }
}
