import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../../shared/src/dynamo';
import { Order, OrderStore } from './order-store';

export class DynamoOrderStore implements OrderStore {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  async get(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { orderId } }));
    return Item as Order | undefined;
  }

  async create(order: Order): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({
        TableName: this.tableName,
        Item: order,
        ConditionExpression: 'attribute_not_exists(orderId)',
      }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailure(err)) return false;
      throw err;
    }
  }
}
