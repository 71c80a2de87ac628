/** A pino destination that keeps every JSON line written to it. */
export class LogCapture {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  get text(): string {
    return this.lines.join('');
  }

  messages(): string[] {
    return this.records().map((record) => String(record.msg));
  }

  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  last(): Record<string, unknown> {
    const line = this.lines.at(-1);
    if (line === undefined) throw new Error('nothing was logged');
    return JSON.parse(line) as Record<string, unknown>;
  }

  /** Waits for a line written after an HTTP response went out (the request log is written on `finish`). */
  async waitFor(matches: (record: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const found = this.records().find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching log line in:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
