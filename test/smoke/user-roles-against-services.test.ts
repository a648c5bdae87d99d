import { Agent } from 'node:https';
import { adminScopes, SERVICE_CATALOGUE, ServiceRoute } from '../../lib/catalogue/service-catalogue';
import { newRunId, planRoutes, samplePlan } from '../../scripts/smoke/sample-plan';
import { call, CallResult } from '../../services/shared/test/support/http-call';
import { synthesizedConfiguration } from '../support/synthesized-configurations';
import { deployedTokenTrigger, DeployedTokenTrigger, edgeTemplate, tokenEvent, tokenScopes } from '../support/token-trigger';
import { startTestStack, TestStack } from './support/test-stack';

/**
 * A user token's scopes follow its groups: for each group of the dev configuration, the deployed trigger code (from
 * the synthesized Edge template, run on a Cognito-shaped V2_0 event) gives the scopes, a token is minted with them,
 * and the real edge, orders and inventory bundles answer every public route: 2xx where a scope of the group opens it,
 * 403 everywhere else.
 */
let stack: TestStack;
let agent: Agent;
let trigger: DeployedTokenTrigger;

beforeAll(async () => {
  trigger = deployedTokenTrigger(edgeTemplate(synthesizedConfiguration('dev').assembly));
  stack = await startTestStack();
  agent = new Agent({ ca: stack.ca, keepAlive: true });
});

afterAll(async () => {
  agent?.destroy();
  await stack?.close();
});

/** The scopes the deployed trigger gives a member of `groups`, and a token carrying them for `subject`. */
async function memberToken(groups: readonly string[], subject: string): Promise<{ scopes: string[]; token: string }> {
  const scopes = tokenScopes(await trigger.handler(tokenEvent(groups)));
  return { scopes, token: stack.cognito.mint(scopes, { sub: subject }) };
}

const send = (route: ServiceRoute, sample: { path: string; body?: object }, token: string): Promise<CallResult> =>
  call(new URL(sample.path.slice(1), stack.target.apiUrl).href, { method: route.method, token, body: sample.body, agent });

/**
 * Every public route in plan order, as a member of `groups`. Writes the member may not make are made first by a
 * token with every scope of the same subject, so each read finds its item and only scopes decide the answer.
 */
async function routeStatuses(groups: readonly string[]): Promise<Record<string, number>> {
  const subject = `member-${newRunId()}`;
  const { scopes, token } = await memberToken(groups, subject);
  const seeder = stack.cognito.mint([...new Set(Object.values(trigger.grants).flat())], { sub: subject });
  const statuses: Record<string, number> = {};
  for (const { key, route, sample } of planRoutes(SERVICE_CATALOGUE, samplePlan(newRunId()))) {
    if (sample.body && !scopes.includes(route.scope)) expect((await send(route, sample, seeder)).status).toBeLessThan(300);
    statuses[key] = (await send(route, sample, token)).status;
  }
  return statuses;
}

const expected = (scopes: readonly string[]) =>
  Object.fromEntries(
    planRoutes(SERVICE_CATALOGUE, samplePlan('x')).map(({ key, route }) => [
      key,
      scopes.includes(route.scope) ? (route.method === 'POST' ? 201 : 200) : 403,
    ]),
  );

test('each group calls exactly the routes its scopes open, and is refused (403) on every other', async () => {
  const groups = Object.keys(trigger.grants);
  expect(groups.length).toBeGreaterThan(0);
  for (const group of groups) {
    expect({ group, statuses: await routeStatuses([group]) }).toEqual({ group, statuses: expected(trigger.grants[group]) });
  }
});

test('a user in no group gets no scope and is refused everywhere', async () => {
  expect((await memberToken([], 'nobody')).scopes).toEqual([]);
  const statuses = await routeStatuses([]);
  expect(Object.values(statuses).every((status) => status === 403)).toBe(true);
});

test("only the admins group reads another subject's order: the admin scope is the one way past the ownership check", async () => {
  const plan = planRoutes(SERVICE_CATALOGUE, samplePlan(newRunId()));
  const owner = stack.cognito.mint([...new Set(Object.values(trigger.grants).flat())], { sub: `owner-${newRunId()}` });
  for (const { route, sample } of plan) if (sample.body) expect((await send(route, sample, owner)).status).toBeLessThan(300);
  const read = plan.find(({ key }) => key === 'GET /orders/{orderId}')!;
  const answers: Record<string, number> = {};
  for (const group of Object.keys(trigger.grants).filter((g) => trigger.grants[g].includes(read.route.scope))) {
    answers[group] = (await send(read.route, read.sample, (await memberToken([group], `stranger-${group}`)).token)).status;
  }
  expect(answers).toEqual(
    Object.fromEntries(
      Object.keys(answers).map((group) => [
        group,
        trigger.grants[group].some((scope) => adminScopes(SERVICE_CATALOGUE).has(scope)) ? 200 : 404,
      ]),
    ),
  );
  expect(Object.keys(answers).filter((group) => answers[group] === 200)).toEqual(['admins']);
});
