import { PlatformHarness } from './platform-harness';
import { walkingSkeletonScenario } from './walking-skeleton.scenario';

/**
 * The output of `npm run build` as an image runs it: plain node on dist/services/<name>/migrate.js and main.js and on
 * dist/gateway/main.js, no TypeScript, started outside the repository's root. test-all.sh builds before the tests.
 */
describe('walking skeleton on the built output', () => {
  walkingSkeletonScenario(new PlatformHarness({ entryPoints: 'built' }));
});
