import { DependencyGate } from './dependency-gate';
import { silentLogger } from './logger';

describe('DependencyGate', () => {
  const fast = { initialMs: 5, maxMs: 20, jitter: 0 };

  it('stays closed while the probe fails and opens at the first answer, releasing everyone waiting', async () => {
    let answers = false;
    let probes = 0;
    const gate = new DependencyGate({
      dependency: 'database',
      probe: async () => {
        probes++;
        if (!answers) throw new Error('connect ECONNREFUSED');
      },
      probeBackoff: fast,
      logger: silentLogger,
    });
    expect(gate.isOpen).toBe(true);

    gate.reportUnavailable(new Error('connect ECONNREFUSED'));
    gate.reportUnavailable(new Error('connect ECONNREFUSED')); // one outage, one prober
    let released = 0;
    const waiters = [gate.whenOpen().then(() => released++), gate.whenOpen().then(() => released++)];
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gate.isOpen).toBe(false);
    expect(released).toBe(0);
    expect(probes).toBeGreaterThan(2);

    answers = true;
    await Promise.all(waiters);
    expect(gate.isOpen).toBe(true);
    expect(released).toBe(2);
    const probesWhenOpened = probes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(probes).toBe(probesWhenOpened);
  });

  it('counts a probe that hangs as failed', async () => {
    let hang = true;
    const gate = new DependencyGate({
      dependency: 'database',
      probe: () => (hang ? new Promise<void>(() => undefined) : Promise.resolve()),
      probeBackoff: fast,
      probeTimeoutMs: 30,
      logger: silentLogger,
    });
    gate.reportUnavailable(new Error('Knex: Timeout acquiring a connection'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gate.isOpen).toBe(false);
    hang = false;
    await gate.whenOpen();
    expect(gate.isOpen).toBe(true);
  });

  it('lets waiters go and stops probing when disposed, and can close again afterwards', async () => {
    let probes = 0;
    const gate = new DependencyGate({
      dependency: 'database',
      probe: async () => {
        probes++;
        throw new Error('still down');
      },
      probeBackoff: fast,
      logger: silentLogger,
    });
    gate.reportUnavailable(new Error('down'));
    const waiting = gate.whenOpen();
    gate.dispose();
    await waiting;
    const probesWhenDisposed = probes;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(probes).toBe(probesWhenDisposed);

    gate.reportUnavailable(new Error('down again'));
    expect(gate.isOpen).toBe(false);
    gate.dispose();
  });
});
