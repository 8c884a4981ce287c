import type { EnvironmentSection } from '@mutuo/platform';

/** docs/configuration.md: funds reads only the variables every service reads. */
export const fundsEnvironmentSections: readonly EnvironmentSection[] = [];
