import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { arnTarget } from '../private/arn-target';

/** Security Hub's severity labels, from the ASFF `Severity.Label`. */
export const SECURITY_HUB_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'] as const;
export type SecurityHubSeverity = (typeof SECURITY_HUB_SEVERITIES)[number];

/** Which findings page someone: what reaches the alarm topic. */
export interface FindingsSeverity {
  /** Lowest GuardDuty severity routed (GuardDuty scores 1.0–8.9: 7 and above is High, 4 Medium, 1 Low). @default 7 */
  readonly guardDutyMinimum?: number;
  /** Security Hub severity labels routed. @default ['CRITICAL', 'HIGH'] */
  readonly securityHubLabels?: readonly SecurityHubSeverity[];
}

export interface FindingsRoutingProps extends FindingsSeverity {
  /**
   * Receives every routed event. Its policy must let EventBridge rules of this account publish (CentralLogging's alarm
   * topic does, and its key lets EventBridge encrypt): this construct grants nothing, so it adds no unconditioned statement.
   */
  readonly topic: sns.ITopic;
}

/**
 * EventBridge rules that send security findings and AWS Health events to the alarm topic: GuardDuty findings from a
 * severity up, new and active Security Hub findings of the chosen labels (failed controls and imported findings of
 * other products alike), active IAM Access Analyzer findings (a resource shared outside the account), and every AWS
 * Health event for the account (service issues and scheduled changes to its resources).
 */
export class FindingsRouting extends Construct {
  readonly rules: events.Rule[];

  constructor(scope: Construct, id: string, props: FindingsRoutingProps) {
    super(scope, id);
    // The topic's own policy admits this account's rules (events-targets' SnsTopic would admit every account's).
    const target = arnTarget(props.topic.topicArn);
    const route = (ruleId: string, description: string, eventPattern: events.EventPattern) => {
      const rule = new events.Rule(this, ruleId, { description, eventPattern });
      rule.addTarget(target);
      return rule;
    };
    this.rules = [
      route('GuardDutyFindings', 'GuardDuty findings to the alarm topic', {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: events.Match.greaterThanOrEqual(props.guardDutyMinimum ?? 7) },
      }),
      route('SecurityHubFindings', 'New, active Security Hub findings to the alarm topic', {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: [...(props.securityHubLabels ?? ['CRITICAL', 'HIGH'])] },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
          },
        },
      }),
      route('AccessAnalyzerFindings', 'Active IAM Access Analyzer findings to the alarm topic', {
        source: ['aws.access-analyzer'],
        detailType: ['Access Analyzer Finding'],
        detail: { status: ['ACTIVE'] },
      }),
      route('HealthEvents', 'AWS Health events of this account to the alarm topic', {
        source: ['aws.health'],
        detailType: ['AWS Health Event'],
      }),
    ];
  }
}
