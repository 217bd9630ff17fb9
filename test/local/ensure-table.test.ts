/**
 * ensureTable against DynamoDB answers the local servers give only sometimes: a table still CREATING (DynamoDB Local,
 * LocalStack, or dynalite before its next turn), a table another process created in between. Item requests fail
 * with ResourceNotFound until the table is ACTIVE, so ensureTable returns only then.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { ensureTable } from '../../local/servers';

const dynamo = mockClient(DynamoDBClient);
afterEach(() => {
  dynamo.reset();
});
const client = new DynamoDBClient({ region: 'us-east-1' });
const notFound = () => new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
const table = (TableStatus: 'CREATING' | 'ACTIVE') => ({ Table: { TableName: 'newsweave', TableStatus } });

describe('ensureTable', () => {
  it('creates an absent table and returns only once it is ACTIVE', async () => {
    dynamo
      .on(DescribeTableCommand)
      .rejectsOnce(notFound())
      .resolvesOnce(table('CREATING'))
      .resolvesOnce(table('CREATING'))
      .resolves(table('ACTIVE'));
    dynamo.on(CreateTableCommand).resolves({});
    await ensureTable(client, 'newsweave');
    expect(dynamo.commandCalls(CreateTableCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(DescribeTableCommand)).toHaveLength(4);
  });

  it('leaves an existing ACTIVE table alone', async () => {
    dynamo.on(DescribeTableCommand).resolves(table('ACTIVE'));
    await ensureTable(client, 'newsweave');
    expect(dynamo.commandCalls(CreateTableCommand)).toHaveLength(0);
  });

  it('takes a table created by someone else in between as its own, and waits for it', async () => {
    dynamo.on(DescribeTableCommand).rejectsOnce(notFound()).resolvesOnce(table('CREATING')).resolves(table('ACTIVE'));
    dynamo.on(CreateTableCommand).rejects(new ResourceInUseException({ message: 'Table already exists: newsweave', $metadata: {} }));
    await expect(ensureTable(client, 'newsweave')).resolves.toBeUndefined();
    expect(dynamo.commandCalls(CreateTableCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(DescribeTableCommand)).toHaveLength(3);
  });

  it('names the table and its status when it never becomes ACTIVE', async () => {
    dynamo.on(DescribeTableCommand).resolves(table('CREATING'));
    await expect(ensureTable(client, 'newsweave', 120)).rejects.toThrow('table newsweave is still CREATING after 120 ms');
  });

  it('lets any other failure through', async () => {
    dynamo.on(DescribeTableCommand).rejects(new Error('connect ECONNREFUSED 127.0.0.1:8000'));
    await expect(ensureTable(client, 'newsweave')).rejects.toThrow('ECONNREFUSED');
  });
});
