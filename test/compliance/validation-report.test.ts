import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readValidationReport, unacknowledgedErrors, VALIDATION_REPORT_FILE } from '../../lib/compliance/validation-report';

/** The shape CDK wrote for the whole platform with one guard rule broken: "success", yet an unsuppressed error. */
const REPORT = {
  version: '55.0.0',
  title: 'Validation Report',
  pluginReports: [
    {
      pluginName: 'cdk-validator-cfnguard',
      conclusion: 'success',
      violations: [
        {
          ruleName: 'ecr_private_lifecycle_policy_configured_check',
          description: '[CT.ECR.PR.1]: Require Amazon ECR repositories to have a lifecycle policy configured',
          severity: 'error',
          violatingConstructs: [{}, {}],
        },
      ],
      suppressedViolations: [{ ruleName: 'lambda_inside_vpc_check', severity: 'error' }],
    },
    {
      pluginName: 'CloudFormation Validate',
      conclusion: 'success',
      violations: [{ ruleName: 'W9009', description: 'deprecated', severity: 'warning' }],
    },
  ],
};

test('an unsuppressed error fails the gate even when CDK concluded success; warnings and suppressed findings do not', () => {
  expect(unacknowledgedErrors(REPORT)).toEqual([
    'cdk-validator-cfnguard: ecr_private_lifecycle_policy_configured_check on 2 resources ([CT.ECR.PR.1]: Require Amazon ECR repositories to have a lifecycle policy configured)',
  ]);
  expect(unacknowledgedErrors({ pluginReports: [{ ...REPORT.pluginReports[1] }] })).toEqual([]);
  expect(unacknowledgedErrors(undefined)).toEqual([]);
});

test('the report is read from the assembly directory, and its absence means nothing to report', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-report-'));
  try {
    expect(readValidationReport(directory)).toBeUndefined();
    fs.writeFileSync(path.join(directory, VALIDATION_REPORT_FILE), JSON.stringify(REPORT));
    expect(unacknowledgedErrors(readValidationReport(directory))).toHaveLength(1);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
