import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { tableName } from '../catalogue/service-catalogue';
import { ValidCatalogue } from '../catalogue/validate-catalogue';
import { DataBucket } from '../constructs/data-bucket';
import { ImageScanning } from '../constructs/image-scanning';
import { PodIdentityRole } from '../constructs/pod-identity-role';
import { ServiceRepository } from '../constructs/service-repository';
import { ServiceTable } from '../constructs/service-table';
import { ILogDestinations } from '../constructs/central-logging';
import { PlatformSecret } from '../constructs/platform-secret';
import { SecretRotation } from '../constructs/secret-rotation';
import { ProfileName, serviceSecretName } from '../config';

export interface DataStackProps extends StackProps {
  /** The services: their tables, data prefixes and service accounts come from here and nowhere else. */
  readonly catalogue: ValidCatalogue;
  /** Encrypts the tables, the data bucket and the image repositories. */
  readonly dataKey: kms.IKey;
  /** The cluster the service accounts run in; each role trusts only this cluster. */
  readonly cluster: eks.ICluster;
  /** Deletion protection and RETAIN on tables, buckets and repositories (prod). */
  readonly retainData: boolean;
  /** The Cognito identity pool's authenticated role: its users get `users/<identity id>/` of the data bucket. @default - no user access */
  readonly identityPoolRole?: iam.IRole;
  /**
   * Prefix of the physical names services and charts rely on: tables `<prefix>-<table>`, repositories
   * `<prefix>/<service>`; lowercase (ECR). @default - the stack name in lowercase
   */
  readonly namePrefix?: string;
  /**
   * Also create the image repository of the edge proxy (services/edge), `<prefix>/<catalogue.ingress.serviceAccount>`:
   * native mTLS mode runs it as the ingress.
   * @default false - ambient mode, where the Istio gateway is the ingress
   */
  readonly edgeRepository?: boolean;
  /** The only principals that may push images to the repositories (the delivery deploy roles). @default - any the account's IAM policies allow */
  readonly imagePushRoles?: readonly iam.IRole[];
  /**
   * Turns on Inspector enhanced, continuous scanning of the repositories (registry-wide setting) and sends critical
   * and high findings here. @default - basic scan on push only, no findings routed
   */
  readonly imageFindingsTopic?: sns.ITopic;
  /** Names the services' secrets (`<profile>-platform/<service>/<secret>`, see `platformSecretName`). */
  readonly profile: ProfileName;
  /** Where the secret rotation function logs. */
  readonly logDestinations: ILogDestinations;
  /** How often the services' generated secrets rotate. @default DEFAULT_ROTATION_INTERVAL (30 days) */
  readonly secretRotationInterval?: Duration;
}

/**
 * Per-service data and identities, all derived from the catalogue: a table per service that declares one, one
 * shared data bucket with a prefix per service, one image repository per service, and one Pod Identity role per
 * service account holding exactly the catalogue's operations on its own table and prefix.
 */
export class DataStack extends Stack {
  readonly dataBucket: s3.IBucket;
  /** Tables by service name (services without a table are absent). */
  readonly tables: ReadonlyMap<string, ServiceTable>;
  /** Pod Identity roles by service name. */
  readonly identities: ReadonlyMap<string, PodIdentityRole>;
  /** Image repositories by service name. */
  readonly repositories: ReadonlyMap<string, ServiceRepository>;
  /** The services' secrets, by service name, then secret name. */
  readonly secrets: ReadonlyMap<string, ReadonlyMap<string, PlatformSecret>>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const prefix = props.namePrefix ?? this.stackName.toLowerCase();
    const retain = props.retainData;
    const storage = new DataBucket(this, 'DataBucket', { encryptionKey: props.dataKey, retain });
    if (props.identityPoolRole) storage.grantIdentityPoolUsers(props.identityPoolRole);
    this.dataBucket = storage.bucket;

    const tables = new Map<string, ServiceTable>();
    const identities = new Map<string, PodIdentityRole>();
    const repositories = new Map<string, ServiceRepository>();
    // One parent per kind, so construct paths read Data/Identities/<service> and acknowledgements can name a kind.
    const [identityScope, tableScope, repositoryScope, secretScope] = ['Identities', 'Tables', 'Repositories', 'Secrets'].map(
      (kind) => new Construct(this, kind),
    );
    const secrets = new Map<string, Map<string, PlatformSecret>>();
    const rotatedSecrets: PlatformSecret[] = [];
    for (const service of props.catalogue.services) {
      const identity = new PodIdentityRole(identityScope, service.name, {
        cluster: props.cluster,
        namespace: service.namespace,
        serviceAccount: service.name,
      });
      identities.set(service.name, identity);
      const name = tableName(service);
      if (service.table && name !== undefined) {
        const table = new ServiceTable(tableScope, service.name, {
          tableName: `${prefix}-${name}`,
          partitionKey: service.table.partitionKey,
          encryptionKey: props.dataKey,
          retain,
        });
        table.grantItemOperations(identity, service.table.operations);
        tables.set(service.name, table);
      }
      if (service.ownsDataPrefix) storage.grantServicePrefix(identity, service.name);
      // Generated by Secrets Manager and rotated to a new random value; readable by this service's role alone.
      const own = new Map<string, PlatformSecret>();
      for (const name of service.secrets ?? []) {
        const secret = new PlatformSecret(secretScope, `${service.name}-${name}`, {
          secretName: serviceSecretName(props.profile, service.name, name),
          encryptionKey: props.dataKey,
          description: `${name} of ${service.name}, mounted read-only into its pods`,
          retain,
        });
        secret.grantRead(identity);
        own.set(name, secret);
        rotatedSecrets.push(secret);
      }
      if (own.size > 0) secrets.set(service.name, own);
      repositories.set(
        service.name,
        new ServiceRepository(repositoryScope, service.name, {
          repositoryName: `${prefix}/${service.name}`,
          encryptionKey: props.dataKey,
          retain,
          pushRoles: props.imagePushRoles,
        }),
      );
    }
    if (props.edgeRepository) {
      const edge = props.catalogue.ingress.serviceAccount;
      repositories.set(
        edge,
        new ServiceRepository(repositoryScope, edge, {
          repositoryName: `${prefix}/${edge}`,
          encryptionKey: props.dataKey,
          retain,
          pushRoles: props.imagePushRoles,
        }),
      );
    }
    if (rotatedSecrets.length > 0) {
      const rotation = new SecretRotation(this, 'SecretRotation', {
        logGroup: props.logDestinations.createLogGroup('SecretRotationLogs'),
        rotateEvery: props.secretRotationInterval,
      });
      rotatedSecrets.forEach((secret) => rotation.rotate(secret));
    }
    if (props.imageFindingsTopic)
      new ImageScanning(this, 'ImageScanning', { repositoryPrefix: prefix, alarmTopic: props.imageFindingsTopic });
    this.tables = tables;
    this.identities = identities;
    this.repositories = repositories;
    this.secrets = secrets;
  }
}
