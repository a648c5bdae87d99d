import { ConfigError, ConfigErrors } from '../catalogue/config-error';
import {
  ConfigRecorderMode,
  DEFAULT_REGION,
  EdgeDomainConfig,
  ComputeMode,
  EgressMode,
  ImageSignatureMode,
  MtlsMode,
  PLACEHOLDER_ACCOUNT,
  PlatformConfig,
  PROFILE_NAMES,
  ProfileName,
  profileDefaults,
  TrailMode,
  TeamConfig,
} from './platform-config';
import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { validatePlatformConfig } from './validate-config';

/** Reads one context key (`-c key=value` or cdk.json); undefined when not given. */
export type ContextReader = (key: string) => unknown;

/** Context keys a user may set without editing code; everything else lives in the profiles. */
export const CONTEXT_KEYS = {
  profile: 'profile',
  account: 'account',
  region: 'region',
  availabilityZones: 'availabilityZones',
  vpcCidr: 'vpcCidr',
  egress: 'egress',
  mtls: 'mtls',
  compute: 'compute',
  imageSignatures: 'imageSignatures',
  imageCache: 'imageCache',
  dockerHubCredentialArn: 'dockerHubCredentialArn',
  adminRoleArns: 'adminRoleArns',
  teams: 'teams',
  alarmEmail: 'alarmEmail',
  logRetentionDays: 'logRetentionDays',
  imageTag: 'imageTag',
  imageDigests: 'imageDigests',
  domainName: 'domainName',
  hostedZoneId: 'hostedZoneId',
  certificateArn: 'certificateArn',
  manageApiGatewayAccountRole: 'manageApiGatewayAccountRole',
  deletionProtection: 'deletionProtection',
  allowedCidrs: 'allowedCidrs',
  blockedCountries: 'blockedCountries',
  trail: 'trail',
  organizationTrailLogGroup: 'organizationTrailLogGroup',
  dataEvents: 'dataEvents',
  securityHub: 'securityHub',
  configRecorder: 'configRecorder',
  githubRepository: 'githubRepository',
  deliveryEnvironments: 'deliveryEnvironments',
  githubOidcProviderArn: 'githubOidcProviderArn',
} as const;

function asList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `orders=sha256:…,inventory=sha256:…` (or a JSON object in cdk.json) → record. */
function asRecord(field: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, string>;
  const entries = asList(value)!.map((pair) => pair.split('='));
  const bad = entries.find((pair) => pair.length !== 2 || pair[0] === '');
  if (bad) throw new ConfigErrors([new ConfigError(field, bad.join('='), 'write entries as <service>=<value>, comma-separated')]);
  return Object.fromEntries(entries);
}

function asNumber(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new ConfigErrors([new ConfigError(field, value, 'use a number')]);
  return parsed;
}

/** Teams as a JSON array (`-c teams='[{"name":…}]'` or an array in cdk.json). */
function asTeams(value: unknown): TeamConfig[] | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    if (Array.isArray(parsed)) return parsed.map((team) => ({ ...team, roleArns: asList(team?.roleArns) ?? [] }));
  } catch {
    // reported below
  }
  throw new ConfigErrors([
    new ConfigError(
      'cluster.teams',
      value,
      'write a JSON array such as [{"name":"payments","access":"edit","roleArns":["arn:aws:iam::…:role/…"]}]',
    ),
  ]);
}

function asString(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

function asBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigErrors([new ConfigError(field, value, 'use true or false')]);
}

/** The zone comes as a pair: a name without its id (or the reverse) cannot be imported without a lookup. */
function asDomain(context: ContextReader, base: EdgeDomainConfig | undefined): EdgeDomainConfig | undefined {
  const domainName = asString(context(CONTEXT_KEYS.domainName));
  const hostedZoneId = asString(context(CONTEXT_KEYS.hostedZoneId));
  const certificateArn = asString(context(CONTEXT_KEYS.certificateArn));
  if (domainName === undefined && hostedZoneId === undefined) {
    if (certificateArn !== undefined) {
      throw new ConfigErrors([
        new ConfigError(
          'edge.domain.certificateArn',
          certificateArn,
          'a certificate needs its zone: also set -c domainName=<zone name> -c hostedZoneId=<zone id>',
        ),
      ]);
    }
    return base;
  }
  const missing = domainName === undefined ? 'domainName' : hostedZoneId === undefined ? 'hostedZoneId' : undefined;
  if (missing) {
    throw new ConfigErrors([
      new ConfigError(
        `edge.domain.${missing}`,
        undefined,
        `set -c ${missing}=… too: the zone is imported from its name and id together, never looked up`,
      ),
    ]);
  }
  return { ...base, domainName: domainName!, hostedZoneId: hostedZoneId!, ...(certificateArn ? { certificateArn } : {}) };
}

/**
 * Builds the validated configuration from context and environment: the only place configuration is read.
 * Account and region come from context, then CDK_DEFAULT_ACCOUNT/REGION (set by the CLI when credentials exist),
 * then placeholders so synth works offline.
 */
export function loadPlatformConfig(
  context: ContextReader,
  catalogue: ServiceCatalogue,
  env: NodeJS.ProcessEnv = process.env,
): PlatformConfig {
  const profile = asString(context(CONTEXT_KEYS.profile)) ?? 'dev';
  if (!PROFILE_NAMES.includes(profile as ProfileName)) {
    throw new ConfigErrors([new ConfigError('profile', profile, `use one of ${PROFILE_NAMES.join(', ')} (-c profile=prod)`)]);
  }
  const account = asString(context(CONTEXT_KEYS.account)) ?? env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT;
  const region = asString(context(CONTEXT_KEYS.region)) ?? env.CDK_DEFAULT_REGION ?? DEFAULT_REGION;
  const base = profileDefaults(profile as ProfileName, { account, region });

  const zones = asList(context(CONTEXT_KEYS.availabilityZones));
  const admins = asList(context(CONTEXT_KEYS.adminRoleArns));
  const retention = asNumber('logging.retentionDays', context(CONTEXT_KEYS.logRetentionDays));
  const egress = asString(context(CONTEXT_KEYS.egress)) as EgressMode | undefined;
  const trail = (asString(context(CONTEXT_KEYS.trail)) as TrailMode | undefined) ?? base.detection.trail;
  const config: PlatformConfig = {
    ...base,
    deletionProtection: asBoolean('deletionProtection', context(CONTEXT_KEYS.deletionProtection)) ?? base.deletionProtection,
    network: {
      ...base.network,
      cidr: asString(context(CONTEXT_KEYS.vpcCidr)) ?? base.network.cidr,
      availabilityZones: zones ?? base.network.availabilityZones,
      egress: egress ?? base.network.egress,
      natGateways: zones ? Math.min(base.network.natGateways, zones.length) : base.network.natGateways,
      // Isolated egress has no other way to the components' images.
      imageCache:
        asBoolean('network.imageCache', context(CONTEXT_KEYS.imageCache)) ??
        ((egress ?? base.network.egress) === 'isolated' || base.network.imageCache),
      dockerHubCredentialArn: asString(context(CONTEXT_KEYS.dockerHubCredentialArn)) ?? base.network.dockerHubCredentialArn,
    },
    logging: {
      retentionDays: retention ?? base.logging.retentionDays,
      alarmEmail: asString(context(CONTEXT_KEYS.alarmEmail)),
    },
    cluster: {
      ...base.cluster,
      adminRoleArns: admins ?? base.cluster.adminRoleArns,
      teams: asTeams(context(CONTEXT_KEYS.teams)) ?? base.cluster.teams,
      mtls: (asString(context(CONTEXT_KEYS.mtls)) as MtlsMode | undefined) ?? base.cluster.mtls,
      compute: (asString(context(CONTEXT_KEYS.compute)) as ComputeMode | undefined) ?? base.cluster.compute,
      imageSignatures: (asString(context(CONTEXT_KEYS.imageSignatures)) as ImageSignatureMode | undefined) ?? base.cluster.imageSignatures,
    },
    edge: {
      ...base.edge,
      waf: {
        ...base.edge.waf,
        allowedCidrs: asList(context(CONTEXT_KEYS.allowedCidrs)) ?? base.edge.waf.allowedCidrs,
        blockedCountries: asList(context(CONTEXT_KEYS.blockedCountries)) ?? base.edge.waf.blockedCountries,
      },
      domain: asDomain(context, base.edge.domain),
      manageApiGatewayAccountRole:
        asBoolean('edge.manageApiGatewayAccountRole', context(CONTEXT_KEYS.manageApiGatewayAccountRole)) ??
        base.edge.manageApiGatewayAccountRole,
    },
    detection: {
      ...base.detection,
      trail,
      organizationTrailLogGroup: asString(context(CONTEXT_KEYS.organizationTrailLogGroup)) ?? base.detection.organizationTrailLogGroup,
      // An organization trail records data events where it is defined, so the profile's choice applies to a trail of ours.
      dataEvents: asBoolean('detection.dataEvents', context(CONTEXT_KEYS.dataEvents)) ?? (trail === 'create' && base.detection.dataEvents),
      securityHub: asBoolean('detection.securityHub', context(CONTEXT_KEYS.securityHub)) ?? base.detection.securityHub,
      configRecorder: (asString(context(CONTEXT_KEYS.configRecorder)) as ConfigRecorderMode | undefined) ?? base.detection.configRecorder,
    },
    workloads: {
      imageTag: asString(context(CONTEXT_KEYS.imageTag)) ?? base.workloads.imageTag,
      imageDigests: asRecord('workloads.imageDigests', context(CONTEXT_KEYS.imageDigests)) ?? base.workloads.imageDigests,
    },
    delivery: {
      repository: asString(context(CONTEXT_KEYS.githubRepository)) ?? base.delivery.repository,
      environments: asList(context(CONTEXT_KEYS.deliveryEnvironments)) ?? base.delivery.environments,
      oidcProviderArn: asString(context(CONTEXT_KEYS.githubOidcProviderArn)),
    },
  };
  return validatePlatformConfig(config, catalogue);
}
