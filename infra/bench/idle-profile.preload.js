// Preloaded into every process of `npm run bench:idle` to see where an idle process's CPU goes:
//   MUTUO_BENCH_NODE_OPTIONS="--require ./infra/bench/idle-profile.preload.js" npm run bench:idle
// The first SIGUSR2 to a process starts the inspector's CPU profiler (1 ms sampling), the second writes the profile
// (open it in Chrome DevTools); every garbage collection is logged with its kind, duration and heap size. Files go to
// <tmpdir>/mutuo-idle-profiles, named by script and pid. (Node 20 refuses --cpu-prof in NODE_OPTIONS.)
const fs = require('node:fs');
const inspector = require('node:inspector');
const os = require('node:os');
const path = require('node:path');
const { PerformanceObserver, constants } = require('node:perf_hooks');
const v8 = require('node:v8');

const directory = path.join(os.tmpdir(), 'mutuo-idle-profiles');
fs.mkdirSync(directory, { recursive: true });
const name = `${(process.argv[1] ?? 'node').split(path.sep).slice(-3).join('_')}-${process.pid}`;

let session;
process.on('SIGUSR2', () => {
  if (!session) {
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
    return;
  }
  const profiling = session;
  session = undefined;
  profiling.post('Profiler.stop', (error, result) => {
    if (!error) fs.writeFileSync(path.join(directory, `${name}.cpuprofile`), JSON.stringify(result.profile));
    profiling.disconnect();
  });
});

const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const gcLog = path.join(directory, `${name}.gc.log`);
new PerformanceObserver((list) => {
  const heap = v8.getHeapStatistics();
  const lines = list
    .getEntries()
    .map(
      (entry) =>
        `${new Date().toISOString()} ${GC_KINDS[entry.detail?.kind] ?? entry.detail?.kind} ${entry.duration.toFixed(2)} ms, heap used ${(heap.used_heap_size / 1e6).toFixed(1)} MB of ${(heap.total_heap_size / 1e6).toFixed(1)} MB\n`,
    );
  fs.appendFileSync(gcLog, lines.join(''));
}).observe({ entryTypes: ['gc'] });
