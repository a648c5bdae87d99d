import { Annotations, App, Fn, Tags } from 'aws-cdk-lib';
import { configWarnings, PlatformConfig, platformClusterName, platformStackName } from './config';
import { KeysStack } from './stacks/keys-stack';
import { LoggingStack } from './stacks/logging-stack';
import { NetworkStack } from './stacks/network-stack';
import { ClusterStack, ClusterStackProps } from './stacks/cluster-stack';
import { DataStack } from './stacks/data-stack';
import { DeliveryStack } from './stacks/delivery-stack';
import { EdgeStack } from './stacks/edge-stack';
import { WorkloadsStack } from './stacks/workloads-stack';
import { DetectionStack } from './stacks/detection-stack';
import { DeployTimeValue, WorkloadReferences, workloadChartsProps } from './workloads';
import { PlatformChartsProps } from './charts';
import { resolveWorkload } from './charts/workload-settings';
import { workloadNamespaces } from './charts/image-admission-policy';
import { ValidCatalogue } from './catalogue/validate-catalogue';
import { SERVICE_ENV, SERVICE_VARIABLE_SUFFIX, serviceVariable } from './catalogue/service-contract';
import { REQUEST_BODY_SCHEMAS } from './catalogue/body-schemas';

/** Every stack of the reference environment, for callers (tests, reports) that inspect them. */
export interface Platform {
  /** The catalogue the platform was built from. */
  readonly catalogue: ValidCatalogue;
  readonly keys: KeysStack;
  readonly logging: LoggingStack;
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly data: DataStack;
  readonly edge: EdgeStack;
  readonly detection: DetectionStack;
  /** The GitHub OIDC provider and deploy roles; deployed once by an administrator, never by the workflow. */
  readonly delivery: DeliveryStack;
  /** Absent in prod until image digests are configured (`-c imageDigests=orders=sha256:…,…`). */
  readonly workloads?: WorkloadsStack;
  /** The same charts for GitOps: literal values, and `${NAME}` placeholders for deploy-time values. */
  readonly gitOps?: { readonly charts: PlatformChartsProps; readonly deployTimeValues: readonly DeployTimeValue[] };
}

/**
 * Construct ids of the stacks. They are part of the public contract (construct paths, acknowledgements),
 * so they do not vary by profile; the CloudFormation stack names do.
 */
export const STACK_IDS = {
  keys: 'Keys',
  logging: 'Logging',
  network: 'Network',
  cluster: 'Cluster',
  data: 'Data',
  edge: 'Edge',
  detection: 'Detection',
  workloads: 'Workloads',
  delivery: 'Delivery',
} as const;

/**
 * Builds the whole platform from one validated configuration and one validated catalogue (the services it runs);
 * bin/ and the tests both call it.
 */
export function createPlatform(app: App, config: PlatformConfig, catalogue: ValidCatalogue): Platform {
  const env = { account: config.env.account, region: config.env.region };
  const stackProps = (name: string) => ({
    env,
    stackName: platformStackName(config.profile, name),
    terminationProtection: config.deletionProtection,
  });

  const logging = new LoggingStack(app, STACK_IDS.logging, {
    ...stackProps('logging'),
    logging: config.logging,
    retainLogs: config.retainData,
  });
  const keys = new KeysStack(app, STACK_IDS.keys, {
    ...stackProps('keys'),
    retainKeys: config.retainData,
    logDestinations: logging.logging,
  });
  const network = new NetworkStack(app, STACK_IDS.network, {
    ...stackProps('network'),
    network: config.network,
    logDestinations: logging.logging,
    imageCacheKey: keys.keys.data,
  });
  const edge = new EdgeStack(app, STACK_IDS.edge, {
    ...stackProps('edge'),
    edge: config.edge,
    catalogue,
    vpc: network.network.vpc,
    workloadSubnets: network.network.workloadSubnets,
    logDestinations: logging.logging,
    requestSchemas: REQUEST_BODY_SCHEMAS,
    retainData: config.retainData,
    deletionProtection: config.deletionProtection,
    profile: config.profile,
    secretsKey: keys.keys.data,
  });
  for (const warning of configWarnings(config)) Annotations.of(edge).addWarningV2(warning.id, warning.message);
  const clusterName = platformClusterName(config.profile);
  // The repositories' name prefix, known before either stack exists: the deploy roles may push under it, each
  // repository admits pushes from those roles only, and Kyverno may read signatures under it.
  const dataNamePrefix = platformStackName(config.profile, 'data');
  // After the edge: the load balancer controller's permissions name the edge's target group.
  const cluster = new ClusterStack(app, STACK_IDS.cluster, {
    ...stackProps('cluster'),
    cluster: config.cluster,
    clusterName,
    ...clusterFoundations(keys, network, logging),
    ingressTargetGroup: edge.ingressTargetGroup,
    ingress: catalogue.ingress,
    teamWorkload: resolveWorkload(config.profile),
    signatureVerification:
      config.cluster.imageSignatures === 'cosign-keyless'
        ? { workloadNamespaces: workloadNamespaces(catalogue, config.cluster.mtls === 'native'), repositoryPrefix: dataNamePrefix }
        : undefined,
  });
  const delivery = new DeliveryStack(app, STACK_IDS.delivery, {
    ...stackProps('delivery'),
    delivery: config.delivery,
    imageRepositoryPrefix: dataNamePrefix,
  });
  const data = new DataStack(app, STACK_IDS.data, {
    ...stackProps('data'),
    namePrefix: dataNamePrefix,
    imagePushRoles: [...delivery.deployRoles.values()],
    imageFindingsTopic: logging.logging.alarmTopic,
    catalogue,
    dataKey: keys.keys.data,
    cluster: cluster.cluster,
    retainData: config.retainData,
    identityPoolRole: edge.identity.authenticatedRole,
    edgeRepository: config.cluster.mtls === 'native',
    profile: config.profile,
    logDestinations: logging.logging,
  });

  const detection = new DetectionStack(app, STACK_IDS.detection, {
    ...stackProps('detection'),
    detection: config.detection,
    auditKey: keys.keys.audit,
    logDestinations: logging.logging,
    retainData: config.retainData,
    retentionDays: config.logging.retentionDays,
    clusterName,
    applicationLogGroup: cluster.applicationLogGroup,
    services: catalogue.services,
    dataEventSources: { buckets: [data.dataBucket], tables: [...data.tables.values()].map((t) => t.table) },
  });

  const services = catalogue.services.map((service) => service.name);
  const byService = <T>(value: (name: string) => T) => Object.fromEntries(services.map((name) => [name, value(name)]));
  // The services' repositories, and in native mode the edge proxy's.
  const repositoryUris = Object.fromEntries([...data.repositories].map(([name, repository]) => [name, repository.repositoryUri]));
  const refs: WorkloadReferences = {
    repositoryUris,
    roleArns: byService((name) => data.identities.get(name)!.role.roleArn),
    tableNames: Object.fromEntries([...data.tables].map(([name, table]) => [name, table.tableName])),
    userPoolId: edge.identity.userPool.userPoolId,
    clientIds: [edge.identity.machineClient.userPoolClientId, edge.identity.userClient.userPoolClientId],
    signingKeysJwksBase64: Fn.base64(edge.signingKeys.jwks),
    ingressTargetGroupArn: edge.ingressTargetGroup.targetGroupArn,
  };
  const charts = workloadChartsProps(config, catalogue, refs);
  let workloads: WorkloadsStack | undefined;
  let gitOps: Platform['gitOps'];
  if (charts) {
    workloads = new WorkloadsStack(app, STACK_IDS.workloads, {
      ...stackProps('workloads'),
      cluster: cluster.cluster,
      charts,
      dependsOn: [cluster.components],
    });
    const deployTimeValues: DeployTimeValue[] = [
      { token: refs.userPoolId, name: SERVICE_ENV.userPoolId, source: `${edge.stackName}: user pool id` },
      { token: refs.clientIds[0], name: 'COGNITO_M2M_CLIENT_ID', source: `${edge.stackName}: machine-to-machine app client id` },
      { token: refs.clientIds[1], name: 'COGNITO_USER_CLIENT_ID', source: `${edge.stackName}: user app client id` },
      { token: refs.ingressTargetGroupArn, name: 'INGRESS_TARGET_GROUP_ARN', source: `${edge.stackName}: ingress target group ARN` },
      {
        token: refs.signingKeysJwksBase64!,
        name: 'COGNITO_SIGNING_KEYS_JWKS_BASE64',
        source: `base64 of https://cognito-idp.<region>.amazonaws.com/<user pool id>/.well-known/jwks.json (${edge.stackName} reads it at deploy time)`,
      },
      ...Object.entries(repositoryUris).map(([name, token]) => ({
        token,
        name: serviceVariable(name, SERVICE_VARIABLE_SUFFIX.repositoryUri),
        source: `${data.stackName}: ECR repository URI of ${name}`,
      })),
      ...services.map((name) => ({
        token: refs.roleArns[name],
        name: serviceVariable(name, SERVICE_VARIABLE_SUFFIX.roleArn),
        source: `${data.stackName}: Pod Identity role ARN of ${name}`,
      })),
    ];
    gitOps = { charts, deployTimeValues };
  } else {
    Annotations.of(app).addWarningV2(
      '@platform/workloads:noDigests',
      'prod synthesizes no workloads: set -c imageDigests=<service>=sha256:<digest>,… for every service to deploy them',
    );
  }

  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);
  return { catalogue, keys, logging, network, cluster, data, edge, detection, delivery, workloads, gitOps };
}

/** What the Cluster stack takes from the foundation stacks: one wiring, for the platform and for tests of the cluster alone. */
export function clusterFoundations(
  keys: KeysStack,
  network: NetworkStack,
  logging: LoggingStack,
): Pick<ClusterStackProps, 'vpc' | 'workloadSubnets' | 'secretsKey' | 'volumeKey' | 'eventsKey' | 'logDestinations' | 'imageCache'> {
  return {
    vpc: network.network.vpc,
    workloadSubnets: network.network.workloadSubnets,
    secretsKey: keys.keys.clusterSecrets,
    volumeKey: keys.keys.blockStorage,
    eventsKey: keys.keys.events,
    imageCache: network.imageCache,
    logDestinations: logging.logging,
  };
}
