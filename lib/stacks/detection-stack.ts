import { Annotations, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DetectionConfig } from '../config';
import { AuditBucket } from '../constructs/audit-bucket';
import { AuditTrail } from '../constructs/audit-trail';
import { ILogDestinations } from '../constructs/central-logging';
import { ConfigRecorder } from '../constructs/config-recorder';
import { FindingsRouting } from '../constructs/findings-routing';
import { SecurityStandards } from '../constructs/security-standards';
import { MonitoredService, ServiceMonitoring } from '../constructs/service-monitoring';
import { TrailAlarms } from '../constructs/trail-alarms';

export interface DetectionStackProps extends StackProps {
  readonly detection: DetectionConfig;
  /** Encrypts the trail's log files and AWS Config's deliveries. */
  readonly auditKey: kms.IKey;
  readonly logDestinations: ILogDestinations;
  /** Keep the audit bucket when the stack is deleted (prod). */
  readonly retainData: boolean;
  /** How long audit log files are kept (the platform log retention). */
  readonly retentionDays: number;
  /** The EKS cluster Container Insights reports on. */
  readonly clusterName: string;
  /** Container Insights' application log group: the services' JSON access logs. */
  readonly applicationLogGroup: logs.ILogGroup;
  /** The services to alarm on. */
  readonly services: readonly MonitoredService[];
  /** Buckets and tables whose data events the trail records when `detection.dataEvents` is on. */
  readonly dataEventSources: { readonly buckets: readonly s3.IBucket[]; readonly tables: readonly dynamodb.ITable[] };
}

/**
 * Account-level audit and detection, and the alarms on what runs: the audit trail and its CIS alarms, Security Hub
 * with its standards, the AWS Config recorder, security findings and AWS Health events routed to the alarm topic, and
 * per-service alarms with their dashboard. Last in the deploy order: it reads every other stack and nothing reads it.
 */
export class DetectionStack extends Stack {
  readonly trail?: AuditTrail;
  readonly trailAlarms?: TrailAlarms;
  readonly auditBucket?: AuditBucket;
  readonly standards?: SecurityStandards;
  readonly configRecorder?: ConfigRecorder;
  readonly findings: FindingsRouting;
  readonly services: ServiceMonitoring;

  constructor(scope: Construct, id: string, props: DetectionStackProps) {
    super(scope, id, props);
    const { detection, logDestinations } = props;
    const alarmTopic = logDestinations.alarmTopic;

    if (detection.trail === 'create' || detection.configRecorder !== 'none') {
      this.auditBucket = new AuditBucket(this, 'AuditBucket', {
        encryptionKey: props.auditKey,
        retain: props.retainData,
        retention: Duration.days(props.retentionDays),
      });
    }
    let trailLogGroup: logs.ILogGroup | undefined;
    if (detection.trail === 'create') {
      trailLogGroup = logDestinations.createLogGroup('AuditTrail');
      this.trail = new AuditTrail(this, 'Trail', {
        trailName: `${this.stackName}-trail`,
        encryptionKey: props.auditKey,
        bucket: this.auditBucket!.bucket,
        logGroup: trailLogGroup,
        dataEventBuckets: detection.dataEvents ? props.dataEventSources.buckets : [],
        dataEventTables: detection.dataEvents ? props.dataEventSources.tables : [],
      });
    } else if (detection.organizationTrailLogGroup) {
      trailLogGroup = logs.LogGroup.fromLogGroupName(this, 'OrganizationTrailLogGroup', detection.organizationTrailLogGroup);
    } else {
      Annotations.of(this).addWarningV2(
        '@platform/detection:noTrailAlarms',
        'trail is organization and no organizationTrailLogGroup is set: the CIS alarms on API activity are not created ' +
          'here; create them where the organization trail delivers, or set -c organizationTrailLogGroup=<its log group in this account>',
      );
    }
    if (trailLogGroup) {
      this.trailAlarms = new TrailAlarms(this, 'TrailAlarms', { logGroup: trailLogGroup, alarmTopic, thresholds: detection.trailAlarms });
    }

    if (detection.securityHub) this.standards = new SecurityStandards(this, 'SecurityStandards');
    if (detection.configRecorder !== 'none') {
      this.configRecorder = new ConfigRecorder(this, 'ConfigRecorder', {
        bucket: this.auditBucket!.bucket,
        encryptionKey: props.auditKey,
        recordingFrequency: detection.configRecorder === 'continuous' ? 'CONTINUOUS' : 'DAILY',
      });
    }
    this.findings = new FindingsRouting(this, 'Findings', { topic: alarmTopic, ...detection.findings });

    this.services = new ServiceMonitoring(this, 'ServiceMonitoring', {
      clusterName: props.clusterName,
      services: props.services,
      applicationLogGroup: props.applicationLogGroup,
      alarmTopic,
      thresholds: detection.serviceAlarms,
    });
  }
}
