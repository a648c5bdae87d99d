import { ConfigError, ConfigErrors } from './config-error';
import { PlatformConfig } from './platform-config';

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Log retention the compliance gate accepts (Control Tower CT.CLOUDWATCH.PR.2 requires a year). */
export const MIN_AUDIT_RETENTION_DAYS = 365;

/** Kubernetes versions this blueprint can create, each with a kubectl layer installed from npm. */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ['1.35'];

/** Bottlerocket's data volume (images, writable layers) is 20 GiB in its AMI; smaller volumes fail to launch. */
export const BOTTLEROCKET_MIN_DATA_VOLUME_GIB = 20;

/** AWS WAF rate-based rules cannot limit below this many requests per evaluation window. */
export const WAF_MIN_RATE_LIMIT = 10;

/** An AWS region name, e.g. eu-west-1 or us-gov-west-1. */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const IAM_ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;
const METHOD_ROUTE_PATTERN = /^(GET|POST|PUT|DELETE) \/\S*$/;
const HOSTNAME_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Parses an IPv4 CIDR; returns the prefix length, or undefined when the text is not a canonical CIDR. */
export function parseIpv4Cidr(text: string): { prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) return undefined; // host bits set: ambiguous network
  return { prefix };
}

/**
 * Checks everything a synth would otherwise fail on late (or, worse, deploy wrongly).
 * Throws ConfigErrors listing every problem; each line names the field, the value and the fix.
 */
export function validatePlatformConfig(config: PlatformConfig): PlatformConfig {
  const errors: ConfigError[] = [];
  const check = (ok: boolean, field: string, value: unknown, fix: string) => {
    if (!ok) errors.push(new ConfigError(field, value, fix));
  };

  const { env, network, logging, cluster, edge } = config;
  check(ACCOUNT_PATTERN.test(env.account), 'env.account', env.account, 'use a 12-digit AWS account id');
  check(REGION_PATTERN.test(env.region), 'env.region', env.region, 'use a region name such as eu-west-1');

  const cidr = parseIpv4Cidr(network.cidr);
  check(cidr !== undefined, 'network.cidr', network.cidr, 'use an IPv4 network in CIDR form such as 10.10.0.0/16');
  if (cidr) {
    check(cidr.prefix >= 16 && cidr.prefix <= 24, 'network.cidr', network.cidr, 'a VPC prefix must be between /16 and /24');
  }
  check(network.availabilityZones.length > 0, 'network.availabilityZones', network.availabilityZones,
    'list at least one availability zone of the region, e.g. eu-west-1a (two or more for EKS)');
  check(network.availabilityZones.length === 0 || network.availabilityZones.length >= 2, 'network.availabilityZones',
    network.availabilityZones, 'EKS needs subnets in at least two availability zones');
  for (const zone of network.availabilityZones) {
    check(new RegExp(`^${env.region}[a-z]$`).test(zone), 'network.availabilityZones', zone,
      `each zone must belong to region ${env.region}, e.g. ${env.region}a`);
  }
  check(new Set(network.availabilityZones).size === network.availabilityZones.length, 'network.availabilityZones',
    network.availabilityZones, 'remove the repeated zone');
  check(['nat', 'isolated'].includes(network.egress), 'network.egress', network.egress, "use 'nat' or 'isolated'");
  if (network.egress === 'nat' && network.availabilityZones.length > 0) {
    check(Number.isInteger(network.natGateways) && network.natGateways >= 1
      && network.natGateways <= network.availabilityZones.length, 'network.natGateways', network.natGateways,
    'use a whole number from 1 to the number of availability zones, or egress: isolated');
  }

  check(CLOUDWATCH_RETENTION_DAYS.includes(logging.retentionDays), 'logging.retentionDays', logging.retentionDays,
    `use one of the values CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(', ')}`);
  check(logging.retentionDays >= MIN_AUDIT_RETENTION_DAYS, 'logging.retentionDays', logging.retentionDays,
    `keep logs at least ${MIN_AUDIT_RETENTION_DAYS} days: audit evidence must cover a year (Control Tower CT.CLOUDWATCH.PR.2, PCI DSS 10.7)`);
  if (logging.alarmEmail !== undefined) {
    check(/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(logging.alarmEmail), 'logging.alarmEmail', logging.alarmEmail,
      'use an e-mail address, or leave it unset');
  }

  check(SUPPORTED_KUBERNETES_VERSIONS.includes(cluster.kubernetesVersion), 'cluster.kubernetesVersion',
    cluster.kubernetesVersion, `use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')} (add its kubectl layer package to support another)`);
  check(cluster.kubectlLayerVersion === cluster.kubernetesVersion, 'cluster.kubectlLayerVersion',
    cluster.kubectlLayerVersion, `set it to the cluster version ${cluster.kubernetesVersion}; kubectl must match the cluster`);
  check(cluster.adminRoleArns.length > 0, 'cluster.adminRoleArns', cluster.adminRoleArns,
    'list at least one IAM role ARN: the cluster creator gets no admin access, so an empty list locks everyone out');
  for (const arn of cluster.adminRoleArns) {
    check(IAM_ROLE_ARN_PATTERN.test(arn), 'cluster.adminRoleArns', arn, 'use an IAM role ARN such as arn:aws:iam::123456789012:role/Admin');
  }
  const nodes = cluster.nodeGroup;
  check(Number.isInteger(nodes.minSize) && nodes.minSize >= 1, 'cluster.nodeGroup.minSize', nodes.minSize, 'use a whole number of at least 1');
  check(nodes.maxSize >= nodes.minSize, 'cluster.nodeGroup.maxSize', nodes.maxSize, `must be at least minSize (${nodes.minSize})`);
  check(nodes.desiredSize >= nodes.minSize && nodes.desiredSize <= nodes.maxSize, 'cluster.nodeGroup.desiredSize',
    nodes.desiredSize, `must lie between minSize (${nodes.minSize}) and maxSize (${nodes.maxSize})`);
  check(nodes.instanceTypes.length > 0, 'cluster.nodeGroup.instanceTypes', nodes.instanceTypes, 'list at least one instance type');
  check(Number.isInteger(nodes.diskSizeGiB) && nodes.diskSizeGiB >= BOTTLEROCKET_MIN_DATA_VOLUME_GIB, 'cluster.nodeGroup.diskSizeGiB',
    nodes.diskSizeGiB, `use a whole number of at least ${BOTTLEROCKET_MIN_DATA_VOLUME_GIB}: the Bottlerocket data volume holds every container image`);
  check(['istio-ambient', 'native'].includes(cluster.mtls), 'cluster.mtls', cluster.mtls, "use 'istio-ambient' or 'native'");
  if (cluster.privateCaArn !== undefined) {
    check(/^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[\w-]+$/.test(cluster.privateCaArn),
      'cluster.privateCaArn', cluster.privateCaArn, 'use an AWS Private CA ARN, or leave it unset for the in-cluster root');
  }

  const { throttle, waf } = edge;
  const checkThrottle = (field: string, limits: { rateLimit: number; burstLimit: number }) => {
    check(limits.rateLimit > 0, `${field}.rateLimit`, limits.rateLimit, 'use a positive number of requests per second');
    check(limits.burstLimit >= limits.rateLimit, `${field}.burstLimit`, limits.burstLimit,
      `must be at least rateLimit (${limits.rateLimit}) or bursts are throttled below the steady rate`);
  };
  checkThrottle('edge.throttle', throttle);
  for (const [route, limits] of Object.entries(edge.methodThrottles ?? {})) {
    check(METHOD_ROUTE_PATTERN.test(route), 'edge.methodThrottles', route, 'key each limit by METHOD /path, e.g. POST /orders');
    checkThrottle(`edge.methodThrottles["${route}"]`, limits);
  }
  if (edge.domain) {
    const { domainName, hostedZoneId, certificateArn, clientTruststore } = edge.domain;
    // api.<domain> must itself fit in 253 characters.
    check(HOSTNAME_PATTERN.test(domainName) && domainName.length <= 245, 'edge.domain.domainName', domainName,
      'use the name of a Route 53 public hosted zone you own, such as example.com (-c domainName=example.com)');
    check(/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId), 'edge.domain.hostedZoneId', hostedZoneId,
      'use the id of that public hosted zone as Route 53 shows it, such as Z0123456789ABCDEFGHIJ (-c hostedZoneId=…)');
    if (certificateArn !== undefined) {
      check(new RegExp(`^arn:aws[a-z-]*:acm:${env.region}:\\d{12}:certificate/[\\w-]+$`).test(certificateArn), 'edge.domain.certificateArn',
        certificateArn, `use an ACM certificate ARN in ${env.region} covering api.${domainName} and ingress.${domainName}, or leave it unset`);
    }
    if (clientTruststore) {
      check(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(clientTruststore.bucketName), 'edge.domain.clientTruststore.bucketName',
        clientTruststore.bucketName, 'use the name of the versioned S3 bucket holding the truststore');
      check(clientTruststore.key.length > 0, 'edge.domain.clientTruststore.key', clientTruststore.key, 'use the object key of the PEM truststore');
    }
  } else if (config.profile === 'prod') {
    errors.push(new ConfigError('edge.domain', undefined, 'prod needs a public name API Gateway can verify: '
      + 'set -c domainName=<your Route 53 public zone, e.g. example.com> -c hostedZoneId=<its id, Z…>'));
  }
  check(Number.isInteger(waf.rateLimitPer5Min) && waf.rateLimitPer5Min >= WAF_MIN_RATE_LIMIT && waf.rateLimitPer5Min <= 2_000_000_000,
    'edge.waf.rateLimitPer5Min', waf.rateLimitPer5Min, `AWS WAF accepts whole numbers from ${WAF_MIN_RATE_LIMIT} to 2000000000`);
  for (const entry of waf.allowlistCidrs) {
    check(parseIpv4Cidr(entry) !== undefined, 'edge.waf.allowlistCidrs', entry, 'use an IPv4 CIDR such as 203.0.113.0/24');
  }
  for (const country of waf.blockedCountries) {
    check(COUNTRY_PATTERN.test(country), 'edge.waf.blockedCountries', country, 'use an ISO 3166 alpha-2 code such as DE');
  }
  check(Number.isInteger(waf.maxBodyBytes) && waf.maxBodyBytes > 0 && waf.maxBodyBytes <= 64 * 1024, 'edge.waf.maxBodyBytes',
    waf.maxBodyBytes, 'use a whole number of bytes from 1 to 65536 (the most a regional WebACL inspects)');
  check(['required', 'optional'].includes(edge.mfa), 'edge.mfa', edge.mfa, "use 'required' or 'optional'");
  if (config.profile === 'prod') {
    check(edge.mfa === 'required', 'edge.mfa', edge.mfa, "prod requires MFA: use 'required'");
  }

  for (const [service, digest] of Object.entries(config.workloads.imageDigests)) {
    check(/^sha256:[0-9a-f]{64}$/.test(digest), `workloads.imageDigests.${service}`, digest,
      'use the image digest ECR shows after the push: sha256: followed by 64 hex digits');
  }
  check(/^[\w][\w.-]{0,127}$/.test(config.workloads.imageTag), 'workloads.imageTag', config.workloads.imageTag, 'use a valid image tag such as 0.1.0');

  if (errors.length > 0) throw new ConfigErrors(errors);
  return config;
}
