import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';

/**
 * A generator's last step: writes the module, or with `--check` leaves it and exits 1 when the committed file is not
 * what the generator gives (`rebuild` is the command that writes it again).
 */
export function writeGeneratedModule(output: URL, source: string, rebuild: string): void {
  if (!process.argv.includes('--check')) {
    writeFileSync(output, source);
    return;
  }
  if (readFileSync(output, 'utf8') !== source) {
    console.error(`${relative(process.cwd(), fileURLToPath(output))} is stale: run ${rebuild}`);
    process.exit(1);
  }
}
