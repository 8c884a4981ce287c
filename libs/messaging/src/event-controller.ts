import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { RethrowEventErrorsFilter } from './jetstream.server';

/**
 * Marks a class whose `@EventPattern` methods react to integration events: a Nest controller whose handler errors
 * reach the retry log and the dead-letter reason unchanged (see RethrowEventErrorsFilter).
 */
export function EventController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(new RethrowEventErrorsFilter()));
}
