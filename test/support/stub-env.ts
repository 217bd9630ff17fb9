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

/** The table and local servers a handler reaches, with the dummy credentials the SDK needs to sign its requests. */
export function stubLocalAws(servers: { readonly tableName: string; readonly dynamoEndpoint: string; readonly sqsEndpoint?: string }): void {
  stubEnv('TABLE_NAME', servers.tableName);
  stubEnv('AWS_ENDPOINT_URL_DYNAMODB', servers.dynamoEndpoint);
  if (servers.sqsEndpoint) stubEnv('AWS_ENDPOINT_URL_SQS', servers.sqsEndpoint);
  stubEnv('AWS_REGION', 'us-east-1');
  stubEnv('AWS_ACCESS_KEY_ID', 'local');
  stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
}
