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
