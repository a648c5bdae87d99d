import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DetectionConfig, profileDefaults } from '../../lib/config';
import { CentralLogging } from '../../lib/constructs/central-logging';
import { DetectionStack } from '../../lib/stacks/detection-stack';
import { REFERENCE_CATALOGUE } from '../support/catalogue';
import { testApp } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** A stack's template in one of the shared synthesized configurations, by CloudFormation name suffix (`detection`). */
export function platformTemplate(configuration: 'dev' | 'prod', stack: string): Template {
  return Template.fromJSON(synthesizedConfiguration(configuration).assembly.getStackByName(`${configuration}-platform-${stack}`).template);
}

/**
 * The Detection stack alone, beside a stand-in for what it reads (logs key, alarm topic, audit key, a data bucket and
 * table, the application log group), with the dev profile's detection slice changed: cheap enough for each switch.
 */
export function detectionStack(change: Partial<DetectionConfig> = {}): { stack: DetectionStack; template: Template } {
  const app = testApp();
  const base = new Stack(app, 'Base', { env: ENV });
  const logging = new CentralLogging(base, 'Logging', { retention: logs.RetentionDays.ONE_YEAR });
  const stack = new DetectionStack(app, 'Detection', {
    env: ENV,
    stackName: 'test-detection',
    detection: { ...profileDefaults('dev', ENV).detection, ...change },
    auditKey: new kms.Key(base, 'AuditKey'),
    logDestinations: logging,
    retainData: false,
    retentionDays: 365,
    clusterName: 'test-cluster',
    applicationLogGroup: logging.createLogGroup('Application'),
    services: REFERENCE_CATALOGUE.services,
    dataEventSources: {
      buckets: [new s3.Bucket(base, 'Data')],
      tables: [new dynamodb.Table(base, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } })],
    },
  });
  return { stack, template: Template.fromStack(stack) };
}
