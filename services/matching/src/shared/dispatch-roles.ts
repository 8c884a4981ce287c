/** Roles that may assign helpers by hand, override a match and judge suggestions. */
export const DISPATCH_ROLES = ['dispatcher', 'coordinator'] as const;
