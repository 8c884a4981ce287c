import { PlatformHarness } from './platform-harness';
import { walkingSkeletonScenario } from './walking-skeleton.scenario';

// From the TypeScript sources, as `npm run up` runs them; built-output.e2e.ts runs the same scenario on the build.
describe('walking skeleton through the gateway', () => {
  walkingSkeletonScenario(new PlatformHarness());
});
