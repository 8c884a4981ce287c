import type { DestinationStream } from 'pino';

/** A pino destination that keeps every log line, parsed, for assertions. */
export class CapturedLogs implements DestinationStream {
  readonly lines: Record<string, unknown>[] = [];

  write(line: string): void {
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }

  withMessage(message: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === message);
  }
}
