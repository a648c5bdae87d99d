import { AssemblyView } from '../report/assembly-view';

export type ControlCategory = 'network' | 'identity' | 'cluster' | 'workload' | 'data' | 'edge' | 'detection' | 'supply-chain';

/** What a control's evidence check looks at: the synthesized CloudFormation and the rendered Kubernetes objects. */
export interface ControlEvidence {
  readonly assembly: AssemblyView;
  readonly manifests: readonly Record<string, any>[];
}

/**
 * A security control of the platform: what it is, which standards it answers, where it is implemented, which
 * test proves it, which gate rules also check it, and how to see it in the synthesized environment.
 * The registry feeds the reviewer report (`npm run report`) and the README's security-defaults table.
 */
export interface SecurityControl {
  readonly id: string;
  readonly title: string;
  readonly category: ControlCategory;
  /** NIST SP 800-53 Rev. 5 control ids. */
  readonly nist: readonly string[];
  /** CIS Amazon EKS Benchmark recommendation ids (cluster and workload controls). */
  readonly cisEks?: readonly string[];
  /** Repository-relative files that implement the control. */
  readonly implementedIn: readonly string[];
  /** The test that fails when the control is removed: its file and (part of) its name. */
  readonly provenBy: { readonly file: string; readonly test: string };
  /** cdk-nag rule names (without pack prefix) and cfn-guard rule names that check the same thing. */
  readonly gateRules?: readonly string[];
  /** True when the synthesized environment shows the control in place. */
  readonly evidence: (evidence: ControlEvidence) => boolean;
}

const hasKmsKey = (p: Record<string, any>) => p.KmsKeyId !== undefined;

export const CONTROLS: readonly SecurityControl[] = [
  {
    id: 'NET-1',
    title: 'VPC flow logs record ALL traffic',
    category: 'network',
    nist: ['AU-12', 'SI-4'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'flow logs capture ALL traffic' },
    gateRules: ['VPCFlowLogsEnabled', 'VPCFlowLogEnabled', 'vpc_flow_logs_enabled'],
    evidence: ({ assembly }) => assembly.some('AWS::EC2::VPC') && assembly.every('AWS::EC2::FlowLog', (p) => p.TrafficType === 'ALL'),
  },
  {
    id: 'NET-2',
    title: 'No subnet assigns public IPs; isolated egress removes every internet path',
    category: 'network',
    nist: ['SC-7', 'AC-4'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'defaults to isolated' },
    gateRules: ['VPCSubnetAutoAssignPublicIpDisabled', 'subnet_auto_assign_public_ip_disabled_check'],
    evidence: ({ assembly }) => assembly.every('AWS::EC2::Subnet', (p) => p.MapPublicIpOnLaunch === false),
  },
  {
    id: 'NET-3',
    title: 'Default security group has no rules',
    category: 'network',
    nist: ['SC-7', 'CM-7'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'default security group is stripped' },
    gateRules: ['VPCDefaultSecurityGroupClosed'],
    evidence: ({ assembly }) => assembly.some('Custom::VpcRestrictDefaultSG'),
  },
  {
    id: 'NET-4',
    title: 'AWS APIs reached through private endpoints admitting HTTPS from the VPC only',
    category: 'network',
    nist: ['SC-7', 'AC-4(21)'],
    cisEks: ['5.4.3'],
    implementedIn: ['lib/constructs/secure-vpc.ts'],
    provenBy: { file: 'test/constructs/secure-vpc.test.ts', test: 'interface endpoints for every API' },
    evidence: ({ assembly }) => assembly.some('AWS::EC2::VPCEndpoint', (p) => p.VpcEndpointType === 'Interface' && p.PrivateDnsEnabled === true)
      && assembly.some('AWS::EC2::SecurityGroup', (p) => p.GroupDescription === 'Interface endpoints: HTTPS from inside the VPC only'
        && (p.SecurityGroupIngress ?? []).every((rule: any) => rule.FromPort === 443 && rule.ToPort === 443)),
  },
  {
    id: 'LOG-1',
    title: 'Every log group is encrypted with the customer-managed logs key',
    category: 'detection',
    nist: ['AU-9', 'SC-28'],
    implementedIn: ['lib/constructs/central-logging.ts', 'lib/compliance/guard-rules/platform-controls.guard'],
    provenBy: { file: 'test/compliance/gate.test.ts', test: 'deliberately unencrypted log group fails synth' },
    gateRules: ['CloudWatchLogGroupEncrypted', 'PLATFORM_LOG_GROUP_KMS_ENCRYPTED', 'cloudwatch_log_group_encrypted_check'],
    evidence: ({ assembly }) => assembly.every('AWS::Logs::LogGroup', hasKmsKey),
  },
  {
    id: 'LOG-2',
    title: 'Logs are retained for at least a year',
    category: 'detection',
    nist: ['AU-11'],
    implementedIn: ['lib/constructs/central-logging.ts', 'lib/config/validate-config.ts'],
    provenBy: { file: 'test/config/load-config.test.ts', test: 'a retention shorter than a year' },
    gateRules: ['CloudWatchLogGroupRetentionPeriod', 'PLATFORM_LOG_GROUP_RETENTION_SET', 'cloudwatch_log_group_retention_period_check'],
    evidence: ({ assembly }) => assembly.every('AWS::Logs::LogGroup', (p) => typeof p.RetentionInDays === 'number' && p.RetentionInDays >= 365),
  },
  {
    id: 'LOG-3',
    title: 'Alarm topic is KMS-encrypted and accepts TLS publishers only',
    category: 'detection',
    nist: ['SC-8', 'SC-28', 'SI-4(5)'],
    implementedIn: ['lib/constructs/central-logging.ts'],
    provenBy: { file: 'test/constructs/central-logging.test.ts', test: 'alarm topic is KMS-encrypted' },
    gateRules: ['SNSEncryptedKMS', 'SNS3', 'PLATFORM_SNS_TOPIC_KMS_ENCRYPTED'],
    evidence: ({ assembly }) => assembly.every('AWS::SNS::Topic', (p) => p.KmsMasterKeyId !== undefined)
      && assembly.some('AWS::SNS::TopicPolicy', (p) => JSON.stringify(p).includes('aws:SecureTransport')),
  },
  {
    id: 'DATA-1',
    title: 'Customer-managed KMS keys, separated by purpose, rotate yearly',
    category: 'data',
    nist: ['SC-12', 'SC-28'],
    implementedIn: ['lib/constructs/platform-keys.ts', 'lib/private/platform-key.ts'],
    provenBy: { file: 'test/constructs/platform-keys.test.ts', test: 'three keys separated by purpose' },
    gateRules: ['KMSBackingKeyRotationEnabled', 'kms_key_rotation_enabled_check'],
    evidence: ({ assembly }) => assembly.ofType('AWS::KMS::Key').length >= 4 && assembly.every('AWS::KMS::Key', (p) => p.EnableKeyRotation === true),
  },
  {
    id: 'DATA-2',
    title: 'KMS grants only for AWS resources',
    category: 'data',
    nist: ['AC-6', 'SC-12'],
    implementedIn: ['lib/private/platform-key.ts'],
    provenBy: { file: 'test/constructs/platform-keys.test.ts', test: 'every key denies grants' },
    gateRules: ['kms_create_grant_aws_service_check'],
    evidence: ({ assembly }) => assembly.every('AWS::KMS::Key', (p) => (p.KeyPolicy?.Statement ?? [])
      .some((s: any) => s.Effect === 'Deny' && s.Action === 'kms:CreateGrant')),
  },
];
