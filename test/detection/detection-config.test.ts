import { DetectionConfig } from '../../lib/config';
import { configProblems, sliceProblems } from '../support/config-problems';
import { PROD_CONTEXT, testConfig } from '../support/platform-fixture';

const problems = (change: Partial<DetectionConfig>) => sliceProblems('detection', change);

describe('detection configuration', () => {
  test('both profiles create the trail, Security Hub and a recorder; prod records data events and every change', () => {
    expect(testConfig().detection).toMatchObject({ trail: 'create', dataEvents: false, securityHub: true, configRecorder: 'daily' });
    expect(testConfig(PROD_CONTEXT).detection).toMatchObject({
      trail: 'create',
      dataEvents: true,
      securityHub: true,
      configRecorder: 'continuous',
    });
  });

  test('context switches for landing zones; an organization trail takes no data events unless asked', () => {
    const config = testConfig({
      ...PROD_CONTEXT,
      trail: 'organization',
      organizationTrailLogGroup: 'aws-controltower/CloudTrailLogs',
      securityHub: 'false',
      configRecorder: 'none',
    });
    expect(config.detection).toMatchObject({
      trail: 'organization',
      organizationTrailLogGroup: 'aws-controltower/CloudTrailLogs',
      dataEvents: false,
      securityHub: false,
      configRecorder: 'none',
    });
  });

  test.each<[string, Partial<DetectionConfig>, string]>([
    [
      'an unknown trail mode',
      { trail: 'cloudtrail' as never },
      `invalid config detection.trail="cloudtrail": use 'create' or 'organization'`,
    ],
    [
      "an organization trail's log group with a trail of our own",
      { organizationTrailLogGroup: 'org-trail' },
      'invalid config detection.organizationTrailLogGroup="org-trail": only an organization trail\'s log group is named: set -c trail=organization',
    ],
    [
      'a log group name CloudWatch refuses',
      { trail: 'organization', organizationTrailLogGroup: 'trail logs!' },
      'invalid config detection.organizationTrailLogGroup="trail logs!": use the name of a CloudWatch Logs log group',
    ],
    [
      'data events without a trail of ours',
      { trail: 'organization', dataEvents: true },
      'invalid config detection.dataEvents=true: data events are recorded by the trail that selects them',
    ],
    [
      'an unknown recorder mode',
      { configRecorder: 'weekly' as never },
      `invalid config detection.configRecorder="weekly": use 'continuous', 'daily', 'none'`,
    ],
    [
      'a GuardDuty severity out of range',
      { findings: { guardDutyMinimum: 9 } },
      'invalid config detection.findings.guardDutyMinimum=9: use a GuardDuty severity from 1 to 8.9',
    ],
    [
      'an unknown Security Hub label',
      { findings: { securityHubLabels: ['SEVERE' as never] } },
      'invalid config detection.findings.securityHubLabels="SEVERE": use Security Hub severity labels',
    ],
    [
      'no Security Hub label',
      { findings: { securityHubLabels: [] } },
      'invalid config detection.findings.securityHubLabels=[]: list at least one label',
    ],
    [
      'an unknown trail alarm',
      { trailAlarms: { RootLogin: 0 } as never },
      'invalid config detection.trailAlarms="RootLogin": use one of UnauthorizedApiCalls',
    ],
    [
      'a negative trail alarm threshold',
      { trailAlarms: { RootAccountUse: -1 } },
      'invalid config detection.trailAlarms.RootAccountUse=-1: use a whole number of events per 5 minutes',
    ],
    [
      'a 5xx rate above 1',
      { serviceAlarms: { serverErrorRate: 5 } },
      'invalid config detection.serviceAlarms.serverErrorRate=5: use a share of requests between 0 and 1',
    ],
    [
      'a non-positive latency target',
      { serviceAlarms: { latencyP99Ms: 0 } },
      'invalid config detection.serviceAlarms.latencyP99Ms=0: use a positive number of milliseconds',
    ],
    [
      'a fractional 401/403 threshold',
      { serviceAlarms: { authFailures: 2.5 } },
      'invalid config detection.serviceAlarms.authFailures=2.5: use a whole number',
    ],
    [
      'a pending time that is not a multiple of 5 minutes',
      { serviceAlarms: { pendingPodMinutes: 7 } },
      'invalid config detection.serviceAlarms.pendingPodMinutes=7: use a multiple of 5 minutes',
    ],
  ])('%s names the field and the fix', (_name, change, expected) => {
    const messages = problems(change);
    expect(messages.join('\n')).toContain(expected);
    for (const message of messages) expect(message).not.toMatch(/\n|at .*\.ts:\d+/);
  });

  test('a switch that is not a boolean is refused at load', () => {
    expect(configProblems(() => testConfig({ securityHub: 'maybe' }))).toEqual([
      'invalid config detection.securityHub="maybe": use true or false',
    ]);
  });
});
