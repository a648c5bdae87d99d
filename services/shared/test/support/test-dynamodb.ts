import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { AddressInfo } from 'node:net';
import { SERVICE_CATALOGUE, tableName } from '../../../../lib/catalogue/service-catalogue';

export interface TestDynamoDb {
  /** Every table the catalogue's services own, named and keyed as the data stack makes them. */
  createServiceTables(): Promise<void>;
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
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  const client = new DynamoDBClient({});
  const createTable = async (name: string, partitionKey: string) => {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      }),
    );
  };
  return {
    createServiceTables: async () => {
      await Promise.all(
        SERVICE_CATALOGUE.services.flatMap((service) =>
          service.table ? [createTable(tableName(service)!, service.table.partitionKey)] : [],
        ),
      );
    },
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
