import { Injectable } from '@nestjs/common';

/**
 * Where a service's commands and schedulers get "now" from. Injected so tests can move time by hand; the domain never
 * reads a clock itself, it takes `now` from the command metadata built with this.
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
