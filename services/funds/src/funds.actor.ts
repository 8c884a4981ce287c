/** The actor of what funds does on its own, in reaction to other services' events. */
export const FUNDS_ACTOR = 'system:funds';
