import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A DynamoDB document client configured only by the SDK's default chains: credentials from Pod Identity in the
 * cluster, region from AWS_REGION, endpoint from AWS_ENDPOINT_URL_DYNAMODB when set (local emulators, tests).
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
}

/** A conditional write lost against a concurrent or earlier write. */
export function isConditionalCheckFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';
}
