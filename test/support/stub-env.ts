/**
 * Environment variables set for a test or a test file, and put back as they were: the handlers read their
 * configuration from the environment when they load. Call `restoreEnv()` in the `afterEach` or `afterAll` that
 * matches where the variables were set.
 */
const saved = new Map<string, string | undefined>();

export function stubEnv(name: string, value: string): void {
  if (!saved.has(name)) saved.set(name, process.env[name]);
  process.env[name] = value;
}

export function restoreEnv(): void {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
}
