import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClients, ensureTable, startDynamo } from '../../local/servers';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBDocumentClient;
  readonly raw: DynamoDBClient;
  readonly tableName: string;
  stop(): Promise<void>;
}

/** A real local DynamoDB-compatible server (dynalite, in memory) with the project's table, for one test file. */
export async function startLocalDynamo(tableName = 'newsweave-test'): Promise<LocalDynamo> {
  const server = await startDynamo();
  const { raw, document } = createDynamoClients(server.endpoint);
  await ensureTable(raw, tableName);
  return {
    endpoint: server.endpoint,
    client: document,
    raw,
    tableName,
    async stop() {
      raw.destroy();
      await server.stop();
    },
  };
}
