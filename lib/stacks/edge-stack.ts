import { Annotations, CfnOutput, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ValidCatalogue } from '../catalogue/validate-catalogue';
import { apiClientSecretName, EdgeConfig, keyRequiredRoutes, machineClientSecretName, ProfileName, userGroupsOf } from '../config';
import { apiClientOutputs, EDGE_OUTPUTS } from './edge-outputs';
import { ApiClients } from '../constructs/api-clients';
import { ApiDomain } from '../constructs/api-domain';
import { ApiFirewall } from '../constructs/api-firewall';
import { ApiMonitoring } from '../constructs/api-monitoring';
import { ILogDestinations } from '../constructs/central-logging';
import { executionLogGroupName, PlatformApi, RequestSchemas } from '../constructs/platform-api';
import { PlatformIdentity } from '../constructs/platform-identity';
import { PrivateIngress } from '../constructs/private-ingress';
import { UserPoolSigningKeys } from '../constructs/user-pool-signing-keys';
import { PlatformSecret } from '../constructs/platform-secret';

export interface EdgeStackProps extends StackProps {
  readonly edge: EdgeConfig;
  readonly catalogue: ValidCatalogue;
  readonly vpc: ec2.IVpc;
  /** Where the private ingress load balancer lives (SecureVpc.workloadSubnets). */
  readonly workloadSubnets: ec2.SubnetSelection;
  readonly logDestinations: ILogDestinations;
  /** JSON schema of each body schema name the catalogue's public routes use (the services' own schemas). */
  readonly requestSchemas: RequestSchemas;
  /** Keep the user pool and the load balancer's log bucket when the stack is deleted. */
  readonly retainData: boolean;
  /** The ingress load balancer refuses deletion (the stack deletes it rather than keep it: turn this off before destroying). */
  readonly deletionProtection: boolean;
  /** Names the app client secrets in Secrets Manager (`machineClientSecretName`, `apiClientSecretName`). */
  readonly profile: ProfileName;
  /** Encrypts the app client secrets (the platform data key). */
  readonly secretsKey: kms.IKey;
}

/**
 * Identity and the API edge: Cognito (user pool, resource servers, clients, identity pool), the REST API behind a
 * WAF WebACL, client developers' app clients, API keys and usage plans, the private path into the cluster (VPC link,
 * internal NLB with a public certificate, target group for the ingress pods), the API's domain (`api.<domain>`,
 * optionally with mutual TLS), and alarms and dashboard widgets in central logging.
 */
export class EdgeStack extends Stack {
  readonly identity: PlatformIdentity;
  /** The machine client's secret in Secrets Manager, never in an output. */
  readonly machineClientSecret: PlatformSecret;
  /** Each client developer's app client secret in Secrets Manager, by client name. */
  readonly apiClientSecrets: ReadonlyMap<string, PlatformSecret>;
  readonly api: PlatformApi;
  /** The configured client developers' app clients, API keys and usage plans. */
  readonly apiClients: ApiClients;
  readonly firewall: ApiFirewall;
  readonly ingress: PrivateIngress;
  /** Bound to the ingress pods by the charts' TargetGroupBinding. */
  readonly ingressTargetGroup: elbv2.NetworkTargetGroup;
  /** The API's public domain (`api.<domain>`) and the certificates of the request path, when a domain is configured. */
  readonly domain?: ApiDomain;
  /** The stage's execution log group, encrypted with the logs key and with the platform retention. */
  readonly executionLogGroup: logs.LogGroup;
  /** The user pool's signing keys, read at deploy time: the workloads verify tokens against them with no path to Cognito. */
  readonly signingKeys: UserPoolSigningKeys;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { edge, logDestinations } = props;
    // Names are literals derived from the stack name, so the central dashboard needs no reference to this stack.
    const name = this.stackName;
    const apiName = `${name}-api`;

    this.identity = new PlatformIdentity(this, 'Identity', {
      catalogue: props.catalogue,
      domainPrefix: `${name}-${this.account}`,
      mfa: edge.mfa,
      threatProtection: edge.threatProtection,
      retain: props.retainData,
      groups: userGroupsOf(edge, props.catalogue),
      identityProviders: edge.identityProviders,
      tokenTriggerLogGroup: logDestinations.createLogGroup('TokenTriggerLogs'),
    });
    this.signingKeys = new UserPoolSigningKeys(this, 'SigningKeys', {
      userPool: this.identity.userPool,
      logGroup: logDestinations.createLogGroup('UserPoolSigningKeys'),
    });
    // Each client secret as CloudFormation's ClientSecret attribute of its app client, resolved at deploy time into
    // the secret: no custom resource or Lambda handles it, and neither the template nor an output holds it.
    const secrets = new Construct(this, 'Secrets');
    const clientSecret = (id: string, client: cognito.UserPoolClient, secretName: string, description: string) =>
      new PlatformSecret(secrets, id, {
        secretName,
        encryptionKey: props.secretsKey,
        description: `${description}; rotated by the incident toolkit (rotate-client)`,
        value: SecretValue.resourceAttribute((client.node.defaultChild as cognito.CfnUserPoolClient).attrClientSecret),
        retain: props.retainData,
      });
    this.machineClientSecret = clientSecret(
      'MachineClient',
      this.identity.machineClient,
      machineClientSecretName(props.profile),
      'Client secret of the platform machine client (client credentials)',
    );

    // The zone and certificates first: the load balancer's TLS listener presents the ingress name's certificate.
    this.domain = edge.domain && new ApiDomain(this, 'Domain', edge.domain);
    this.ingress = new PrivateIngress(this, 'Ingress', {
      vpc: props.vpc,
      subnets: props.workloadSubnets,
      certificate: this.domain?.ingressCertificate,
      retain: props.retainData,
      deletionProtection: props.deletionProtection,
    });
    this.ingressTargetGroup = this.ingress.targetGroup;
    if (!this.ingress.tls) {
      Annotations.of(this.ingress).addWarningV2(
        '@platform/edge:plaintextIngress',
        'no edge.domain: API Gateway reaches the ingress over plain HTTP inside the VPC link (dev fallback), because it ' +
          'verifies backend certificates against public CAs; set -c domainName=<zone> -c hostedZoneId=<id> for TLS on every hop',
      );
    }

    const accessLogGroup = logDestinations.createLogGroup('ApiAccessLogs');
    this.api = new PlatformApi(this, 'Api', {
      catalogue: props.catalogue,
      userPool: this.identity.userPool,
      restApiName: apiName,
      throttle: edge.throttle,
      methodThrottles: edge.methodThrottles,
      keyRequiredRoutes: [...keyRequiredRoutes(props.catalogue, edge.clients ?? []).keys()],
      requestSchemas: props.requestSchemas,
      accessLogGroup,
      vpcLink: this.ingress.vpcLink,
      integrationBaseUri: this.ingress.integrationBaseUri,
      // With a domain, api.<domain> is the one way in (and the only one that can require client certificates).
      disableExecuteApiEndpoint: this.domain !== undefined,
      accountLogRole: edge.manageApiGatewayAccountRole,
    });
    // Its name needs the API id, so it lives in this stack (the logging stack would form a cycle); the stage waits
    // for it, or API Gateway's first execution log creates it unencrypted and never expiring.
    this.executionLogGroup = logDestinations.createLogGroup('ApiExecutionLogs', {
      logGroupName: executionLogGroupName(this.api.api.restApiId, this.api.stageName),
      scope: this,
    });
    this.api.stage.node.addDependency(this.executionLogGroup);
    this.apiClients = new ApiClients(this, 'Clients', {
      clients: edge.clients ?? [],
      api: this.api.api,
      stage: this.api.stage,
      identity: this.identity,
      namePrefix: apiName,
    });
    this.apiClientSecrets = new Map(
      [...this.apiClients.clients].map(([name, client]) => [
        name,
        clientSecret(name, client.appClient, apiClientSecretName(props.profile, name), `Client secret of the ${name} app client`),
      ]),
    );

    this.firewall = new ApiFirewall(this, 'Firewall', {
      ...edge.waf,
      name: apiName,
      logGroup: logDestinations.createLogGroup('WafLogs', { logGroupName: `aws-waf-logs-${name}` }),
    });
    this.firewall.associate('StageAssociation', this.api.stage.stageArn);

    this.domain?.mapApi(this.api.api, this.api.stage);

    new ApiMonitoring(this, 'Monitoring', {
      restApiName: apiName,
      stageName: this.api.stageName,
      firewall: this.firewall,
      accessLogGroup,
      alarmTopic: logDestinations.alarmTopic,
      dashboard: logDestinations.dashboard,
    });

    // What `npm run smoke` and operators read after a deploy.
    new CfnOutput(this, EDGE_OUTPUTS.apiUrl, { value: this.domain ? this.domain.url : this.api.api.urlForPath('/') });
    new CfnOutput(this, EDGE_OUTPUTS.tokenUrl, { value: `${this.identity.domain.baseUrl()}/oauth2/token` });
    new CfnOutput(this, EDGE_OUTPUTS.userPoolId, { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, EDGE_OUTPUTS.machineClientId, { value: this.identity.machineClient.userPoolClientId });
    // Identifiers only: the key value and the app client secret are read with the CLI by whoever may hand them out.
    for (const [client, { apiKey, appClient }] of this.apiClients.clients) {
      const outputs = apiClientOutputs(client);
      new CfnOutput(this, outputs.keyId, {
        value: apiKey.keyId,
        description: `API key id of client ${client}: aws apigateway get-api-key --api-key <id> --include-value --query value --output text`,
      });
      new CfnOutput(this, outputs.appClientId, {
        value: appClient.userPoolClientId,
        description: `Cognito app client id of client ${client}`,
      });
    }
  }
}
