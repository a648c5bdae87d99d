import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../../shared/src/dynamo';
import { Order, OrderStore } from './order-store';

/*
 * The table holds two kinds of item, told apart by a prefix of the partition key (named `orderId` in the catalogue).
 * An order is keyed by customer and id: ids are per customer, so one subject's POST never meets (and so never
 * learns of) another subject's order. Under the bare id, the customers using it: how a token with the admin scope
 * finds an order by id alone, since the table has no secondary index. An order id contains no `#`, so no two orders,
 * and no order and customer list, share a key.
 */
const orderKey = (customer: string, orderId: string) => ({ orderId: `order#${customer}#${orderId}` });
const customersKey = (orderId: string) => ({ orderId: `customers#${orderId}` });

/** Read-then-write attempts at adding a customer to an id's list while concurrent writers keep changing it. */
const CUSTOMER_LIST_ATTEMPTS = 5;

export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  get(customer: string, orderId: string): Promise<Order | undefined> {
    return this.read(customer, orderId, false);
  }

  async findById(orderId: string): Promise<Order[]> {
    const customers = await this.customersOf(orderId, false);
    const orders = await Promise.all(customers.map((customer) => this.get(customer, orderId)));
    return orders.filter((order) => order !== undefined);
  }

  async create(order: Order): Promise<Order | undefined> {
    // The customer list first: should the order write then fail, the list names a customer without that order (which
    // lookups skip) until the client's retry writes it.
    await this.addCustomer(order.orderId, order.customer);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...order, ...orderKey(order.customer, order.orderId) },
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
      return undefined;
    } catch (err) {
      if (!isConditionalCheckFailure(err)) throw err;
      // Strongly consistent: the write that holds the id may be too recent for an eventually consistent read.
      return this.read(order.customer, order.orderId, true);
    }
  }

  private async read(customer: string, orderId: string, consistentRead: boolean): Promise<Order | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: orderKey(customer, orderId),
        ConsistentRead: consistentRead,
      }),
    );
    return Item && { ...(Item as Order), orderId };
  }

  private async customersOf(orderId: string, consistentRead: boolean): Promise<string[]> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: customersKey(orderId),
        ConsistentRead: consistentRead,
      }),
    );
    return (Item?.customers as string[] | undefined) ?? [];
  }

  private async addCustomer(orderId: string, customer: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const customers = await this.customersOf(orderId, true);
      if (customers.includes(customer)) return;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...customersKey(orderId), customers: [...customers, customer] },
            // The list only grows, so an unchanged length means no other writer came in between.
            ...(customers.length === 0
              ? { ConditionExpression: 'attribute_not_exists(orderId)' }
              : { ConditionExpression: 'size(customers) = :read', ExpressionAttributeValues: { ':read': customers.length } }),
          }),
        );
        return;
      } catch (err) {
        if (!isConditionalCheckFailure(err) || attempt === CUSTOMER_LIST_ATTEMPTS) throw err;
      }
    }
  }
}
