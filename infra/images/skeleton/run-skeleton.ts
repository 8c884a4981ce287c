// The walking skeleton against the images (infra/images/test-images.sh runs it after building them):
//   node -r ./infra/register.js infra/images/skeleton/run-skeleton.ts [image prefix] [tag]   (defaults: localhost/mutuo- :dev)
// Exits 1 with the containers' last lines when anything fails; removes containers, databases and streams either way.
import { mintDevToken } from '@mutuo/platform';
import { ContainerRegion } from './container-region';
import { walkingSkeleton } from './walking-skeleton';

async function main(): Promise<void> {
  const region = new ContainerRegion(process.argv[2] ?? 'localhost/mutuo-', process.argv[3] ?? ':dev');
  const startedAt = Date.now();
  let failed = false;
  try {
    await region.start();
    const started = Date.now();
    process.stdout.write(`run-skeleton: migrations, 5 services and the gateway up as containers in ${((started - startedAt) / 1000).toFixed(1)} s\n`);
    const unhealthy = await region.unhealthy();
    if (unhealthy.length > 0) throw new Error(`HEALTHCHECK failed in: ${unhealthy.join('; ')}`);
    process.stdout.write(`run-skeleton: HEALTHCHECK passes in all ${region.containers.length} containers\n`);
    await walkingSkeleton({
      suffix: region.suffix,
      token: (subject, podId, roles) => mintDevToken({ subject, podId, roles }, region.signing),
      data: (token, query, variables) => region.data(token, query, variables),
    });
    process.stdout.write(`run-skeleton: walking skeleton passed through the gateway container in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`run-skeleton: FAILED: ${error instanceof Error ? error.message : String(error)}\n${await region.logs()}\n`);
  } finally {
    await region.stop();
  }
  process.exit(failed ? 1 : 0);
}

void main();
