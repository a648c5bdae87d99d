import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformChartsProps, SchemaCheckOptions, writeManifests } from './charts';
import { ValidCatalogue } from './catalogue/validate-catalogue';
import { SERVICE_ENV } from './catalogue/service-contract';
import { PlatformConfig, serviceSecretName } from './config';
import { ingressHostname } from './constructs/api-domain';
import { TOKEN_VALIDITY } from './constructs/platform-identity';

/** What the charts need from the AWS side, as CDK values (tokens) or literal strings. */
export interface WorkloadReferences {
  /** ECR repository URI per service, and in native mode of the edge proxy (key `catalogue.ingress.serviceAccount`). */
  readonly repositoryUris: Readonly<Record<string, string>>;
  /** Pod Identity role ARN per service (written as a ServiceAccount annotation). */
  readonly roleArns: Readonly<Record<string, string>>;
  /** DynamoDB table name per service that owns one. */
  readonly tableNames: Readonly<Record<string, string>>;
  readonly userPoolId: string;
  /** App clients whose access tokens the services accept. */
  readonly clientIds: readonly string[];
  readonly ingressTargetGroupArn: string;
  /** Base64 of the user pool's signing keys (JWKS), which the workloads verify tokens against. @default - each fetches them from Cognito */
  readonly signingKeysJwksBase64?: string;
}

/**
 * The image a service runs: pinned by digest when one is configured, else the configured tag (dev only: the charts
 * reject a tag in prod). Undefined when prod has no digest for the service: prod deploys only reviewed bytes.
 */
export function imageReference(config: PlatformConfig, repositoryUri: string, service: string): string | undefined {
  const digest = config.workloads.imageDigests[service];
  if (digest) return `${repositoryUri}@${digest}`;
  return config.profile === 'prod' ? undefined : `${repositoryUri}:${config.workloads.imageTag}`;
}

/** The ECR registry of the platform's repositories, as a literal (the repositories' URIs hold deploy-time tokens). */
export function ecrRegistry(config: PlatformConfig): string {
  const suffix = RegionInfo.get(config.env.region).domainSuffix ?? 'amazonaws.com';
  return `${config.env.account}.dkr.ecr.${config.env.region}.${suffix}`;
}

/**
 * The charts' props for this configuration: one function serves the cluster (with CDK tokens) and the GitOps
 * manifests (with literal values and `${VAR}` placeholders), so both describe the same workloads.
 * Undefined when prod has no image digests: the platform then synthesizes without workloads.
 */
export function workloadChartsProps(
  config: PlatformConfig,
  catalogue: ValidCatalogue,
  refs: WorkloadReferences,
): PlatformChartsProps | undefined {
  const images: Record<string, string> = {};
  for (const service of catalogue.services) {
    const image = imageReference(config, refs.repositoryUris[service.name], service.name);
    if (image === undefined) return undefined;
    images[service.name] = image;
  }
  // The edge proxy (native mode) is optional: without its image the charts render no edge and warn.
  const edge = catalogue.ingress.serviceAccount;
  const edgeUri = config.cluster.mtls === 'native' ? refs.repositoryUris[edge] : undefined;
  const edgeImage = edgeUri === undefined ? undefined : imageReference(config, edgeUri, edge);
  if (edgeImage !== undefined) images[edge] = edgeImage;
  // The edge verifies tokens like the services, so it gets the same Cognito settings. A token living longer than the
  // pool issues was not minted by the pool's settings, so the services refuse it.
  const tokenSettings = {
    AWS_REGION: config.env.region,
    [SERVICE_ENV.userPoolId]: refs.userPoolId,
    [SERVICE_ENV.clientIds]: refs.clientIds.join(','),
    [SERVICE_ENV.maxTokenLifetimeSeconds]: String(TOKEN_VALIDITY.access.toSeconds()),
  };
  const environment = Object.fromEntries([
    ...catalogue.services.map((service) => [
      service.name,
      {
        ...tokenSettings,
        ...(refs.tableNames[service.name] ? { [SERVICE_ENV.tableName]: refs.tableNames[service.name] } : {}),
      },
    ]),
    ...(edgeImage === undefined ? [] : [[edge, tokenSettings]]),
  ]);
  return {
    catalogue,
    profile: config.profile,
    mtls: config.cluster.mtls,
    images,
    imageRegistry: ecrRegistry(config),
    signatureRepository: config.cluster.imageSignatures === 'cosign-keyless' ? config.delivery.repository : undefined,
    roleArns: refs.roleArns,
    ingressTargetGroupArn: refs.ingressTargetGroupArn,
    // The internal load balancer forwards from inside the VPC; its nodes' addresses are not known in advance.
    ingressSourceCidrs: [config.network.cidr],
    ingressHostname: config.edge.domain && ingressHostname(config.edge.domain),
    // Without a public name nothing the platform issues passes API Gateway's check: dev falls back to plain HTTP.
    ingressListener: config.edge.domain ? 'tls' : 'plaintext',
    environment,
    signingKeysJwksBase64: refs.signingKeysJwksBase64,
    secretNames: Object.fromEntries(
      catalogue.services.map((service) => [
        service.name,
        Object.fromEntries((service.secrets ?? []).map((name) => [name, serviceSecretName(config.profile, service.name, name)])),
      ]),
    ),
  };
}

/** A deploy-time value in the GitOps manifests: the `${name}` placeholder and where its value comes from. */
export interface DeployTimeValue {
  /** The CDK token string as it appears in synthesized chart output. */
  readonly token: string;
  readonly name: string;
  readonly source: string;
}

/**
 * Writes the charts as plain YAML for GitOps users. Values CloudFormation only knows at deploy time (user pool id,
 * client ids, role and target-group ARNs, repository URIs) become `${NAME}` placeholders, listed with their source
 * in `deploy-time-values.env` (fill it from the stack outputs, then `envsubst`). Nothing is written if a chart is
 * invalid; a token with no placeholder is an error rather than a broken manifest.
 */
export function writeGitOpsManifests(
  outdir: string,
  props: PlatformChartsProps,
  values: readonly DeployTimeValue[],
  schemaCheck: SchemaCheckOptions = {},
): string[] {
  // Chart warnings were already reported on the Workloads stack during synth.
  const files = writeManifests(outdir, { ...props, warn: () => undefined }, schemaCheck);
  for (const file of files) {
    let text = fs.readFileSync(file, 'utf8');
    for (const value of values) text = text.split(value.token).join(`\${${value.name}}`);
    const leftover = /\$\{Token\[[^\]]+\]\}/.exec(text);
    if (leftover)
      throw new Error(`${path.basename(file)} still holds the CDK token ${leftover[0]}: give it a DeployTimeValue in createPlatform`);
    fs.writeFileSync(file, text);
  }
  const env = values.map((v) => `# ${v.source}\n${v.name}=`).join('\n');
  fs.writeFileSync(path.join(outdir, 'deploy-time-values.env'), `${env}\n`);
  return files;
}
