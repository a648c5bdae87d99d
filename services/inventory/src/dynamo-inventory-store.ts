import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../../shared/src/dynamo';
import { InventoryStore, StockLevel } from './inventory-store';

export class DynamoInventoryStore implements InventoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sku: string): Promise<StockLevel | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { sku } }));
    return Item as StockLevel | undefined;
  }

  async set(sku: string, quantity: number, expectedVersion: number | undefined): Promise<StockLevel | undefined> {
    const level: StockLevel = { sku, quantity, version: (expectedVersion ?? 0) + 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: level,
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(sku)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return level;
    } catch (err) {
      if (isConditionalCheckFailure(err)) return undefined;
      throw err;
    }
  }
}
