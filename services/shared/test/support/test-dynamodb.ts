import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AddressInfo } from 'node:net';

// dynalite ships no types; its factory returns a node:http server.
const dynalite = require('dynalite') as (options: { createTableMs: number }) => import('node:http').Server;

export interface TestDynamoDb {
  createTable(name: string, partitionKey: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real DynamoDB-compatible server (dynalite) on loopback. The SDK is configured through the same environment
 * variables the services read in the cluster, so the code under test takes its production path.
 */
export async function startTestDynamoDb(): Promise<TestDynamoDb> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
  });
  const client = new DynamoDBClient({});
  return {
    createTable: async (name, partitionKey) => {
      await client.send(new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      }));
    },
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
