import type { MtlsMode } from '../catalogue/service-contract';
import type { ProfileName } from '../charts/workload-settings';
import type { ApiClientDefinition, ApiClientQuota, QuotaPeriod } from '../constructs/api-clients';
import type { ApiDomainProps, ClientTruststore } from '../constructs/api-domain';
import type { ApiFirewallRules } from '../constructs/api-firewall';
import type { NodeGroupCapacity } from '../constructs/bottlerocket-nodegroup';
import type { AddonVersions } from '../constructs/cluster-addons';
import type { FindingsSeverity } from '../constructs/findings-routing';
import type { ApiThrottle } from '../constructs/platform-api';
import type { ServiceAlarmThresholds } from '../constructs/service-monitoring';
import type { TrailAlarmThresholds } from '../constructs/trail-alarms';
import type { HelmVersions } from '../constructs/platform-components';
import { IMAGE_SIGNATURE_MODES, type ImageSignatureMode } from '../constructs/image-signature-verification';
import type { KarpenterCapacity } from '../constructs/karpenter';
import type { IdentityProviderDefinition, OidcProviderDefinition, SamlProviderDefinition } from '../constructs/identity-providers';
import type { UserGroupDefinition } from '../constructs/user-groups';
import type { TeamAccessLevel, TeamDefinition } from '../charts/team-namespace';

/**
 * The one typed configuration of the platform. Profiles hold per-environment values; `bin/` picks one,
 * applies context overrides, validates it once (see `validate-config.ts`) and hands each stack its slice.
 */

/** Defined by the charts, whose defaults and checks differ in prod. */
export type { ProfileName };

export const PROFILE_NAMES: readonly ProfileName[] = ['dev', 'prod'];

/** The CloudFormation name of one of the platform's stacks, e.g. `dev-platform-edge`: what the CLI and `npm run smoke` see. */
export function platformStackName(profile: ProfileName, stack: string): string {
  return `${profile}-platform-${stack}`;
}

/** The EKS cluster's name, e.g. `dev-platform`: what `aws eks update-kubeconfig --name` and `npm run incident` use. */
export function platformClusterName(profile: ProfileName): string {
  return `${profile}-platform`;
}

/**
 * The Secrets Manager name of a platform secret, `<profile>-platform/<name>` (e.g. `dev-platform/orders/payment-api-key`):
 * the only place secret names are made, for the stacks, the charts and the incident toolkit alike.
 */
export function platformSecretName(profile: ProfileName, name: string): string {
  return `${profile}-platform/${name}`;
}

/** The Secrets Manager name of one of a service's catalogue secrets, `<profile>-platform/<service>/<secret>`. */
export function serviceSecretName(profile: ProfileName, service: string, secret: string): string {
  return platformSecretName(profile, `${service}/${secret}`);
}

/**
 * Where the platform machine client's secret lives (`<profile>-platform/machine-client`). The incident toolkit's
 * `rotate-client` writes a new client secret here with PutSecretValue; `npm run smoke` and operators read it here.
 */
export function machineClientSecretName(profile: ProfileName): string {
  return platformSecretName(profile, 'machine-client');
}

/** Where a client developer's app client secret lives (`<profile>-platform/api-clients/<client>`), for the same toolkit. */
export function apiClientSecretName(profile: ProfileName, client: string): string {
  return platformSecretName(profile, `api-clients/${client}`);
}

/** How workloads reach the internet: through NAT gateways, or not at all (fully private cluster). */
export type EgressMode = 'nat' | 'isolated';

/** Who terminates service-to-service mTLS (defined by the contract the services read it from). */
export type { MtlsMode };

export interface EnvironmentConfig {
  readonly account: string;
  readonly region: string;
}

export interface NetworkConfig {
  readonly cidr: string;
  /** Explicit zones: a VPC without them triggers a lookup that needs credentials. */
  readonly availabilityZones: readonly string[];
  readonly egress: EgressMode;
  /** NAT gateways when `egress` is `nat` (one per AZ for zone-independent egress in prod). */
  readonly natGateways: number;
  /**
   * Pull the platform components' images through an ECR pull-through cache in the account (required with `egress:
   * isolated`, recommended in prod: it pins what runs). Off in `nat` unless chosen (`-c imageCache=true`).
   */
  readonly imageCache: boolean;
  /**
   * A Secrets Manager secret (`ecr-pullthroughcache/…`) with Docker Hub credentials for caching Istio's images.
   * @default - the cache creates an empty `ecr-pullthroughcache/docker-hub` secret to fill before the cluster's first deploy
   */
  readonly dockerHubCredentialArn?: string;
}

export interface LoggingConfig {
  /** CloudWatch Logs retention, in days; must be a value CloudWatch accepts. */
  readonly retentionDays: number;
  /** Optional e-mail subscribed to the alarm topic. */
  readonly alarmEmail?: string;
}

/** The configuration reuses the props types of the constructs it configures, so each is defined once. */
export type { AddonVersions, ApiClientQuota, ClientTruststore, HelmVersions, QuotaPeriod };
export type NodeGroupConfig = NodeGroupCapacity;

/**
 * Who adds nodes when pods are pending: Karpenter, launching nodes from our node class (Bottlerocket, IMDSv2 with hop
 * limit 1, volumes encrypted with the block-storage key) beside the managed node group it runs on; or EKS Auto Mode,
 * which replaces both and takes the node controls over (see README, "Capacity").
 */
export type ComputeMode = 'karpenter' | 'auto-mode';

export const COMPUTE_MODES: readonly ComputeMode[] = ['karpenter', 'auto-mode'];

export type { ImageSignatureMode };
export { IMAGE_SIGNATURE_MODES };

export type { KarpenterCapacity };

/**
 * An operator team (see `TeamDefinition`): its namespace, `edit` or `view` access inside it, and the IAM roles (IAM
 * Identity Center permission-set roles included) that get it through namespace-scoped access entries. Example:
 * `{ name: 'payments', access: 'edit', roleArns: ['arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PaymentsDev_0123456789abcdef'] }`
 */
export type TeamConfig = TeamDefinition;
export type { TeamAccessLevel };

export interface ClusterConfig {
  readonly kubernetesVersion: string;
  /** Must equal `kubernetesVersion`: kubectl supports one minor version of skew, the layer is chosen by it. */
  readonly kubectlLayerVersion: string;
  /** IAM role ARNs granted cluster admin through access entries; empty: the Cluster stack creates one admin role (output `AdminRoleArn`). */
  readonly adminRoleArns: readonly string[];
  /** Operator teams, each with a namespace and namespace-scoped access; never cluster admin (that is `adminRoleArns` only). */
  readonly teams: readonly TeamConfig[];
  readonly nodeGroup: NodeGroupConfig;
  readonly compute: ComputeMode;
  /** The Karpenter node pool's limits and capacity type (compute `karpenter`). */
  readonly karpenter: KarpenterCapacity;
  readonly addons: AddonVersions;
  readonly helm: HelmVersions;
  readonly mtls: MtlsMode;
  /**
   * GuardDuty EKS audit-log and runtime monitoring, with a detector in this stack (on in prod, off in dev for cost).
   * Set it false where an organization's delegated administrator already manages GuardDuty: a region has one detector.
   */
  readonly guardDuty: boolean;
  /** Platform CA for native mTLS: self-signed in-cluster root (dev) or an AWS Private CA ARN (prod). */
  readonly privateCaArn?: string;
  /**
   * Verify at admission that every workload image carries the delivery workflow's cosign keyless signature (Kyverno
   * `verifyImages`); `-c imageSignatures=cosign-keyless`. Off in both profiles: it needs `delivery.repository` set and
   * images the workflow signed, and Sigstore's public Fulcio/Rekor reachable (so not with `egress: isolated`).
   */
  readonly imageSignatures: ImageSignatureMode;
}

export type ApiThrottleConfig = ApiThrottle;

/**
 * `allowedCidrs` and `blockedCountries` are empty in both profiles (`-c allowedCidrs=…`, `-c blockedCountries=…`,
 * comma-separated). Prod warns when an API open to every network allows one address as much as the whole stage serves
 * in WAF's 5-minute window (`edge.throttle.rateLimit` × 300).
 */
export type WafConfig = ApiFirewallRules;

/**
 * A Route 53 public hosted zone the user owns, as the API's domain takes it. API Gateway verifies every backend
 * certificate against public CAs, so a working request path needs a name a public CA (ACM) can certify.
 */
export type EdgeDomainConfig = ApiDomainProps;

/**
 * A client developer's application (see `ApiClientDefinition`), and whether the API requires its key.
 *
 * The key never replaces the token: every method keeps its Cognito authorizer and scope, and a key only meters and
 * limits. API Gateway requires a key per method, for every caller, so a method requires one when any client with
 * `requireKey` holds its scope; from then on the platform's own machine and user clients, which have no key, can no
 * longer call it (nor can `npm run smoke`). A client that does not require keys may not share a method with one that does.
 * At least one of its `scopes` must open a public route; the stage's throttle is `edge.throttle`. Example:
 * `{ name: 'partner-a', scopes: ['orders/read', 'orders/write'], rateLimit: 5, burstLimit: 10, quota: { limit: 10000, period: 'day' } }`
 */
export interface ApiClientConfig extends ApiClientDefinition {
  /**
   * Require the key (and so the usage plan's throttle and quota, which API Gateway applies only where a key is
   * required) on every method the client's scopes open. False issues the key without requiring it yet, e.g. while the
   * client starts sending it; its limits then do not apply.
   * @default true
   */
  readonly requireKey?: boolean;
  /**
   * Allow admin scopes (`adminScopes` of the catalogue: another subject's resources) in `scopes`. Granting one is a
   * deliberate decision, so a copied scope list cannot grant it by accident.
   * @default false
   */
  readonly admin?: boolean;
}

/**
 * A role of the platform's users (see `UserGroupDefinition`): a Cognito group and the scopes its members' access
 * tokens carry. Example: `{ name: 'orders-readers', scopes: ['orders/read'] }`.
 */
export interface UserGroupConfig extends UserGroupDefinition {
  /**
   * Allow admin scopes (`adminScopes` of the catalogue: another subject's resources) in `scopes`: the one way a user
   * gets past the services' ownership checks, so granting one is deliberate.
   * @default false
   */
  readonly admin?: boolean;
}

/**
 * A company identity provider for single sign-on (see `OidcProviderDefinition`, `SamlProviderDefinition`). The client
 * secret of an OIDC provider stays in Secrets Manager: give its ARN, never the value. Example (Microsoft Entra ID):
 * `{ type: 'oidc', name: 'entra', issuerUrl: 'https://login.microsoftonline.com/<tenant id>/v2.0', clientId: '<application id>',
 * clientSecretArn: 'arn:aws:secretsmanager:…:secret:platform/entra-…', groupsClaim: 'groups',
 * groupMapping: { '<Entra group object id>': ['orders-writers'] } }`
 */
export type IdentityProviderConfig = IdentityProviderDefinition;
export type { OidcProviderDefinition, SamlProviderDefinition };

export interface EdgeConfig {
  readonly throttle: ApiThrottleConfig;
  readonly waf: WafConfig;
  readonly mfa: 'required' | 'optional';
  /** Cognito threat protection in enforced mode (Plus tier). */
  readonly threatProtection: boolean;
  /** Tighter limits for single API methods, keyed `METHOD /path` as the catalogue writes the route. */
  readonly methodThrottles?: Readonly<Record<string, ApiThrottleConfig>>;
  /**
   * Client developers' applications, each with its own app client, API key and usage plan (see `ApiClientConfig`).
   * @default [] - no keys, no usage plans, no method requires a key
   */
  readonly clients?: readonly ApiClientConfig[];
  /**
   * The roles of users: Cognito groups and the scopes each grants (see `UserGroupConfig`). A user in no group gets
   * no API scope.
   * @default - the catalogue's roles (`catalogueUserGroups`): per service `<service>-readers` and `<service>-writers`,
   * and `admins` with the admin scopes
   */
  readonly userGroups?: readonly UserGroupConfig[];
  /**
   * Company identity providers the hosted sign-in page offers (see `IdentityProviderConfig`).
   * @default [] - the pool's own users only
   */
  readonly identityProviders?: readonly IdentityProviderConfig[];
  /**
   * The API's public domain and the name of the load balancer's certificate. Required in prod.
   * @default - dev only: no custom domain, and API Gateway reaches the load balancer over plain HTTP inside the VPC
   * link (it would reject any certificate the platform could issue without a public name); synth warns
   */
  readonly domain?: EdgeDomainConfig;
  /**
   * Create the account's API Gateway CloudWatch Logs role (AWS::ApiGateway::Account), which execution logging needs.
   * It is account-wide and regional, kept on destroy; set false where a landing zone already manages it.
   */
  readonly manageApiGatewayAccountRole: boolean;
}

export interface WorkloadsConfig {
  /** Tag deployed when a service has no digest; dev only (ECR tags are immutable, but a digest names the reviewed bytes). */
  readonly imageTag: string;
  /** `sha256:<64 hex>` per service name: the images prod deploys. Without them, prod synthesizes no workloads. */
  readonly imageDigests: Readonly<Record<string, string>>;
}

/** Who records the account's API activity: a trail the platform creates, or an organization trail that already does. */
export type TrailMode = 'create' | 'organization';
export const TRAIL_MODES: readonly TrailMode[] = ['create', 'organization'];

/** The AWS Config recorder the platform creates: recording every change, the daily state only, or none. */
export type ConfigRecorderMode = 'continuous' | 'daily' | 'none';
export const CONFIG_RECORDER_MODES: readonly ConfigRecorderMode[] = ['continuous', 'daily', 'none'];

export type { FindingsSeverity, ServiceAlarmThresholds, TrailAlarmThresholds };

/**
 * Account-level audit and detection (the Detection stack). Each switch exists because an account in a landing zone
 * may already have the thing, and AWS allows one per region (hub, recorder) or charges twice (trails).
 */
export interface DetectionConfig {
  /**
   * `create`: a multi-region trail of this platform (KMS-encrypted, validated, to the audit bucket and a log group).
   * `organization`: an organization trail already records this account; the platform creates no trail.
   */
  readonly trail: TrailMode;
  /**
   * Organization mode only: the log group in this account and region that receives the organization trail, for the CIS
   * alarms. @default - none: the CIS alarms belong where the organization trail's log group is (synth warns)
   */
  readonly organizationTrailLogGroup?: string;
  /** Record object- and item-level access to the data bucket and service tables (`create` mode; charged per event). */
  readonly dataEvents: boolean;
  /** Security Hub with the FSBP and NIST 800-53 Rev. 5 standards, and an account Access Analyzer (false where an organization administrator enables them). */
  readonly securityHub: boolean;
  /** The AWS Config recorder (`none` where a landing zone such as Control Tower already records). */
  readonly configRecorder: ConfigRecorderMode;
  /** Which GuardDuty and Security Hub findings reach the alarm topic. */
  readonly findings: FindingsSeverity;
  /** Events per 5 minutes above which each CIS trail alarm fires. */
  readonly trailAlarms: TrailAlarmThresholds;
  /** Per-service and cluster alarm thresholds. */
  readonly serviceAlarms: ServiceAlarmThresholds;
}

/**
 * The GitHub workflow that delivers this profile (.github/workflows/delivery.yml) and the Delivery stack's roles for it.
 * AWS accepts only the token's `sub` and `aud` as conditions, and an environment-scoped subject carries no branch:
 * restrict each GitHub environment to the release branch (its deployment branch rule) and require reviewers on prod.
 */
export interface DeliveryConfig {
  /** `<owner>/<repository>` on GitHub; `-c githubRepository=…`. Until set, the placeholder matches no repository. */
  readonly repository: string;
  /** GitHub environments whose jobs may deploy this profile, one deploy role each; `-c deliveryEnvironments=…`. */
  readonly environments: readonly string[];
  /**
   * The account's existing GitHub OIDC provider (one per account), e.g. when two profiles share an account;
   * `-c githubOidcProviderArn=…`. @default - the Delivery stack creates it
   */
  readonly oidcProviderArn?: string;
}

/**
 * Deliberately not a GitHub repository (an owner name cannot end in a hyphen), so a role deployed before
 * `delivery.repository` is configured trusts no workflow at all.
 */
export const PLACEHOLDER_REPOSITORY = 'set-githubRepository-/secure-microservice-platform';

export interface PlatformConfig {
  readonly profile: ProfileName;
  readonly env: EnvironmentConfig;
  /** Keep stateful resources (keys, logs, tables, buckets) when a stack is deleted. */
  readonly retainData: boolean;
  /**
   * Stacks refuse deletion (termination protection) and so does the ingress load balancer, which the stacks delete
   * rather than keep. Deploy once with it off (`-c deletionProtection=false`) before `cdk destroy`.
   */
  readonly deletionProtection: boolean;
  readonly network: NetworkConfig;
  readonly logging: LoggingConfig;
  readonly cluster: ClusterConfig;
  readonly edge: EdgeConfig;
  readonly detection: DetectionConfig;
  readonly workloads: WorkloadsConfig;
  readonly delivery: DeliveryConfig;
  readonly tags: Readonly<Record<string, string>>;
}

/** Account used when none is configured, so synth works offline; replace it (or set CDK_DEFAULT_ACCOUNT) to deploy. */
export const PLACEHOLDER_ACCOUNT = '111111111111';
/** The region `npx cdk synth` uses without credentials (the CLI's fallback), so every path synthesizes the same. */
export const DEFAULT_REGION = 'us-east-1';

const PINNED_ADDONS: AddonVersions = {
  vpcCni: 'v1.20.4-eksbuild.2',
  coreDns: 'v1.12.4-eksbuild.1',
  kubeProxy: 'v1.35.0-eksbuild.2',
  podIdentityAgent: 'v1.3.9-eksbuild.3',
  cloudWatchObservability: 'v4.5.0-eksbuild.1',
  metricsServer: 'v0.9.0-eksbuild.7',
};

const PINNED_HELM: HelmVersions = {
  awsLoadBalancerController: '1.17.1',
  istio: '1.30.2',
  certManager: 'v1.20.3',
  awsPrivateCaIssuer: 'v1.9.0',
  secretsStoreCsiProviderAws: '2.2.0',
  kyverno: '3.9.0',
};

function zonesOf(region: string, count: number): string[] {
  return ['a', 'b', 'c'].slice(0, count).map((suffix) => `${region}${suffix}`);
}

/** Builds a profile for a region; the zone names follow the region so `-c region=…` needs nothing else. */
export function profileDefaults(profile: ProfileName, env: EnvironmentConfig): PlatformConfig {
  const prod = profile === 'prod';
  return {
    profile,
    env,
    retainData: prod,
    deletionProtection: prod,
    network: {
      cidr: prod ? '10.20.0.0/16' : '10.10.0.0/16',
      availabilityZones: zonesOf(env.region, prod ? 3 : 2),
      egress: 'nat',
      natGateways: prod ? 3 : 1,
      imageCache: false,
    },
    logging: { retentionDays: prod ? 731 : 365 },
    cluster: {
      kubernetesVersion: '1.35',
      kubectlLayerVersion: '1.35',
      // Roles the Cluster stack creates, so the reference environment deploys into any account as it is; name existing
      // roles (e.g. IAM Identity Center permission-set roles) to use those instead.
      adminRoleArns: [],
      // A sample team, so dev exercises team tenancy.
      teams: prod ? [] : [{ name: 'payments', access: 'edit', roleArns: [] }],
      nodeGroup: prod
        ? { instanceTypes: ['m7i.large'], minSize: 3, desiredSize: 3, maxSize: 9, diskSizeGiB: 50 }
        : { instanceTypes: ['t3.large'], minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGiB: 30 },
      compute: 'karpenter',
      // dev's two t3.large system nodes cannot spare Karpenter's documented 1 vCPU per replica beside the platform's
      // components; half of it serves a small pool.
      karpenter: prod
        ? { cpuLimit: 64, memoryLimitGiB: 256 }
        : { cpuLimit: 16, memoryLimitGiB: 64, controllerCpu: '500m', controllerMemory: '768Mi' },
      addons: PINNED_ADDONS,
      helm: PINNED_HELM,
      mtls: 'istio-ambient',
      guardDuty: prod,
      imageSignatures: 'off',
    },
    edge: {
      throttle: prod ? { rateLimit: 500, burstLimit: 1000 } : { rateLimit: 50, burstLimit: 100 },
      waf: {
        rateLimitPer5Min: prod ? 2000 : 500,
        allowedCidrs: [],
        blockedCountries: [],
        maxBodyBytes: 16 * 1024,
        anonymousIpList: prod,
      },
      // Writes cost more than reads (validation, a table write, a peer call): a lower per-method limit.
      methodThrottles: { 'POST /orders': prod ? { rateLimit: 100, burstLimit: 200 } : { rateLimit: 10, burstLimit: 20 } },
      mfa: prod ? 'required' : 'optional',
      threatProtection: prod,
      manageApiGatewayAccountRole: true,
    },
    detection: {
      trail: 'create',
      // Data events are charged per event: prod records who read and wrote the data, dev does not.
      dataEvents: prod,
      securityHub: true,
      // Security Hub's controls evaluate through AWS Config, so both profiles record; dev records each resource's
      // state once a day, which costs a fraction of recording every change of a churning dev cluster.
      configRecorder: prod ? 'continuous' : 'daily',
      findings: { guardDutyMinimum: 7, securityHubLabels: ['CRITICAL', 'HIGH'] },
      trailAlarms: {},
      serviceAlarms: {},
    },
    workloads: { imageTag: '0.1.0', imageDigests: {} },
    // One account per environment: each profile's Delivery stack trusts the GitHub environment of the same name.
    delivery: { repository: PLACEHOLDER_REPOSITORY, environments: [profile] },
    tags: { Project: 'secure-microservice-platform', Environment: profile },
  };
}
