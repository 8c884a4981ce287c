import { CleanupStack, openBenchEnvironment } from '../bench-environment';
import { measureConsumerLag } from '../consumer-lag.scenario';
const cleanup = new CleanupStack();
(async () => {
  try {
    const env = await openBenchEnvironment(cleanup);
    const rate = Number(process.env.RATE ?? 1000);
    const r = await measureConsumerLag(env, cleanup, { eventsPerSecond: rate, durationMs: Number(process.env.DUR ?? 5000), eventsPerTick: Number(process.env.PERTICK ?? 10) });
    console.log(JSON.stringify(r));
  } finally { await cleanup.run(); }
})();
