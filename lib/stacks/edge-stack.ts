import { Annotations, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { validateServiceCatalogue } from '../catalogue/validate-catalogue';
import { EdgeConfig } from '../config';
import { ApiFirewall } from '../constructs/api-firewall';
import { ApiMonitoring } from '../constructs/api-monitoring';
import { ILogDestinations } from '../constructs/central-logging';
import { executionLogGroupName, PlatformApi, RequestSchemas } from '../constructs/platform-api';
import { PlatformIdentity } from '../constructs/platform-identity';
import { PrivateIngress } from '../constructs/private-ingress';

export interface EdgeStackProps extends StackProps {
  readonly edge: EdgeConfig;
  readonly catalogue: ServiceCatalogue;
  readonly vpc: ec2.IVpc;
  /** Where the private ingress load balancer lives (SecureVpc.workloadSubnets). */
  readonly workloadSubnets: ec2.SubnetSelection;
  readonly logDestinations: ILogDestinations;
  /** JSON schema of each body schema name the catalogue's public routes use (the services' own schemas). */
  readonly requestSchemas: RequestSchemas;
  /** Keep the user pool and the load balancer (deletion protection) when the stack is deleted. */
  readonly retainData: boolean;
}

/**
 * Identity and the API edge: Cognito (user pool, resource servers, clients, identity pool), the REST API behind a
 * WAF WebACL, the private path into the cluster (VPC link, internal NLB, target group for the ingress pods), an
 * optional custom domain with mutual TLS, and alarms and dashboard widgets in central logging.
 */
export class EdgeStack extends Stack {
  readonly identity: PlatformIdentity;
  readonly api: PlatformApi;
  readonly firewall: ApiFirewall;
  readonly ingress: PrivateIngress;
  /** Bound to the ingress pods by the charts' TargetGroupBinding. */
  readonly ingressTargetGroup: elbv2.NetworkTargetGroup;
  readonly domain?: apigateway.DomainName;
  /** The stage's execution log group, encrypted with the logs key and with the platform retention. */
  readonly executionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    // Scopes become resource-server scopes and method scopes: a bad one must stop synth here, not at deploy.
    validateServiceCatalogue(props.catalogue);
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
    });

    this.ingress = new PrivateIngress(this, 'Ingress', {
      vpc: props.vpc,
      subnets: props.workloadSubnets,
      ingressHostname: edge.ingressHostname,
      deletionProtection: props.retainData,
    });
    this.ingressTargetGroup = this.ingress.targetGroup;
    if (edge.ingressCertificateIssuer === undefined) {
      Annotations.of(this.ingress).addWarningV2('@platform/edge:ingressCertificatePrivate',
        'no edge.ingressCertificateIssuer: the ingress certificate comes from the in-cluster platform-ca, which API Gateway '
        + 'does not trust (it verifies against public CAs), so requests fail (502) until a publicly trusted issuer is set');
    }

    const accessLogGroup = logDestinations.createLogGroup('ApiAccessLogs');
    this.api = new PlatformApi(this, 'Api', {
      catalogue: props.catalogue,
      userPool: this.identity.userPool,
      restApiName: apiName,
      throttle: edge.throttle,
      methodThrottles: edge.methodThrottles,
      requestSchemas: props.requestSchemas,
      accessLogGroup,
      vpcLink: this.ingress.vpcLink,
      integrationBaseUri: this.ingress.integrationBaseUri,
      disableExecuteApiEndpoint: edge.customDomain !== undefined,
    });
    // Its name needs the API id, so it lives in this stack (the logging stack would form a cycle); the stage waits
    // for it, or API Gateway's first execution log creates it unencrypted and never expiring.
    this.executionLogGroup = logDestinations.createLogGroup('ApiExecutionLogs', {
      logGroupName: executionLogGroupName(this.api.api.restApiId, this.api.stageName),
      scope: this,
    });
    this.api.stage.node.addDependency(this.executionLogGroup);

    this.firewall = new ApiFirewall(this, 'Firewall', {
      ...edge.waf,
      name: apiName,
      logGroup: logDestinations.createLogGroup('WafLogs', { logGroupName: `aws-waf-logs-${name}` }),
    });
    this.firewall.associate('StageAssociation', this.api.stage.stageArn);

    if (edge.customDomain) {
      const { domainName, certificateArn, truststoreBucketName, truststoreKey, truststoreVersion } = edge.customDomain;
      this.domain = new apigateway.DomainName(this, 'Domain', {
        domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'DomainCertificate', certificateArn),
        endpointType: apigateway.EndpointType.REGIONAL,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
        mtls: {
          bucket: s3.Bucket.fromBucketName(this, 'Truststore', truststoreBucketName),
          key: truststoreKey,
          version: truststoreVersion,
        },
      });
      this.domain.addBasePathMapping(this.api.api, { stage: this.api.stage });
    }

    new ApiMonitoring(this, 'Monitoring', {
      restApiName: apiName,
      stageName: this.api.stageName,
      firewall: this.firewall,
      accessLogGroup,
      alarmTopic: logDestinations.alarmTopic,
      dashboard: logDestinations.dashboard,
    });
  }
}
