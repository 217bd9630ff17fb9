import { jest } from '@jest/globals';

/**
 * Collects everything a handler writes, as Lambda would see it, into `lines`: the console's methods, and the
 * process's own streams, which Powertools writes to through Consoles of its own (EMF to stdout, its warnings to
 * stderr). Undone by `jest.restoreAllMocks()`.
 */
export function captureOutput(lines: string[]): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => (lines.push(String(chunk)), true));
  }
}
