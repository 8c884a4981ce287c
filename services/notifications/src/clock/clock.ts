import { Injectable } from '@nestjs/common';

/**
 * Where the delivery worker, the phone tree and the dispatcher get "now" from. Injected so tests can move time by
 * hand; the domain never reads a clock itself, it takes `now` from command metadata built with this.
 */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
