import { Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LoggingConfig } from '../config';
import { CentralLogging } from '../constructs/central-logging';

export interface LoggingStackProps extends StackProps {
  readonly logging: LoggingConfig;
  readonly retainLogs: boolean;
}

/** Central logging: the logs key, every platform log group, the alarm topic and the dashboard. */
export class LoggingStack extends Stack {
  readonly logging: CentralLogging;

  constructor(scope: Construct, id: string, props: LoggingStackProps) {
    super(scope, id, props);
    this.logging = new CentralLogging(this, 'CentralLogging', {
      retention: props.logging.retentionDays as logs.RetentionDays,
      retain: props.retainLogs,
      alarmEmail: props.logging.alarmEmail,
    });
  }
}
