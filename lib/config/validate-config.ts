import { adminScopes, definedScopes, publicRoutes, routeKey, ServiceCatalogue } from '../catalogue/service-catalogue';
import { apiClientOutputs } from '../stacks/edge-outputs';
import { clientRoutes, keyRequiredRoutes } from './api-clients';
import { userGroupsOf } from './user-groups';
import { providerGroupMappings } from '../constructs/identity-providers';
import { TOKEN_SCOPES_ENV } from '../private/token-scopes-trigger';
import { ConfigError, ConfigErrors } from '../catalogue/config-error';
import { SECURITY_HUB_SEVERITIES } from '../constructs/findings-routing';
import { CIS_TRAIL_FILTERS } from '../constructs/trail-alarms';
import {
  COMPUTE_MODES,
  CONFIG_RECORDER_MODES,
  DeliveryConfig,
  DetectionConfig,
  EdgeConfig,
  IMAGE_SIGNATURE_MODES,
  PLACEHOLDER_REPOSITORY,
  PlatformConfig,
  TRAIL_MODES,
} from './platform-config';
import { parseCidr, parseIpv4Cidr } from '../private/cidr';
import { PULL_THROUGH_CACHE_SECRET_PREFIX } from '../constructs/image-cache';
import { IAM_ROLE_ARN_PATTERN, teamsErrors } from './teams';

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
/** A 12-digit AWS account id. */
export const ACCOUNT_PATTERN = /^\d{12}$/;
/** An API client's name: it becomes a construct id, AWS resource names and (without hyphens) output keys. */
const CLIENT_NAME_PATTERN = /^(?=.{2,32}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const METHOD_ROUTE_PATTERN = /^(GET|POST|PUT|DELETE) \/\S*$/;
/** A GitHub `<owner>/<repository>`: an owner is alphanumeric with inner single hyphens (max 39), a name has no slash. */
const GITHUB_REPOSITORY_PATTERN = /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}\/[\w.-]{1,100}$/;
/** A GitHub environment name as it appears in the token's subject; no wildcard or separator characters. */
const GITHUB_ENVIRONMENT_PATTERN = /^[\w.-]{1,255}$/;
const GITHUB_OIDC_PROVIDER_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const HOSTNAME_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The ISO 3166 alpha-2 codes an AWS WAF geo match accepts (the CloudFormation schema of GeoMatchStatement.CountryCodes). */
export const WAF_COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG ' +
    'BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE ' +
    'EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO ' +
    'IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
    'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS ' +
    'RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM ' +
    'US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

/** A Cognito group name as the platform spells it: it is also a construct id and appears in tokens' cognito:groups. */
const GROUP_NAME_PATTERN = /^(?=.{2,64}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A user pool identity provider name: 3 to 32 characters Cognito accepts, none of them an underscore or space. */
const PROVIDER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.-]{2,31}$/;
/** Names Cognito keeps for itself and the social providers. */
const RESERVED_PROVIDER_NAMES = ['Cognito', 'COGNITO', 'Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple'];
/** Lambda refuses a function whose environment variables (names and values) exceed 4 KB. */
const LAMBDA_ENVIRONMENT_BYTES = 4096;

/** Seconds in WAF's rate-based evaluation window (`rateLimitPer5Min`). */
const WAF_WINDOW_SECONDS = 300;

/** A configuration that synthesizes but that a reviewer should see; createPlatform reports each as a synth warning. */
export interface ConfigWarning {
  /** Warning id, e.g. `@platform/edge:openWithoutRateLimit` (acknowledge with `Annotations.acknowledgeWarning`). */
  readonly id: string;
  readonly message: string;
}

/**
 * Warnings for a valid configuration. Prod warns when the API admits every network and the per-IP rate rule is no
 * rule at all: it lets one address send as much as the whole stage serves in WAF's window, so one caller can take the
 * API from everyone before WAF ever blocks it.
 */
export function configWarnings(config: PlatformConfig): ConfigWarning[] {
  const { throttle, waf } = config.edge;
  const stagePerWindow = throttle.rateLimit * WAF_WINDOW_SECONDS;
  if (config.profile !== 'prod' || waf.allowedCidrs.length > 0 || waf.rateLimitPer5Min < stagePerWindow) return [];
  return [
    {
      id: '@platform/edge:openWithoutRateLimit',
      message:
        `the API admits every network, and edge.waf.rateLimitPer5Min (${waf.rateLimitPer5Min}) lets one address send all the ` +
        `stage serves in 5 minutes (${stagePerWindow}): lower it, or admit only trusted networks with -c allowedCidrs=<CIDR>,…`,
    },
  ];
}

/** Records a problem unless `ok`: the field, the value received and the fix. */
type Check = (ok: boolean, field: string, value: unknown, fix: string) => void;

/** Checks the client developers' applications (`edge.clients`) against the catalogue's routes and scopes. */
function checkApiClients(
  edge: EdgeConfig,
  catalogue: ServiceCatalogue,
  check: Check,
  checkThrottle: (field: string, limits: { rateLimit: number; burstLimit: number }) => void,
): void {
  const clients = edge.clients ?? [];
  const scopes = definedScopes(catalogue);
  const admin = adminScopes(catalogue);
  const keyRequired = keyRequiredRoutes(catalogue, clients);
  const routeScopes = publicRoutes(catalogue)
    .map((route) => `${routeKey(route)} needs ${route.scope}`)
    .join(', ');
  clients.forEach((client, index) => {
    const at = `edge.clients[${index}]`;
    check(
      CLIENT_NAME_PATTERN.test(client.name),
      `${at}.name`,
      client.name,
      'use 2 to 32 lowercase letters, digits and single ' +
        'hyphens, starting with a letter: the name becomes the API key, usage plan and app client names and the output keys',
    );
    const outputKey = apiClientOutputs(client.name).keyId;
    const twin = clients.findIndex((other) => apiClientOutputs(other.name).keyId === outputKey);
    check(
      twin === index,
      `${at}.name`,
      client.name,
      clients[twin]?.name === client.name
        ? `edge.clients[${twin}] has the same name: rename one`
        : `edge.clients[${twin}] (${clients[twin]?.name}) would have ` +
            `the same stack output ${outputKey} (names lose their hyphens there): rename one`,
    );

    for (const scope of client.scopes) {
      check(scopes.has(scope), `${at}.scopes`, scope, `use a scope the catalogue defines: ${[...scopes].join(', ')}`);
      check(
        !admin.has(scope) || client.admin === true,
        `${at}.scopes`,
        scope,
        "an admin scope reaches every subject's resources: " + 'grant it deliberately with admin: true on this client, or remove it',
      );
    }
    check(
      clientRoutes(catalogue, client).length > 0,
      `${at}.scopes`,
      client.scopes,
      `list a scope that opens a public route (${routeScopes}): without one the client can call nothing`,
    );
    if (client.admin === true) {
      check(
        client.scopes.some((scope) => admin.has(scope)),
        `${at}.admin`,
        client.admin,
        `no admin scope is in scopes: remove admin, or add the admin scope (${[...admin].join(', ')})`,
      );
    }

    checkThrottle(at, client);
    for (const limit of ['rateLimit', 'burstLimit'] as const) {
      check(
        client[limit] <= edge.throttle[limit],
        `${at}.${limit}`,
        client[limit],
        `the stage limit edge.throttle.${limit} (${edge.throttle[limit]}) applies to every caller first: ` +
          'lower it to at most that, or raise the stage limit',
      );
    }
    const { limit, period } = client.quota;
    check(Number.isInteger(limit) && limit >= 1, `${at}.quota.limit`, limit, 'use a whole number of requests per period');
    check(
      limit >= client.rateLimit,
      `${at}.quota.limit`,
      limit,
      `must be at least rateLimit (${client.rateLimit}): a smaller quota ` +
        "cannot absorb even one second at the client's own rate; raise it, or lower rateLimit",
    );
    check(['day', 'month'].includes(period), `${at}.quota.period`, period, "use 'day' or 'month'");

    if (client.requireKey === false) {
      const forced = clientRoutes(catalogue, client)
        .map(routeKey)
        .filter((key) => keyRequired.has(key));
      check(
        forced.length === 0,
        `${at}.requireKey`,
        client.requireKey,
        `${forced
          .map((key) => `${key} requires a key because ` + `${keyRequired.get(key)!.join(', ')} requires one there`)
          .join('; ')}, and API Gateway requires keys per method, for ` +
          'every caller: set requireKey: true (the client has a key), or drop the scope',
      );
    }
  });
}

/** Checks the users' roles (`edge.userGroups`, or the catalogue's) against the catalogue's scopes and routes. */
function checkUserGroups(edge: EdgeConfig, catalogue: ServiceCatalogue, check: Check): void {
  const groups = userGroupsOf(edge, catalogue);
  const scopes = definedScopes(catalogue);
  const admin = adminScopes(catalogue);
  const routeScopes = new Set(publicRoutes(catalogue).map((route) => route.scope));
  groups.forEach((group, index) => {
    const at = `edge.userGroups[${index}]`;
    check(
      GROUP_NAME_PATTERN.test(group.name),
      `${at}.name`,
      group.name,
      'use 2 to 64 lowercase letters, digits and single hyphens, starting with a letter, such as orders-readers',
    );
    const twin = groups.findIndex((other) => other.name === group.name);
    check(twin === index, `${at}.name`, group.name, `edge.userGroups[${twin}] has the same name: rename one`);
    for (const scope of group.scopes) {
      check(
        scopes.has(scope),
        `${at}.scopes`,
        scope,
        `use a scope the catalogue defines (${[...scopes].join(', ')}), or add it to the service's scopes in the catalogue`,
      );
      check(
        !admin.has(scope) || group.admin === true,
        `${at}.scopes`,
        scope,
        "an admin scope reaches every subject's resources: grant it deliberately with admin: true on this group, or remove it",
      );
    }
    check(
      group.scopes.some((scope) => routeScopes.has(scope)),
      `${at}.scopes`,
      group.scopes,
      `list a scope that opens a public route (${[...routeScopes].join(', ')}): without one the group's members can call nothing`,
    );
    if (group.admin === true) {
      check(
        group.scopes.some((scope) => admin.has(scope)),
        `${at}.admin`,
        group.admin,
        `no admin scope is in scopes: remove admin, or add the admin scope (${[...admin].join(', ')})`,
      );
    }
  });
  const environment = {
    [TOKEN_SCOPES_ENV.groupScopes]: JSON.stringify(Object.fromEntries(groups.map((g) => [g.name, g.scopes]))),
    [TOKEN_SCOPES_ENV.providerGroups]: JSON.stringify(providerGroupMappings(edge.identityProviders ?? [])),
  };
  const bytes = Object.entries(environment).reduce((sum, [name, value]) => sum + Buffer.byteLength(name + value), 0);
  check(
    bytes <= LAMBDA_ENVIRONMENT_BYTES,
    'edge.userGroups',
    `${groups.length} groups`,
    `the token trigger carries the groups, their scopes and the identity providers' group mappings in its environment ` +
      `(${bytes} bytes), which Lambda limits to 4 KB: merge groups or shorten the mappings`,
  );
}

/** Checks the single sign-on providers (`edge.identityProviders`); their group mappings must name configured groups. */
function checkIdentityProviders(edge: EdgeConfig, catalogue: ServiceCatalogue, region: string, check: Check): void {
  const providers = edge.identityProviders ?? [];
  const groups = new Set(userGroupsOf(edge, catalogue).map((g) => g.name));
  const https = (url: string) => {
    try {
      return new URL(url).protocol === 'https:';
    } catch {
      return false;
    }
  };
  providers.forEach((provider, index) => {
    const at = `edge.identityProviders[${index}]`;
    check(
      PROVIDER_NAME_PATTERN.test(provider.name) && !RESERVED_PROVIDER_NAMES.includes(provider.name),
      `${at}.name`,
      provider.name,
      'use 3 to 32 letters, digits, dots and hyphens, not a name Cognito reserves (Cognito, Google, Facebook, ' +
        'LoginWithAmazon, SignInWithApple), such as entra or okta',
    );
    const twin = providers.findIndex((other) => other.name === provider.name);
    check(twin === index, `${at}.name`, provider.name, `edge.identityProviders[${twin}] has the same name: rename one`);
    check(['oidc', 'saml'].includes(provider.type), `${at}.type`, provider.type, "use 'oidc' or 'saml'");
    if (provider.type === 'oidc') {
      check(
        provider.issuerUrl !== undefined && https(provider.issuerUrl),
        `${at}.issuerUrl`,
        provider.issuerUrl,
        "set the provider's issuer, an https URL whose /.well-known/openid-configuration Cognito reads, such as " +
          'https://login.microsoftonline.com/<tenant id>/v2.0',
      );
      check(
        typeof provider.clientId === 'string' && provider.clientId.length > 0,
        `${at}.clientId`,
        provider.clientId,
        'set the client (application) id the provider issued for the user pool',
      );
      check(
        new RegExp(`^arn:aws[a-z-]*:secretsmanager:${region}:\\d{12}:secret:[\\w/+=.@-]+$`).test(provider.clientSecretArn ?? ''),
        `${at}.clientSecretArn`,
        provider.clientSecretArn,
        `store the client secret in Secrets Manager in ${region} and give the secret's ARN ` +
          `(arn:aws:secretsmanager:${region}:<account>:secret:<name>), never the secret itself`,
      );
      check(
        provider.scopes === undefined || provider.scopes.includes('openid'),
        `${at}.scopes`,
        provider.scopes,
        "include 'openid': Cognito signs users in with the provider's ID token",
      );
    } else if (provider.type === 'saml') {
      check(
        provider.metadataUrl !== undefined && https(provider.metadataUrl),
        `${at}.metadataUrl`,
        provider.metadataUrl,
        "set the https URL of the provider's SAML metadata document",
      );
    }
    const mapping = Object.entries(provider.groupMapping ?? {});
    check(
      mapping.length === 0 || provider.groupsClaim !== undefined,
      `${at}.groupMapping`,
      Object.keys(provider.groupMapping ?? {}),
      "set groupsClaim to the provider's claim listing the user's groups (e.g. groups), or remove groupMapping",
    );
    for (const [claim, targets] of mapping) {
      for (const group of targets) {
        check(
          groups.has(group),
          `${at}.groupMapping["${claim}"]`,
          group,
          `map to a group of edge.userGroups (${[...groups].join(', ')}), or add that group there`,
        );
      }
    }
  });
}

/** A CloudWatch Logs log group name. */
const LOG_GROUP_NAME_PATTERN = /^[\w.\-/#]{1,512}$/;

/** Checks the audit and detection switches and the alarm thresholds. */
function checkDetection(detection: DetectionConfig, check: Check): void {
  const { trail, organizationTrailLogGroup, findings, trailAlarms, serviceAlarms } = detection;
  check(
    TRAIL_MODES.includes(trail),
    'detection.trail',
    trail,
    `use ${TRAIL_MODES.map((m) => `'${m}'`).join(' or ')} (-c trail=organization where an organization trail records this account)`,
  );
  if (organizationTrailLogGroup !== undefined) {
    check(
      trail === 'organization',
      'detection.organizationTrailLogGroup',
      organizationTrailLogGroup,
      "only an organization trail's log group is named: set -c trail=organization, or leave it unset (the platform's trail has its own group)",
    );
    check(
      LOG_GROUP_NAME_PATTERN.test(organizationTrailLogGroup),
      'detection.organizationTrailLogGroup',
      organizationTrailLogGroup,
      'use the name of a CloudWatch Logs log group in this account and region, such as aws-controltower/CloudTrailLogs',
    );
  }
  check(
    !detection.dataEvents || trail === 'create',
    'detection.dataEvents',
    detection.dataEvents,
    'data events are recorded by the trail that selects them: add the data bucket and tables to the organization trail, or use -c trail=create',
  );
  check(
    CONFIG_RECORDER_MODES.includes(detection.configRecorder),
    'detection.configRecorder',
    detection.configRecorder,
    `use ${CONFIG_RECORDER_MODES.map((m) => `'${m}'`).join(', ')} ('none' where a landing zone already records AWS Config)`,
  );
  const minimum = findings.guardDutyMinimum;
  if (minimum !== undefined) {
    check(
      minimum >= 1 && minimum <= 8.9,
      'detection.findings.guardDutyMinimum',
      minimum,
      'use a GuardDuty severity from 1 to 8.9 (7 pages on High findings, 4 on Medium and up)',
    );
  }
  const labels = findings.securityHubLabels;
  if (labels !== undefined) {
    check(labels.length > 0, 'detection.findings.securityHubLabels', labels, "list at least one label, e.g. ['CRITICAL', 'HIGH']");
    for (const label of labels) {
      check(
        SECURITY_HUB_SEVERITIES.includes(label),
        'detection.findings.securityHubLabels',
        label,
        `use Security Hub severity labels: ${SECURITY_HUB_SEVERITIES.join(', ')}`,
      );
    }
  }
  for (const [name, threshold] of Object.entries(trailAlarms)) {
    check(name in CIS_TRAIL_FILTERS, 'detection.trailAlarms', name, `use one of ${Object.keys(CIS_TRAIL_FILTERS).join(', ')}`);
    check(
      Number.isInteger(threshold) && threshold >= 0,
      `detection.trailAlarms.${name}`,
      threshold,
      'use a whole number of events per 5 minutes (0 alarms on the first one, as CIS asks)',
    );
  }
  const { serverErrorRate, latencyP99Ms, authFailures, containerRestarts, pendingPodMinutes } = serviceAlarms;
  const checkOptional = (name: string, value: number | undefined, ok: (v: number) => boolean, fix: string) => {
    if (value !== undefined) check(ok(value), `detection.serviceAlarms.${name}`, value, fix);
  };
  checkOptional('serverErrorRate', serverErrorRate, (v) => v > 0 && v < 1, 'use a share of requests between 0 and 1, such as 0.05');
  checkOptional('latencyP99Ms', latencyP99Ms, (v) => v > 0, 'use a positive number of milliseconds, such as 1000');
  checkOptional(
    'authFailures',
    authFailures,
    (v) => Number.isInteger(v) && v >= 1,
    'use a whole number of 401/403 answers per 5 minutes, at least 1',
  );
  checkOptional(
    'containerRestarts',
    containerRestarts,
    (v) => Number.isInteger(v) && v >= 0,
    'use a whole number of restarts per 5 minutes',
  );
  checkOptional(
    'pendingPodMinutes',
    pendingPodMinutes,
    (v) => Number.isInteger(v) && v >= 5 && v <= 1440 && v % 5 === 0,
    'use a multiple of 5 minutes from 5 to 1440 (alarms evaluate 5-minute periods)',
  );
}

/**
 * Checks everything a synth would otherwise fail on late (or, worse, deploy wrongly).
 * Throws ConfigErrors listing every problem; each line names the field, the value and the fix.
 */
export function validatePlatformConfig(config: PlatformConfig, catalogue: ServiceCatalogue): PlatformConfig {
  const errors: ConfigError[] = [];
  const check: Check = (ok, field, value, fix) => {
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
  check(
    network.availabilityZones.length > 0,
    'network.availabilityZones',
    network.availabilityZones,
    'list at least one availability zone of the region, e.g. eu-west-1a (two or more for EKS)',
  );
  check(
    network.availabilityZones.length === 0 || network.availabilityZones.length >= 2,
    'network.availabilityZones',
    network.availabilityZones,
    'EKS needs subnets in at least two availability zones',
  );
  for (const zone of network.availabilityZones) {
    check(
      new RegExp(`^${env.region}[a-z]$`).test(zone),
      'network.availabilityZones',
      zone,
      `each zone must belong to region ${env.region}, e.g. ${env.region}a`,
    );
  }
  check(
    new Set(network.availabilityZones).size === network.availabilityZones.length,
    'network.availabilityZones',
    network.availabilityZones,
    'remove the repeated zone',
  );
  check(['nat', 'isolated'].includes(network.egress), 'network.egress', network.egress, "use 'nat' or 'isolated'");
  check(
    network.egress !== 'isolated' || network.imageCache,
    'network.imageCache',
    network.imageCache,
    "isolated egress has no internet path: the image cache is how nodes get the components' images, so leave it on",
  );
  check(
    !(network.imageCache && cluster.compute === 'auto-mode'),
    'cluster.compute',
    cluster.compute,
    "the image cache grants its import permission to the platform's node roles, and Auto Mode's nodes are AWS's: use compute karpenter with the image cache (egress isolated or imageCache)",
  );
  if (network.dockerHubCredentialArn !== undefined) {
    check(
      new RegExp(
        `^arn:aws[a-z-]*:secretsmanager:${env.region}:${env.account}:secret:${PULL_THROUGH_CACHE_SECRET_PREFIX}[\\w/+=.@-]+$`,
      ).test(network.dockerHubCredentialArn),
      'network.dockerHubCredentialArn',
      network.dockerHubCredentialArn,
      `use the ARN of a Secrets Manager secret of this account and region whose name starts with ${PULL_THROUGH_CACHE_SECRET_PREFIX}`,
    );
  }
  if (network.egress === 'nat' && network.availabilityZones.length > 0) {
    check(
      Number.isInteger(network.natGateways) && network.natGateways >= 1 && network.natGateways <= network.availabilityZones.length,
      'network.natGateways',
      network.natGateways,
      'use a whole number from 1 to the number of availability zones, or egress: isolated',
    );
  }

  check(
    CLOUDWATCH_RETENTION_DAYS.includes(logging.retentionDays),
    'logging.retentionDays',
    logging.retentionDays,
    `use one of the values CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(', ')}`,
  );
  check(
    logging.retentionDays >= MIN_AUDIT_RETENTION_DAYS,
    'logging.retentionDays',
    logging.retentionDays,
    `keep logs at least ${MIN_AUDIT_RETENTION_DAYS} days: audit evidence must cover a year (Control Tower CT.CLOUDWATCH.PR.2, PCI DSS 10.7)`,
  );
  if (logging.alarmEmail !== undefined) {
    check(
      /^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$/.test(logging.alarmEmail),
      'logging.alarmEmail',
      logging.alarmEmail,
      'use an e-mail address, or leave it unset',
    );
  }

  check(
    SUPPORTED_KUBERNETES_VERSIONS.includes(cluster.kubernetesVersion),
    'cluster.kubernetesVersion',
    cluster.kubernetesVersion,
    `use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')} (add its kubectl layer package to support another)`,
  );
  check(
    cluster.kubectlLayerVersion === cluster.kubernetesVersion,
    'cluster.kubectlLayerVersion',
    cluster.kubectlLayerVersion,
    `set it to the cluster version ${cluster.kubernetesVersion}; kubectl must match the cluster`,
  );
  for (const arn of cluster.adminRoleArns) {
    check(IAM_ROLE_ARN_PATTERN.test(arn), 'cluster.adminRoleArns', arn, 'use an IAM role ARN such as arn:aws:iam::123456789012:role/Admin');
  }
  errors.push(...teamsErrors(cluster.teams, cluster.adminRoleArns, catalogue));
  const nodes = cluster.nodeGroup;
  check(
    Number.isInteger(nodes.minSize) && nodes.minSize >= 1,
    'cluster.nodeGroup.minSize',
    nodes.minSize,
    'use a whole number of at least 1',
  );
  check(nodes.maxSize >= nodes.minSize, 'cluster.nodeGroup.maxSize', nodes.maxSize, `must be at least minSize (${nodes.minSize})`);
  check(
    nodes.desiredSize >= nodes.minSize && nodes.desiredSize <= nodes.maxSize,
    'cluster.nodeGroup.desiredSize',
    nodes.desiredSize,
    `must lie between minSize (${nodes.minSize}) and maxSize (${nodes.maxSize})`,
  );
  check(nodes.instanceTypes.length > 0, 'cluster.nodeGroup.instanceTypes', nodes.instanceTypes, 'list at least one instance type');
  check(
    Number.isInteger(nodes.diskSizeGiB) && nodes.diskSizeGiB >= BOTTLEROCKET_MIN_DATA_VOLUME_GIB,
    'cluster.nodeGroup.diskSizeGiB',
    nodes.diskSizeGiB,
    `use a whole number of at least ${BOTTLEROCKET_MIN_DATA_VOLUME_GIB}: the Bottlerocket data volume holds every container image`,
  );
  check(
    COMPUTE_MODES.includes(cluster.compute),
    'cluster.compute',
    cluster.compute,
    `use one of ${COMPUTE_MODES.join(', ')} (-c compute=auto-mode)`,
  );
  if (cluster.compute === 'karpenter') {
    const { cpuLimit, memoryLimitGiB } = cluster.karpenter;
    check(Number.isInteger(cpuLimit) && cpuLimit > 0, 'cluster.karpenter.cpuLimit', cpuLimit, 'use a whole number of vCPUs above 0');
    check(
      Number.isInteger(memoryLimitGiB) && memoryLimitGiB >= cpuLimit,
      'cluster.karpenter.memoryLimitGiB',
      memoryLimitGiB,
      `use a whole number of GiB of at least cpuLimit (${cpuLimit}): no instance type of the pool has less than 1 GiB per vCPU`,
    );
  }
  check(['istio-ambient', 'native'].includes(cluster.mtls), 'cluster.mtls', cluster.mtls, "use 'istio-ambient' or 'native'");
  if (cluster.privateCaArn !== undefined) {
    check(
      /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[\w-]+$/.test(cluster.privateCaArn),
      'cluster.privateCaArn',
      cluster.privateCaArn,
      'use an AWS Private CA ARN, or leave it unset for the in-cluster root',
    );
  }

  const { throttle, waf } = edge;
  const checkThrottle = (field: string, limits: { rateLimit: number; burstLimit: number }) => {
    check(limits.rateLimit > 0, `${field}.rateLimit`, limits.rateLimit, 'use a positive number of requests per second');
    check(
      limits.burstLimit >= limits.rateLimit,
      `${field}.burstLimit`,
      limits.burstLimit,
      `must be at least rateLimit (${limits.rateLimit}) or bursts are throttled below the steady rate`,
    );
  };
  checkThrottle('edge.throttle', throttle);
  for (const [route, limits] of Object.entries(edge.methodThrottles ?? {})) {
    check(METHOD_ROUTE_PATTERN.test(route), 'edge.methodThrottles', route, 'key each limit by METHOD /path, e.g. POST /orders');
    checkThrottle(`edge.methodThrottles["${route}"]`, limits);
  }
  if (edge.domain) {
    const { domainName, hostedZoneId, certificateArn, clientTruststore } = edge.domain;
    // api.<domain> must itself fit in 253 characters.
    check(
      HOSTNAME_PATTERN.test(domainName) && domainName.length <= 245,
      'edge.domain.domainName',
      domainName,
      'use the name of a Route 53 public hosted zone you own, such as example.com (-c domainName=example.com)',
    );
    check(
      /^Z[A-Z0-9]{1,31}$/.test(hostedZoneId),
      'edge.domain.hostedZoneId',
      hostedZoneId,
      'use the id of that public hosted zone as Route 53 shows it, such as Z0123456789ABCDEFGHIJ (-c hostedZoneId=…)',
    );
    if (certificateArn !== undefined) {
      check(
        new RegExp(`^arn:aws[a-z-]*:acm:${env.region}:\\d{12}:certificate/[\\w-]+$`).test(certificateArn),
        'edge.domain.certificateArn',
        certificateArn,
        `use an ACM certificate ARN in ${env.region} covering api.${domainName} and ingress.${domainName}, or leave it unset`,
      );
    }
    if (clientTruststore) {
      check(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(clientTruststore.bucketName),
        'edge.domain.clientTruststore.bucketName',
        clientTruststore.bucketName,
        'use the name of the versioned S3 bucket holding the truststore',
      );
      check(
        clientTruststore.key.length > 0,
        'edge.domain.clientTruststore.key',
        clientTruststore.key,
        'use the object key of the PEM truststore',
      );
    }
  } else if (config.profile === 'prod') {
    errors.push(
      new ConfigError(
        'edge.domain',
        undefined,
        'prod needs a public name API Gateway can verify: ' +
          'set -c domainName=<your Route 53 public zone, e.g. example.com> -c hostedZoneId=<its id, Z…>',
      ),
    );
  }
  check(
    Number.isInteger(waf.rateLimitPer5Min) && waf.rateLimitPer5Min >= WAF_MIN_RATE_LIMIT && waf.rateLimitPer5Min <= 2_000_000_000,
    'edge.waf.rateLimitPer5Min',
    waf.rateLimitPer5Min,
    `AWS WAF accepts whole numbers from ${WAF_MIN_RATE_LIMIT} to 2000000000`,
  );
  for (const entry of waf.allowedCidrs) {
    const network = parseCidr(entry);
    check(
      network !== undefined,
      'edge.waf.allowedCidrs',
      entry,
      'use an IPv4 or IPv6 network in CIDR form with the host bits zero, such as 203.0.113.0/24 or 2001:db8::/32',
    );
    check(
      network === undefined || network.prefix > 0,
      'edge.waf.allowedCidrs',
      entry,
      'a /0 admits every address (and WAF refuses it): list the trusted networks, or leave the list empty to admit all',
    );
  }
  for (const country of waf.blockedCountries) {
    check(
      WAF_COUNTRY_CODES.has(country),
      'edge.waf.blockedCountries',
      country,
      'use an ISO 3166 alpha-2 code AWS WAF knows, in capitals, such as DE (the United Kingdom is GB)',
    );
  }
  check(
    Number.isInteger(waf.maxBodyBytes) && waf.maxBodyBytes > 0 && waf.maxBodyBytes <= 64 * 1024,
    'edge.waf.maxBodyBytes',
    waf.maxBodyBytes,
    'use a whole number of bytes from 1 to 65536 (the most a regional WebACL inspects)',
  );
  checkApiClients(edge, catalogue, check, checkThrottle);
  checkUserGroups(edge, catalogue, check);
  checkIdentityProviders(edge, catalogue, env.region, check);
  check(['required', 'optional'].includes(edge.mfa), 'edge.mfa', edge.mfa, "use 'required' or 'optional'");
  if (config.profile === 'prod') {
    check(edge.mfa === 'required', 'edge.mfa', edge.mfa, "prod requires MFA: use 'required'");
    // Without named admins the Cluster stack creates an admin role any principal allowed sts:AssumeRole on it may use:
    // convenient for a first deploy, not for who administers production.
    check(
      config.cluster.adminRoleArns.length > 0,
      'cluster.adminRoleArns',
      config.cluster.adminRoleArns,
      'name the roles that administer a prod cluster (-c adminRoleArns=<role ARN>,…), e.g. an IAM Identity Center admin permission set',
    );
  }

  checkDetection(config.detection, check);

  for (const [service, digest] of Object.entries(config.workloads.imageDigests)) {
    check(
      /^sha256:[0-9a-f]{64}$/.test(digest),
      `workloads.imageDigests.${service}`,
      digest,
      'use the image digest ECR shows after the push: sha256: followed by 64 hex digits',
    );
  }
  check(
    /^[\w][\w.-]{0,127}$/.test(config.workloads.imageTag),
    'workloads.imageTag',
    config.workloads.imageTag,
    'use a valid image tag such as 0.1.0',
  );

  checkDelivery(config.delivery, check);
  checkImageSignatures(config, check);

  if (errors.length > 0) throw new ConfigErrors(errors);
  return config;
}

/**
 * Signature verification trusts the delivery workflow of `delivery.repository`, and checks keyless signatures online
 * against Sigstore's public Fulcio root and Rekor log, which an isolated cluster cannot reach.
 */
function checkImageSignatures(config: PlatformConfig, check: Check): void {
  const mode = config.cluster.imageSignatures;
  check(
    IMAGE_SIGNATURE_MODES.includes(mode),
    'cluster.imageSignatures',
    mode,
    `use one of ${IMAGE_SIGNATURE_MODES.join(', ')} (-c imageSignatures=cosign-keyless)`,
  );
  if (mode !== 'cosign-keyless') return;
  check(
    config.delivery.repository !== PLACEHOLDER_REPOSITORY,
    'delivery.repository',
    config.delivery.repository,
    'cosign-keyless verification trusts the delivery workflow of one repository: set it (-c githubRepository=my-org/platform), or leave imageSignatures off',
  );
  check(
    config.network.egress !== 'isolated',
    'cluster.imageSignatures',
    mode,
    "keyless verification needs Sigstore's public Fulcio and Rekor, which isolated egress cannot reach: use egress: nat, or leave imageSignatures off (the registry and digest admission policy still applies)",
  );
  check(
    !config.network.imageCache,
    'network.imageCache',
    config.network.imageCache,
    "Kyverno's images come from reg.kyverno.io and ghcr.io, which no ECR pull-through cache rule serves (UPSTREAM_REGISTRIES): leave the image cache off with imageSignatures, or add a rule for them first",
  );
}

/** Checks the delivery slice: who the deploy roles trust. */
function checkDelivery(delivery: DeliveryConfig, check: Check): void {
  check(
    delivery.repository === PLACEHOLDER_REPOSITORY || GITHUB_REPOSITORY_PATTERN.test(delivery.repository),
    'delivery.repository',
    delivery.repository,
    'use the GitHub repository that runs the delivery workflow as <owner>/<name> (-c githubRepository=my-org/platform)',
  );
  check(
    delivery.environments.length > 0,
    'delivery.environments',
    delivery.environments,
    'name at least one GitHub environment (-c deliveryEnvironments=dev): each gets a deploy role',
  );
  for (const environment of delivery.environments) {
    check(
      GITHUB_ENVIRONMENT_PATTERN.test(environment),
      'delivery.environments',
      environment,
      'use the GitHub environment name exactly: letters, digits, ".", "-" and "_"',
    );
  }
  check(
    new Set(delivery.environments).size === delivery.environments.length,
    'delivery.environments',
    delivery.environments,
    'remove the repeated environment',
  );
  if (delivery.oidcProviderArn !== undefined) {
    check(
      GITHUB_OIDC_PROVIDER_ARN_PATTERN.test(delivery.oidcProviderArn),
      'delivery.oidcProviderArn',
      delivery.oidcProviderArn,
      "use the ARN of the account's GitHub provider, arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com, or leave it unset",
    );
  }
}
