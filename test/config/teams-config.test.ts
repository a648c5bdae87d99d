import { configProblems, sliceProblems } from '../support/config-problems';
import { testConfig } from '../support/platform-fixture';
import { TeamConfig } from '../../lib/config';

const SSO_ROLE = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_0123456789abcdef';
const team = (change: Partial<TeamConfig> = {}): TeamConfig => ({ name: 'payments', access: 'edit', roleArns: [SSO_ROLE], ...change });
const teamProblems = (...teams: TeamConfig[]) => sliceProblems('cluster', { teams });

test('a valid team, an IAM Identity Center role with its path, passes', () => {
  expect(teamProblems(team(), team({ name: 'audit', access: 'view', roleArns: ['arn:aws:iam::123456789012:role/Auditor'] }))).toEqual([]);
});

test('a team role that is also an admin stops synth: EKS has one access entry per role', () => {
  const admin = 'arn:aws:iam::123456789012:role/PlatformAdmin';
  expect(sliceProblems('cluster', { adminRoleArns: [admin], teams: [team({ roleArns: [admin] })] })).toEqual([
    expect.stringMatching(/already has an access entry \(cluster\.adminRoleArns\)/),
  ]);
});

test('a team that names no role passes: the Cluster stack creates one for it', () => {
  expect(teamProblems(team({ roleArns: [] }))).toEqual([]);
});

test.each([
  ['a name that is no DNS label', team({ name: 'Payments_Team' }), /cluster\.teams\[0\]\.name="Payments_Team": use a lowercase DNS label/],
  ['a kube- name', team({ name: 'kube-team' }), /cluster\.teams\[0\]\.name="kube-team"/],
  [
    'a service namespace',
    team({ name: 'shop' }),
    /cluster\.teams\[0\]\.name="shop": choose a namespace no service or system component uses/,
  ],
  ['the ingress namespace', team({ name: 'platform-ingress' }), /cluster\.teams\[0\]\.name="platform-ingress": choose a namespace/],
  ['a system namespace', team({ name: 'istio-system' }), /cluster\.teams\[0\]\.name="istio-system": choose a namespace/],
  ['an unknown access level', team({ access: 'admin' as never }), /cluster\.teams\[0\]\.access="admin": use one of edit, view/],
  [
    'a user ARN',
    team({ roleArns: ['arn:aws:iam::123456789012:user/alice'] }),
    /cluster\.teams\[0\]\.roleArns="arn:aws:iam::123456789012:user\/alice": use an IAM role ARN/,
  ],
  ['a zero workload quota', team({ workloads: 0 }), /cluster\.teams\[0\]\.workloads=0: use a whole number from 1 to 50/],
])('%s stops synth naming the field and the fix', (_what, bad, message) => {
  expect(teamProblems(bad)).toEqual([expect.stringMatching(message)]);
});

test('two teams may share neither a name nor a role (the same role with and without its path included)', () => {
  const samePrincipal = 'arn:aws:iam::123456789012:role/AWSReservedSSO_Dev_0123456789abcdef';
  expect(teamProblems(team(), team())).toEqual([
    expect.stringMatching(/cluster\.teams\[1\]\.name="payments": team names are namespaces/),
    expect.stringMatching(/cluster\.teams\[1\]\.roleArns=.*already has an access entry \(cluster\.teams\[0\]\.roleArns\)/),
  ]);
  expect(teamProblems(team(), team({ name: 'audit', roleArns: [samePrincipal] }))).toEqual([
    expect.stringMatching(/cluster\.teams\[1\]\.roleArns=.*already has an access entry/),
  ]);
});

test('teams come from context as JSON; anything else names the field and the format', () => {
  expect(testConfig({ teams: JSON.stringify([team({ name: 'audit', access: 'view' })]) }).cluster.teams).toEqual([
    team({ name: 'audit', access: 'view' }),
  ]);
  expect(testConfig({ teams: '[]' }).cluster.teams).toEqual([]);
  expect(configProblems(() => testConfig({ teams: 'payments' }))).toEqual([
    expect.stringMatching(/^invalid config cluster\.teams="payments": write a JSON array/),
  ]);
});
