import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'fs';
import * as path from 'path';
import { ApiClientConfig } from '../../lib/config';
import { apiClientOutputs } from '../../lib/stacks/edge-outputs';
import { TEST_API_CLIENTS, testApp } from '../support/platform-fixture';
import { apiMethods, buildEdge, grantedScopes } from './edge-fixture';

/** An operator's deliberate grant of an admin scope (`admin: true`). */
const AUDITOR: ApiClientConfig = {
  name: 'auditor',
  scopes: ['orders/read', 'orders/admin'],
  admin: true,
  rateLimit: 1,
  burstLimit: 1,
  quota: { limit: 1000, period: 'month' },
};
const CLIENTS = [...TEST_API_CLIENTS, AUDITOR];

let template: Template;
let app: App;
beforeAll(() => {
  const fixture = buildEdge({ edge: { clients: CLIENTS } });
  app = fixture.app;
  template = Template.fromStack(fixture.edge);
});

const resources = (type: string) => template.findResources(type);
/** The logical id of the resource of `type` whose `property` equals `value`. */
const idOf = (type: string, property: string, value: unknown) =>
  Object.entries(resources(type)).find(([, r]) => r.Properties[property] === value)?.[0];

describe('every configured client gets an API key, a usage plan and an app client of its own', () => {
  test('one API key per client, named for it, whose value API Gateway generates (no Value in the template)', () => {
    const keys = Object.values(resources('AWS::ApiGateway::ApiKey')).map((k) => k.Properties);
    expect(keys.map((k) => k.Name).sort()).toEqual(CLIENTS.map((c) => `dev-platform-edge-api-${c.name}`).sort());
    for (const key of keys) {
      expect(key.Enabled).toBe(true);
      expect(key).not.toHaveProperty('Value');
      expect(key).not.toHaveProperty('StageKeys'); // linked through usage plans only
    }
  });

  test.each(CLIENTS.map((c) => [c.name, c] as const))('%s: a usage plan with its throttle and quota on the API stage', (name, client) => {
    const plan =
      resources('AWS::ApiGateway::UsagePlan')[idOf('AWS::ApiGateway::UsagePlan', 'UsagePlanName', `dev-platform-edge-api-${name}`)!];
    expect(plan.Properties).toMatchObject({
      Throttle: { RateLimit: client.rateLimit, BurstLimit: client.burstLimit },
      Quota: { Limit: client.quota.limit, Period: client.quota.period.toUpperCase() },
      ApiStages: [{ ApiId: { Ref: expect.stringMatching(/^Api/) }, Stage: { Ref: expect.stringMatching(/DeploymentStage/) } }],
    });
  });

  test("each key is linked to its own client's plan, and to no other", () => {
    const links = Object.values(resources('AWS::ApiGateway::UsagePlanKey')).map((l) => l.Properties);
    expect(links).toHaveLength(CLIENTS.length);
    for (const { name } of CLIENTS) {
      const key = idOf('AWS::ApiGateway::ApiKey', 'Name', `dev-platform-edge-api-${name}`);
      const plan = idOf('AWS::ApiGateway::UsagePlan', 'UsagePlanName', `dev-platform-edge-api-${name}`);
      expect(links.filter((l) => l.KeyId.Ref === key)).toEqual([{ KeyId: { Ref: key }, KeyType: 'API_KEY', UsagePlanId: { Ref: plan } }]);
    }
  });

  test('each client gets a client-credentials app client with a secret and exactly its scopes (admin only where granted)', () => {
    const appClients = Object.values(resources('AWS::Cognito::UserPoolClient')).map((c) => c.Properties);
    for (const client of CLIENTS) {
      const appClient = appClients.find((c) => c.ClientName === client.name)!;
      expect(appClient).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        AccessTokenValidity: 15,
        EnableTokenRevocation: true,
      });
      expect(grantedScopes(template, appClient).sort()).toEqual([...client.scopes].sort());
    }
  });
});

describe('keys are required exactly where the client configuration says so, in addition to the token', () => {
  const methods = () => new Map(apiMethods(template).map((m) => [`${m.HttpMethod} ${m.path}`, m]));

  test("a method requires a key when a client that requires its key holds the method's scope; the others do not", () => {
    // partner-a (requireKey by default) holds orders/read, orders/write and inventory/read; stock-sync (requireKey false)
    // alone holds inventory/write; the auditor's orders/read is already keyed by partner-a.
    expect(Object.fromEntries([...methods()].map(([key, m]) => [key, m.ApiKeyRequired]))).toEqual({
      'GET /orders/{orderId}': true,
      'POST /orders': true,
      'GET /inventory/{sku}': true,
      'PUT /inventory/{sku}': false,
    });
  });

  test('every method keeps its Cognito authorizer and scope: a key never replaces the token', () => {
    for (const method of methods().values()) {
      expect(method.AuthorizationType).toBe('COGNITO_USER_POOLS');
      expect(method.AuthorizationScopes).toHaveLength(1);
    }
  });

  test('the stage and per-method throttles still hold for every caller, key holders included', () => {
    const stage = Object.values(resources('AWS::ApiGateway::Stage'))[0].Properties;
    expect(stage.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1orders', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
      ]),
    );
  });
});

describe('key values never leave API Gateway', () => {
  test("outputs carry each client's key id and app client id, nothing else of the key", () => {
    const outputs = template.toJSON().Outputs;
    for (const { name } of CLIENTS) {
      const names = apiClientOutputs(name);
      expect(outputs[names.keyId].Value).toEqual({ Ref: idOf('AWS::ApiGateway::ApiKey', 'Name', `dev-platform-edge-api-${name}`) });
      expect(outputs[names.keyId].Description).toContain('aws apigateway get-api-key --api-key <id> --include-value');
      expect(outputs[names.appClientId].Value).toEqual({ Ref: expect.stringMatching(/AppClient/) });
    }
    expect(apiClientOutputs('partner-a')).toEqual({ keyId: 'ApiClientPartnerAKeyId', appClientId: 'ApiClientPartnerAAppClientId' });
  });

  /**
   * Every way a key value could reach the assembly: a Value on an ApiKey, a GetAtt on one (CloudFormation offers only its
   * id), or a custom resource reading it back (GetApiKey with includeValue, or IAM access to /apikeys/*).
   */
  function keyValueLeaks(outdir: string): string[] {
    const files = fs
      .readdirSync(outdir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'));
    return files.flatMap((file) => {
      const text = fs.readFileSync(path.join(outdir, file), 'utf8');
      const leaks = /"includeValue"|apikeys\/\*/i.test(text) ? [`${file}: reads key values`] : [];
      const template = JSON.parse(text);
      const keys = Object.entries<any>(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::ApiGateway::ApiKey');
      for (const [id, key] of keys) {
        if (key.Properties?.Value !== undefined) leaks.push(`${file}: ${id} sets Value`);
        if (new RegExp(`"Fn::GetAtt":\\["${id}"`).test(text)) leaks.push(`${file}: ${id} is read with Fn::GetAtt`);
      }
      return leaks;
    });
  }

  test('no file of the synthesized assembly holds a key value, and the check finds one that is set', () => {
    const assembly = app.synth(); // every stack the edge's keys could reach: logging, network, edge
    expect(
      assembly.stacks.flatMap((s) => Object.values<any>(s.template.Resources)).filter((r) => r.Type === 'AWS::ApiGateway::ApiKey'),
    ).toHaveLength(CLIENTS.length);
    expect(keyValueLeaks(assembly.directory)).toEqual([]);

    const leaky = testApp();
    new apigateway.ApiKey(new Stack(leaky, 'Leaky'), 'Key', { value: 'a-value-someone-committed-1234' });
    expect(keyValueLeaks(leaky.synth().directory)).toEqual([expect.stringMatching(/sets Value$/)]);
  });
});
