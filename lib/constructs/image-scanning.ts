import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { arnTarget } from '../private/arn-target';

export interface ImageScanningProps {
  /** Repositories whose names start with this (followed by `/`) are scanned continuously. */
  readonly repositoryPrefix: string;
  /** Receives every active finding on those repositories' images whose severity is one of `severities`. */
  readonly alarmTopic: sns.ITopic;
  /** @default ['CRITICAL', 'HIGH'] */
  readonly severities?: readonly string[];
}

/**
 * Amazon Inspector enhanced scanning of the platform's images: on push and again whenever a new vulnerability is
 * published for what an image contains (a push-time basic scan sees only the day it ran), with every new critical
 * or high finding sent to the alarm topic. The scanning configuration is one per registry (account and region): it
 * replaces any other, so where an organization manages Inspector centrally, drop this construct and route there.
 */
export class ImageScanning extends Construct {
  readonly configuration: ecr.CfnRegistryScanningConfiguration;
  readonly findingsRule: events.Rule;

  constructor(scope: Construct, id: string, props: ImageScanningProps) {
    super(scope, id);
    const filter = `${props.repositoryPrefix}/*`;
    this.configuration = new ecr.CfnRegistryScanningConfiguration(this, 'Resource', {
      scanType: 'ENHANCED',
      rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter, filterType: 'WILDCARD' }] }],
    });
    this.findingsRule = new events.Rule(this, 'Findings', {
      description: `Inspector findings on images of ${filter}`,
      eventPattern: {
        source: ['aws.inspector2'],
        detailType: ['Inspector2 Finding'],
        detail: {
          severity: [...(props.severities ?? ['CRITICAL', 'HIGH'])],
          status: ['ACTIVE'],
          resources: { details: { awsEcrContainerImage: { repositoryName: [{ prefix: `${props.repositoryPrefix}/` }] } } },
        },
      },
      // The alarm topic admits this account's rules by source ARN.
      targets: [arnTarget(props.alarmTopic.topicArn)],
    });
  }
}
