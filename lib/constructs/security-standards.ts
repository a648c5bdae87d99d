import { Stack } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';

/** Security Hub standards the platform enables, by the path of their regional ARN (`arn:<partition>:securityhub:<region>::<path>`). */
export const SECURITY_HUB_STANDARDS = {
  awsFoundationalBestPractices: 'standards/aws-foundational-security-best-practices/v/1.0.0',
  nist80053Rev5: 'standards/nist-800-53/v/5.0.0',
} as const;

export interface SecurityStandardsProps {
  /** Name of the account's IAM Access Analyzer. @default 'platform-account-analyzer' */
  readonly analyzerName?: string;
}

/**
 * Posture findings for the account and region: Security Hub with the AWS Foundational Security Best Practices and the
 * NIST SP 800-53 Rev. 5 standards (consolidated control findings, new controls enabled automatically, no other default
 * standard), and an account IAM Access Analyzer, whose findings name resources shared outside the account. A region has
 * one hub: where an organization's delegated administrator enables Security Hub, enable the standards there instead.
 */
export class SecurityStandards extends Construct {
  readonly hub: securityhub.CfnHub;
  readonly standards: securityhub.CfnStandard[];
  readonly analyzer: accessanalyzer.CfnAnalyzer;

  constructor(scope: Construct, id: string, props: SecurityStandardsProps = {}) {
    super(scope, id);
    const { partition, region } = Stack.of(this);
    this.hub = new securityhub.CfnHub(this, 'Resource', {
      enableDefaultStandards: false,
      controlFindingGenerator: 'SECURITY_CONTROL',
      autoEnableControls: true,
    });
    this.standards = Object.entries(SECURITY_HUB_STANDARDS).map(([name, path]) => {
      const standard = new securityhub.CfnStandard(this, name, { standardsArn: `arn:${partition}:securityhub:${region}::${path}` });
      // A standard can only be enabled once the account is subscribed to Security Hub.
      standard.node.addDependency(this.hub);
      return standard;
    });
    this.analyzer = new accessanalyzer.CfnAnalyzer(this, 'AccessAnalyzer', {
      type: 'ACCOUNT',
      analyzerName: props.analyzerName ?? 'platform-account-analyzer',
    });
  }
}
