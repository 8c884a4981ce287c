/** One scrape of a /metrics endpoint, read as Prometheus' text format. */
export class MetricsScrape {
  private constructor(readonly text: string) {}

  static async of(origin: string): Promise<MetricsScrape> {
    const response = await fetch(`${origin}/metrics`);
    if (response.status !== 200) throw new Error(`GET ${origin}/metrics answered ${response.status}`);
    return new MetricsScrape(await response.text());
  }

  /** The names of every metric family, from its `# TYPE` line (a histogram's name, not its _bucket/_count series). */
  get families(): Set<string> {
    return new Set([...this.text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((match) => match[1]!));
  }

  /** The value of the one sample with exactly `labels` (the service's default label included); undefined when absent. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
    for (const line of this.text.split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const sample = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1]!, pair[2]!]));
      const wanted = Object.entries(labels);
      if (wanted.length === Object.keys(sample).length && wanted.every(([key, value]) => sample[key] === value)) return Number(match[3]);
    }
    return undefined;
  }

  /** Every label set `name` has a sample for. */
  labelSets(name: string): Record<string, string>[] {
    return this.text
      .split('\n')
      .map((line) => /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} \S+$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null && match[1] === name)
      .map((match) => Object.fromEntries([...match[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1]!, pair[2]!])));
  }
}
