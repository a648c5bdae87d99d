import { Token } from 'aws-cdk-lib';
import { ConfigError } from '../catalogue/config-error';

/** The environment a workload is for: prod gets more replicas and runs only images pinned by digest. */
export type ProfileName = 'dev' | 'prod';

/** Replica, resource, probe and egress settings of a service workload; every member has a safe default. */
export interface WorkloadOptions {
  /**
   * Replicas the autoscaler keeps at least.
   * @default - 3 in prod (one per zone, so a zone or a drained node never takes the service down), 1 in dev
   */
  readonly minReplicas?: number;
  /**
   * Replicas the autoscaler may add up to; the namespace ResourceQuota is sized for it.
   * @default - 3 × minReplicas
   */
  readonly maxReplicas?: number;
  /** @default 100 - CPU request per pod, millicores */
  readonly cpuRequestMillis?: number;
  /** @default 500 - CPU limit per pod, millicores: a runaway pod cannot starve its neighbours */
  readonly cpuLimitMillis?: number;
  /** @default 128 - memory request per pod, MiB */
  readonly memoryRequestMebibytes?: number;
  /** @default 256 - memory limit per pod, MiB */
  readonly memoryLimitMebibytes?: number;
  /** @default '/healthz' - liveness probe path; the kubelet restarts a container that fails it */
  readonly livenessProbePath?: string;
  /** @default '/readyz' - readiness probe path; the Service sends no traffic to a pod that fails it */
  readonly readinessProbePath?: string;
  /**
   * CIDRs that services owning AWS resources (a table or a data prefix) may reach on TCP 443 for AWS APIs (none other
   * needs egress: the token signing keys are mounted). @default ['0.0.0.0/0'] - where no internet path exists (egress
   * isolated), only the VPC endpoints answer; narrow it to their subnets to say so in the policy too
   */
  readonly awsApiCidrs?: readonly string[];
}

/** WorkloadOptions with every default applied. */
export type WorkloadSettings = Required<WorkloadOptions>;

export const DEFAULT_LIVENESS_PATH = '/healthz';
export const DEFAULT_READINESS_PATH = '/readyz';

/** Applies the profile's defaults. */
export function resolveWorkload(profile: ProfileName, options: WorkloadOptions = {}): WorkloadSettings {
  const minReplicas = options.minReplicas ?? (profile === 'prod' ? 3 : 1);
  return {
    minReplicas,
    maxReplicas: options.maxReplicas ?? 3 * minReplicas,
    cpuRequestMillis: options.cpuRequestMillis ?? 100,
    cpuLimitMillis: options.cpuLimitMillis ?? 500,
    memoryRequestMebibytes: options.memoryRequestMebibytes ?? 128,
    memoryLimitMebibytes: options.memoryLimitMebibytes ?? 256,
    livenessProbePath: options.livenessProbePath ?? DEFAULT_LIVENESS_PATH,
    readinessProbePath: options.readinessProbePath ?? DEFAULT_READINESS_PATH,
    awsApiCidrs: options.awsApiCidrs ?? ['0.0.0.0/0'],
  };
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function isCidr(value: string): boolean {
  const match = IPV4_CIDR.exec(value);
  return match !== null && match.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(match[5]) <= 32;
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}

/** Problems in resolved settings, named by their WorkloadOptions field. */
export function checkWorkload(settings: WorkloadSettings): ConfigError[] {
  const errors: ConfigError[] = [];
  const check = (ok: boolean, field: keyof WorkloadSettings, fix: string) => {
    if (!ok) errors.push(new ConfigError(field, settings[field], fix));
  };
  check(isPositiveInteger(settings.minReplicas), 'minReplicas', 'use a whole number of at least 1');
  check(
    isPositiveInteger(settings.maxReplicas) && settings.maxReplicas >= settings.minReplicas,
    'maxReplicas',
    `use a whole number of at least minReplicas (${settings.minReplicas})`,
  );
  check(isPositiveInteger(settings.cpuRequestMillis), 'cpuRequestMillis', 'use a whole number of millicores, e.g. 100');
  check(
    isPositiveInteger(settings.cpuLimitMillis) && settings.cpuLimitMillis >= settings.cpuRequestMillis,
    'cpuLimitMillis',
    `use a whole number of millicores of at least cpuRequestMillis (${settings.cpuRequestMillis})`,
  );
  check(isPositiveInteger(settings.memoryRequestMebibytes), 'memoryRequestMebibytes', 'use a whole number of MiB, e.g. 128');
  check(
    isPositiveInteger(settings.memoryLimitMebibytes) && settings.memoryLimitMebibytes >= settings.memoryRequestMebibytes,
    'memoryLimitMebibytes',
    `use a whole number of MiB of at least memoryRequestMebibytes (${settings.memoryRequestMebibytes})`,
  );
  for (const field of ['livenessProbePath', 'readinessProbePath'] as const) {
    check(
      settings[field].startsWith('/'),
      field,
      `every service needs ${field === 'livenessProbePath' ? 'a liveness' : 'a readiness'} probe: give an HTTP path starting with / (e.g. ${field === 'livenessProbePath' ? DEFAULT_LIVENESS_PATH : DEFAULT_READINESS_PATH})`,
    );
  }
  check(
    settings.awsApiCidrs.length > 0 && settings.awsApiCidrs.every(isCidr),
    'awsApiCidrs',
    'give at least one IPv4 CIDR, e.g. 10.0.0.0/16 for VPC endpoints',
  );
  return errors;
}

/** `<repository>@sha256:<64 hex>`: the only image reference that cannot be moved to other bytes after review. */
const DIGEST_REFERENCE = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

/** Problems and warnings of one service's image reference. */
export function checkImage(field: string, image: string | undefined, profile: ProfileName): { errors: ConfigError[]; warnings: string[] } {
  const fix = 'reference the image by digest, as <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64 hex digits>';
  if (image === undefined || image.trim() === '') return { errors: [new ConfigError(field, image, `missing image: ${fix}`)], warnings: [] };
  // A token (the ECR repository URI from CDK) can only prefix the reference, so the digest suffix is still checkable.
  if (DIGEST_REFERENCE.test(image) || (Token.isUnresolved(image) && /@sha256:[0-9a-f]{64}$/.test(image)))
    return { errors: [], warnings: [] };
  if (profile === 'prod') return { errors: [new ConfigError(field, image, `prod runs only immutable images: ${fix}`)], warnings: [] };
  // The repository URI is a CDK token at synth time; name the tag, which is what the reader can change.
  const shown = Token.isUnresolved(image) ? `<ECR repository>${image.slice(image.lastIndexOf(':'))}` : image;
  return { errors: [], warnings: [`${field}=${shown} is not pinned by digest; acceptable in dev only (${fix})`] };
}
