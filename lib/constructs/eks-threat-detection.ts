import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { Construct } from 'constructs';

export interface EksThreatDetectionProps {
  /** How often updated findings are exported to EventBridge and Security Hub. @default 'FIFTEEN_MINUTES' */
  readonly findingPublishingFrequency?: 'FIFTEEN_MINUTES' | 'ONE_HOUR' | 'SIX_HOURS';
}

/**
 * GuardDuty EKS protection for the account and region: analysis of the EKS audit logs, and runtime monitoring with
 * the GuardDuty security agent, which GuardDuty installs and updates as an EKS add-on (and, for private clusters,
 * reaches through a VPC endpoint it creates). A region has one detector: where GuardDuty is managed by an
 * organization's delegated administrator, enable these features there instead of deploying this construct.
 */
export class EksThreatDetection extends Construct {
  readonly detector: guardduty.CfnDetector;

  constructor(scope: Construct, id: string, props: EksThreatDetectionProps = {}) {
    super(scope, id);
    this.detector = new guardduty.CfnDetector(this, 'Resource', {
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency ?? 'FIFTEEN_MINUTES',
      features: [
        { name: 'EKS_AUDIT_LOGS', status: 'ENABLED' },
        // The detector is account-wide; S3 data-event analysis covers the platform's buckets (CT.GUARDDUTY.PR.1).
        { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
        {
          name: 'RUNTIME_MONITORING',
          status: 'ENABLED',
          additionalConfiguration: [{ name: 'EKS_ADDON_MANAGEMENT', status: 'ENABLED' }],
        },
      ],
    });
  }
}
