import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { routeKey, SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { PlatformApi, PlatformApiProps } from '../../lib/constructs/platform-api';
import { testApp } from '../support/platform-fixture';
import { REQUEST_BODY_SCHEMAS } from '../../lib/catalogue/body-schemas';
import { apiMethods as methods, buildEdge } from './edge-fixture';

let template: Template;
beforeAll(() => {
  template = Template.fromStack(buildEdge().edge);
});

const publicRoutes = SERVICE_CATALOGUE.services.flatMap((s) => s.routes).filter((r) => r.public);

describe('every method is authorized with exactly its catalogue scope', () => {
  test('one method per public route, none open', () => {
    const found = methods(template);
    expect(found.map((m) => `${m.HttpMethod} ${m.path}`).sort()).toEqual(publicRoutes.map(routeKey).sort());
    for (const method of found) {
      expect(method.AuthorizationType).toBe('COGNITO_USER_POOLS');
      expect(method.AuthorizerId).toEqual({ Ref: expect.stringMatching(/Authorizer/) });
    }
  });

  test.each(publicRoutes.map((r) => [routeKey(r), r.scope]))('%s requires %s', (key, scope) => {
    const method = methods(template).find((m) => `${m.HttpMethod} ${m.path}` === key)!;
    expect(method.AuthorizationScopes).toEqual([scope]);
  });

  test('the authorizer trusts the platform user pool', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('Identity'), 'Arn'] }],
    });
  });
});

describe('request validation', () => {
  test('a validator checks bodies and parameters on every method', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    for (const method of methods(template)) expect(method.RequestValidatorId).toBeDefined();
  });

  test("bodies are validated against the services' own schemas, as draft-04 models", () => {
    for (const [name, schema] of Object.entries(REQUEST_BODY_SCHEMAS)) {
      template.hasResourceProperties('AWS::ApiGateway::Model', {
        Name: name,
        ContentType: 'application/json',
        Schema: { $schema: 'http://json-schema.org/draft-04/schema#', ...schema },
      });
    }
    for (const route of publicRoutes.filter((r) => r.bodySchema)) {
      const method = methods(template).find((m) => `${m.HttpMethod} ${m.path}` === routeKey(route))!;
      expect(method.RequestModels).toEqual({ 'application/json': { Ref: expect.stringMatching(new RegExp(`${route.bodySchema}Model`)) } });
    }
  });

  test('path parameters are required and forwarded', () => {
    const get = methods(template).find((m) => m.HttpMethod === 'GET' && m.path === '/orders/{orderId}')!;
    expect(get.RequestParameters).toEqual({ 'method.request.path.orderId': true });
    expect(get.Integration.RequestParameters).toEqual({ 'integration.request.path.orderId': 'method.request.path.orderId' });
  });
});

describe('stage', () => {
  const stage = () => Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;

  test('stage throttling from config, and tighter per-method throttling from config', () => {
    expect(stage().MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1orders', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
      ]),
    );
  });

  test('execution logging on errors without data tracing; metrics on; no cache', () => {
    expect(stage().MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        }),
      ]),
    );
    expect(stage().CacheClusterEnabled).toBe(false);
    for (const setting of stage().MethodSettings) expect(setting.CachingEnabled).toBeFalsy();
  });

  test('X-Ray tracing on', () => {
    expect(stage().TracingEnabled).toBe(true);
  });

  test('JSON access logs to the KMS-encrypted central log group, without tokens', () => {
    const { DestinationArn, Format } = stage().AccessLogSetting;
    expect(JSON.stringify(DestinationArn)).toMatch(/ApiAccessLogs/);
    const fields = JSON.parse(Format);
    expect(fields).toMatchObject({
      status: '$context.status',
      clientId: '$context.authorizer.claims.client_id',
      wafStatus: '$context.wafResponseCode',
      apiKeyId: '$context.identity.apiKeyId', // the key's id: its value ($context.identity.apiKey) never goes to logs
    });
    expect(Format).not.toContain('$context.identity.apiKey"');
    expect(Format).not.toMatch(/authorization|\$input/i);
  });

  test('execution logs go to a log group created before the stage, named for API and stage, with the logs key and retention', () => {
    const stages = template.findResources('AWS::ApiGateway::Stage');
    const [stageId] = Object.keys(stages);
    const [restApiId] = Object.keys(template.findResources('AWS::ApiGateway::RestApi'));
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([, g]) =>
      JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    );
    expect(groups).toHaveLength(1);
    const [groupId, group] = groups[0];
    expect(group.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId }, '/v1']] });
    // The logs key of the logging stack, as a cross-stack reference.
    expect(group.Properties.KmsKeyId).toEqual({
      'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/Key/) }),
    });
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(group.DeletionPolicy).toBe('Delete'); // dev: retainData false
    expect(stages[stageId].DependsOn).toContain(groupId);
  });

  test('API Gateway presents a client certificate to the backend', () => {
    expect(stage().ClientCertificateId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/BackendClientCertificate/), 'ClientCertificateId'],
    });
  });

  test('without configured clients no method requires an API key, and there are no keys or usage plans', () => {
    for (const method of methods(template)) expect(method.ApiKeyRequired).toBe(false);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
  });

  test('regional endpoint; the execute-api endpoint stays on without a custom domain', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      DisableExecuteApiEndpoint: false,
    });
  });
});

describe('bad input fails early with the fix', () => {
  function api(overrides: Partial<PlatformApiProps>) {
    const stack = new Stack(testApp(), 'Api');
    const props: PlatformApiProps = {
      catalogue: SERVICE_CATALOGUE,
      userPool: new cognito.UserPool(stack, 'Pool'),
      restApiName: 'api',
      throttle: { rateLimit: 10, burstLimit: 20 },
      requestSchemas: REQUEST_BODY_SCHEMAS,
      accessLogGroup: new logs.LogGroup(stack, 'Logs'),
      vpcLink: apigateway.VpcLink.fromVpcLinkId(stack, 'Link', 'abc123'),
      integrationBaseUri: 'https://ingress.example.com',
      ...overrides,
    };
    return () => new PlatformApi(stack, 'Api', props);
  }

  test('a method throttle for a route that does not exist', () => {
    expect(api({ methodThrottles: { 'PATCH /orders': { rateLimit: 1, burstLimit: 1 } } })).toThrow(
      'method throttle "PATCH /orders" names no public route; use one of: GET /orders/{orderId}, POST /orders',
    );
  });

  test('a key-required route that does not exist', () => {
    expect(api({ keyRequiredRoutes: ['GET /orders'] })).toThrow(
      'key-required route "GET /orders" names no public route; use one of: GET /orders/{orderId}, POST /orders',
    );
  });

  test('a route body schema without a JSON schema', () => {
    expect(api({ requestSchemas: {} })).toThrow('no request schema for body schema CreateOrder, SetStock');
  });
});
