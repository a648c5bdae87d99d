import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TableOperation } from '../catalogue/service-catalogue';

export interface ServiceTableProps {
  /** Physical table name: services and charts know it without a lookup. */
  readonly tableName: string;
  /** Partition key attribute (string). */
  readonly partitionKey: string;
  /** Customer-managed key that encrypts the table (the platform data key). */
  readonly encryptionKey: kms.IKey;
  /** Deletion protection on and RETAIN: a stack deletion or a replacement never drops the data. @default true */
  readonly retain?: boolean;
}

/**
 * One service's DynamoDB table: encrypted with the customer-managed data key, point-in-time recovery on,
 * on-demand capacity (nothing to auto-scale), deletion protection and RETAIN unless told otherwise.
 */
export class ServiceTable extends Construct {
  readonly table: dynamodb.Table;
  /** The physical name, as a plain string (not a token) for charts and policy conditions. */
  readonly tableName: string;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ServiceTableProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    this.encryptionKey = props.encryptionKey;
    this.tableName = props.tableName;
    this.table = new dynamodb.Table(this, 'Resource', {
      tableName: props.tableName,
      partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  /**
   * Grants exactly these item operations on this table, and the data key only as DynamoDB uses it for this table.
   * `table.grant` is exact for the table; the key is granted by hand because `grantReadData`/`grantWriteData`
   * give the key without conditions (any use, through any service) and add Scan, Query and batch actions.
   */
  grantItemOperations(grantee: iam.IGrantable, operations: readonly TableOperation[]): void {
    this.table.grant(grantee, ...operations.map((operation) => `dynamodb:${operation}`));
    const { region, account } = Stack.of(this);
    iam.Grant.addToPrincipal({
      grantee,
      // What DynamoDB asks KMS for on a caller's behalf when it reads or writes items of a CMK-encrypted table.
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `dynamodb.${region}.amazonaws.com`,
          'kms:EncryptionContext:aws:dynamodb:tableName': this.tableName,
          'kms:EncryptionContext:aws:dynamodb:subscriberId': account,
        },
      },
    });
  }
}
