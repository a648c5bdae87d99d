import { TemplateResource } from '../../evidence/assembly-view';
import { deniesPlainHttp, everyResourceHasPolicy, text } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

export const DETECTION_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'LOG-1',
    title: 'Every log group is encrypted with the customer-managed logs key',
    category: 'detection',
    nist: ['AU-9', 'SC-28'],
    implementedIn: ['lib/constructs/central-logging.ts', 'lib/compliance/guard-rules/platform-controls.guard'],
    provenBy: { file: 'test/compliance/gate-plugins.test.ts', test: 'deliberately unencrypted log group fails synth' },
    gateRules: ['CloudWatchLogGroupEncrypted', 'PLATFORM_LOG_GROUP_KMS_ENCRYPTED', 'cloudwatch_log_group_encrypted_check'],
    evidence: logGroupsEncryptedWithLogsKey,
  },
  {
    id: 'LOG-2',
    title: 'Logs are retained for at least a year',
    category: 'detection',
    nist: ['AU-11'],
    implementedIn: ['lib/constructs/central-logging.ts', 'lib/config/validate-config.ts'],
    provenBy: { file: 'test/config/load-config.test.ts', test: 'a retention shorter than a year' },
    gateRules: ['CloudWatchLogGroupRetentionPeriod', 'PLATFORM_LOG_GROUP_RETENTION_SET', 'cloudwatch_log_group_retention_period_check'],
    evidence: logsRetainedForAYear,
  },
  {
    id: 'LOG-3',
    title: 'Alarm topic is KMS-encrypted and accepts TLS publishers only',
    category: 'detection',
    nist: ['SC-8', 'SC-28', 'SI-4(5)'],
    implementedIn: ['lib/constructs/central-logging.ts'],
    provenBy: { file: 'test/constructs/central-logging.test.ts', test: 'alarm topic is KMS-encrypted' },
    gateRules: ['SNSEncryptedKMS', 'SNS3', 'PLATFORM_SNS_TOPIC_KMS_ENCRYPTED'],
    evidence: alarmTopicEncryptedAndTlsOnly,
  },
  {
    id: 'DET-1',
    title: 'Alarms on API client and server error rates, p99 latency, throttled requests and WAF blocks, to the encrypted alarm topic',
    category: 'detection',
    nist: ['SI-4', 'SI-4(5)', 'IR-5'],
    implementedIn: ['lib/constructs/api-monitoring.ts'],
    provenBy: { file: 'test/edge/api-monitoring.test.ts', test: 'throttled requests are counted from the JSON access logs' },
    evidence: apiAlarmsNotifyTheAlarmTopic,
  },
  {
    id: 'DET-2',
    title: 'WAF logs to a KMS-encrypted aws-waf-logs-* group with the authorization header redacted',
    category: 'detection',
    nist: ['AU-2', 'AU-9', 'SI-4'],
    implementedIn: ['lib/constructs/api-firewall.ts'],
    provenBy: { file: 'test/edge/api-firewall.test.ts', test: 'WAF logs go to a KMS-encrypted aws-waf-logs-* group' },
    gateRules: ['WAFv2LoggingEnabled'],
    evidence: wafLogsRedactAuthorization,
  },
  {
    id: 'DET-3',
    title:
      'A multi-region audit trail of every management event, with log-file validation, KMS-encrypted, to an encrypted ' +
      'bucket and a log group; CloudTrail may use the key and bucket only for this trail (aws:SourceArn)',
    category: 'detection',
    nist: ['AU-2', 'AU-3', 'AU-9', 'AU-12'],
    implementedIn: ['lib/constructs/audit-trail.ts', 'lib/constructs/audit-bucket.ts', 'lib/stacks/detection-stack.ts'],
    provenBy: { file: 'test/detection/audit-trail.test.ts', test: 'a multi-region trail of every management event' },
    gateRules: [
      'CloudTrailEncryptionEnabled',
      'CloudTrailLogFileValidationEnabled',
      'CloudTrailCloudWatchLogsEnabled',
      'cloud_trail_encryption_enabled_check',
      'cloud_trail_cloud_watch_logs_enabled_check',
    ],
    evidence: auditTrailRecordsEverythingProtected,
  },
  {
    id: 'DET-4',
    title:
      'GuardDuty, Security Hub and IAM Access Analyzer findings and AWS Health events reach the encrypted alarm topic, ' +
      "which admits only this account's EventBridge rules",
    category: 'detection',
    nist: ['SI-4', 'SI-4(5)', 'IR-6', 'IR-4'],
    implementedIn: ['lib/constructs/findings-routing.ts', 'lib/constructs/central-logging.ts'],
    provenBy: { file: 'test/detection/findings-routing.test.ts', test: 'each source of findings reaches the alarm topic' },
    evidence: findingsReachTheAlarmTopic,
  },
  {
    id: 'DET-5',
    title:
      'Security Hub with the AWS Foundational Security Best Practices and NIST SP 800-53 Rev. 5 standards, and AWS ' +
      'Config recording every resource type to the audit bucket',
    category: 'detection',
    nist: ['CA-7', 'CM-8', 'RA-5', 'SI-4'],
    implementedIn: ['lib/constructs/security-standards.ts', 'lib/constructs/config-recorder.ts'],
    provenBy: { file: 'test/detection/security-standards.test.ts', test: 'both standards are enabled after the hub' },
    evidence: standardsAndRecorderEnabled,
  },
  {
    id: 'DET-6',
    title:
      "CIS metric filters on the trail's log group (root use, IAM policy, trail, KMS key, security group and network ACL " +
      'changes, failed console sign-ins, unauthorized calls), each alarming to the alarm topic',
    category: 'detection',
    nist: ['AU-6', 'AU-6(1)', 'SI-4(5)'],
    implementedIn: ['lib/constructs/trail-alarms.ts'],
    provenBy: { file: 'test/detection/trail-alarms.test.ts', test: 'every CIS filter on the trail log group alarms to the topic' },
    evidence: cisAlarmsOnTheTrail,
  },
  {
    id: 'DET-7',
    title:
      'Every service has alarms on its 5xx rate, p99 latency and 401/403 surges (from its JSON access logs) and on ' +
      'container restarts and OOM kills; the cluster on pending pods, failed nodes and node pressure',
    category: 'detection',
    nist: ['SI-4', 'SI-4(4)', 'IR-5'],
    implementedIn: ['lib/constructs/service-monitoring.ts', 'lib/catalogue/service-contract.ts'],
    provenBy: { file: 'test/detection/service-monitoring.test.ts', test: 'each service alarms on its 5xx rate' },
    evidence: servicesAndClusterAlarmed,
  },
];

export function logGroupsEncryptedWithLogsKey({ assembly }: ControlEvidence): boolean {
  return assembly.every('AWS::Logs::LogGroup', (p) => p.KmsKeyId !== undefined);
}

export function logsRetainedForAYear({ assembly }: ControlEvidence): boolean {
  return assembly.every('AWS::Logs::LogGroup', (p) => typeof p.RetentionInDays === 'number' && p.RetentionInDays >= 365);
}

export function alarmTopicEncryptedAndTlsOnly({ assembly }: ControlEvidence): boolean {
  return (
    assembly.every('AWS::SNS::Topic', (p) => p.KmsMasterKeyId !== undefined) &&
    assembly.ofType('AWS::SNS::Topic').length > 0 &&
    everyResourceHasPolicy(assembly, 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', (p) =>
      deniesPlainHttp(p.PolicyDocument, ['sns:Publish', 'sns:*', '*']),
    )
  );
}

export function apiAlarmsNotifyTheAlarmTopic({ assembly }: ControlEvidence): boolean {
  const alarms = assembly.ofType('AWS::CloudWatch::Alarm').filter((a) => a.stack === 'Edge');
  // The platform's topic (LOG-3 checks its encryption), named by reference: a Ref, or the output a cross-stack reference publishes.
  const notifiesPlatformTopic = (action: unknown) => assembly.ofType('AWS::SNS::Topic').some((t) => text(action).includes(t.logicalId));
  return (
    alarms.length >= 5 &&
    alarms.every((a) => (a.properties.AlarmActions ?? []).length > 0 && a.properties.AlarmActions.every(notifiesPlatformTopic)) &&
    alarms.some((a) => text(a.properties).includes('BlockedRequests'))
  );
}

export function wafLogsRedactAuthorization({ assembly }: ControlEvidence): boolean {
  return (
    assembly.every('AWS::WAFv2::LoggingConfiguration', (p) =>
      (p.RedactedFields ?? []).some((f: any) => String(f.SingleHeader?.Name).toLowerCase() === 'authorization'),
    ) &&
    assembly
      .ofType('AWS::WAFv2::WebACL')
      .every((acl) => assembly.some('AWS::WAFv2::LoggingConfiguration', (p) => text(p.ResourceArn).includes(acl.logicalId)))
  );
}

/** Whether a value (an alarm action, a rule target, a log group reference) names one of the resources, by logical id. */
const names = (value: unknown, resources: readonly TemplateResource[]) => resources.some((r) => text(value).includes(r.logicalId));

/** Alarms that notify only the platform's topics (LOG-3 checks their encryption). */
const notifiesTopics = (alarm: TemplateResource, topics: readonly TemplateResource[]) =>
  (alarm.properties.AlarmActions ?? []).length > 0 && alarm.properties.AlarmActions.every((a: unknown) => names(a, topics));

/** Statements of resource policies that grant a service principal, each with its conditions. */
const serviceStatements = (policies: readonly TemplateResource[], principal: string, documentKey = 'PolicyDocument') =>
  policies.flatMap((p) => p.properties[documentKey]?.Statement ?? []).filter((s: any) => text(s.Principal).includes(principal));

export function auditTrailRecordsEverythingProtected({ assembly }: ControlEvidence): boolean {
  const buckets = assembly.ofType('AWS::S3::Bucket');
  const bucketPolicies = assembly.ofType('AWS::S3::BucketPolicy');
  const keys = assembly.ofType('AWS::KMS::Key');
  return assembly.ofType('AWS::CloudTrail::Trail').some(({ properties: t }) => {
    const bucket = buckets.find((b) => text(t.S3BucketName).includes(b.logicalId));
    const managementEvents = (t.AdvancedEventSelectors ?? []).some((selector: any) =>
      (selector.FieldSelectors ?? []).some((f: any) => f.Field === 'eventCategory' && text(f.Equals) === '["Management"]'),
    );
    const cloudTrailGrants = [
      ...serviceStatements(
        bucketPolicies.filter((p) => bucket && text(p.properties.Bucket).includes(bucket.logicalId)),
        'cloudtrail',
      ),
      ...serviceStatements(
        keys.filter((k) => text(t.KMSKeyId).includes(k.logicalId)),
        'cloudtrail',
        'KeyPolicy',
      ),
    ];
    return (
      t.IsLogging === true &&
      t.IsMultiRegionTrail === true &&
      t.IncludeGlobalServiceEvents === true &&
      t.EnableLogFileValidation === true &&
      managementEvents &&
      names(t.KMSKeyId, keys) &&
      t.CloudWatchLogsLogGroupArn !== undefined &&
      bucket !== undefined &&
      text(bucket.properties.BucketEncryption).includes('aws:kms') &&
      cloudTrailGrants.length >= 4 &&
      cloudTrailGrants.every((s: any) => s.Effect === 'Allow' && text(s.Condition).includes('aws:SourceArn'))
    );
  });
}

/** The event sources whose findings and events must page someone. */
const ROUTED_SOURCES = ['aws.guardduty', 'aws.securityhub', 'aws.access-analyzer', 'aws.health'];

export function findingsReachTheAlarmTopic({ assembly }: ControlEvidence): boolean {
  const topics = assembly.ofType('AWS::SNS::Topic');
  const rules = assembly.ofType('AWS::Events::Rule').filter((r) => r.properties.State !== 'DISABLED');
  const eventBridge = serviceStatements(assembly.ofType('AWS::SNS::TopicPolicy'), 'events.amazonaws.com');
  return (
    ROUTED_SOURCES.every((source) =>
      rules.some(
        (r) =>
          (r.properties.EventPattern?.source ?? []).includes(source) && (r.properties.Targets ?? []).some((t: any) => names(t.Arn, topics)),
      ),
    ) &&
    eventBridge.length > 0 &&
    eventBridge.every((s: any) => s.Effect === 'Allow' && text(s.Condition).includes('aws:SourceArn')) &&
    serviceStatements(assembly.ofType('AWS::KMS::Key'), 'events.amazonaws.com', 'KeyPolicy').length > 0
  );
}

export function standardsAndRecorderEnabled({ assembly }: ControlEvidence): boolean {
  const standards = assembly.ofType('AWS::SecurityHub::Standard').map((s) => text(s.properties.StandardsArn));
  return (
    assembly.ofType('AWS::SecurityHub::Hub').length > 0 &&
    ['standards/aws-foundational-security-best-practices/v/1.0.0', 'standards/nist-800-53/v/5.0.0'].every((path) =>
      standards.some((arn) => arn.includes(`::${path}`)),
    ) &&
    assembly.every(
      'AWS::Config::ConfigurationRecorder',
      (p) => p.RecordingGroup?.AllSupported === true && p.RecordingGroup?.IncludeGlobalResourceTypes === true,
    ) &&
    assembly.some('AWS::Config::DeliveryChannel', (p) => p.S3KmsKeyArn !== undefined)
  );
}

/** What each CIS filter must match, by the event it is about (the benchmark's filters name these). */
const CIS_EVENTS = [
  'UnauthorizedOperation',
  '"Root"',
  'PutRolePolicy',
  'StopLogging',
  'Failed authentication',
  'ScheduleKeyDeletion',
  'AuthorizeSecurityGroupIngress',
  'CreateNetworkAclEntry',
];

export function cisAlarmsOnTheTrail({ assembly }: ControlEvidence): boolean {
  const topics = assembly.ofType('AWS::SNS::Topic');
  const trailGroups = assembly.ofType('AWS::CloudTrail::Trail').map((t) => text(t.properties.CloudWatchLogsLogGroupArn));
  const logGroups = assembly.ofType('AWS::Logs::LogGroup').filter((g) => trailGroups.some((arn) => arn.includes(g.logicalId)));
  const filters = assembly.ofType('AWS::Logs::MetricFilter').filter((f) => names(f.properties.LogGroupName, logGroups));
  const alarms = assembly.ofType('AWS::CloudWatch::Alarm');
  return CIS_EVENTS.every((event) =>
    filters
      .filter((f) => String(f.properties.FilterPattern).includes(event))
      .some((f) =>
        f.properties.MetricTransformations.some((m: any) =>
          alarms.some(
            (a) => a.properties.Namespace === m.MetricNamespace && a.properties.MetricName === m.MetricName && notifiesTopics(a, topics),
          ),
        ),
      ),
  );
}

export function servicesAndClusterAlarmed({ assembly, catalogue }: ControlEvidence): boolean {
  const topics = assembly.ofType('AWS::SNS::Topic');
  const alarms = assembly.ofType('AWS::CloudWatch::Alarm').filter((a) => notifiesTopics(a, topics));
  const filters = assembly.ofType('AWS::Logs::MetricFilter');
  /** A metric filter's metric counting access lines the pattern selects, with the service as dimension. */
  const counted = (pattern: RegExp) =>
    filters
      .filter((f) => pattern.test(String(f.properties.FilterPattern)))
      .flatMap((f) => f.properties.MetricTransformations)
      .filter((m: any) => (m.Dimensions ?? []).some((d: any) => d.Key === 'Service'))
      .map((m: any) => m.MetricName);
  const alarmed = (metricNames: readonly string[], service: string) =>
    alarms.some((a) =>
      [a.properties, ...(a.properties.Metrics ?? []).map((m: any) => m.MetricStat?.Metric ?? {})].some(
        (m: any) =>
          metricNames.includes(m.MetricName) && (m.Dimensions ?? []).some((d: any) => d.Name === 'Service' && d.Value === service),
      ),
    );
  const insights = (metricName: string, dimension: string, value: string) =>
    alarms.some(
      (a) =>
        a.properties.Namespace === 'ContainerInsights' &&
        a.properties.MetricName === metricName &&
        (a.properties.Dimensions ?? []).some((d: any) => d.Name === dimension && d.Value === value),
    );
  const serverErrors = counted(/status >= 500/);
  const authFailures = counted(/status = 401.*status = 403/);
  const latency = counted(/durationMs/);
  return (
    catalogue.services.length > 0 &&
    catalogue.services.every(
      (s) =>
        [serverErrors, authFailures, latency].every((metricNames) => metricNames.length > 0 && alarmed(metricNames, s.name)) &&
        ['pod_number_of_container_restarts', 'pod_container_status_terminated_reason_oom_killed'].every((m) =>
          insights(m, 'PodName', s.name),
        ),
    ) &&
    ['pod_status_pending', 'cluster_failed_node_count', 'node_status_condition_memory_pressure'].every((m) =>
      alarms.some((a) => a.properties.Namespace === 'ContainerInsights' && a.properties.MetricName === m),
    )
  );
}
