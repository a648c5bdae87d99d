import { MtlsMode } from '../../lib/catalogue/service-contract';
import { CONTROLS, ControlEvidence } from '../../lib/compliance/controls';
import { imagesFromPlatformRepositories } from '../../lib/compliance/controls/supply-chain';
import { sharedControlEvidence } from '../support/control-evidence';
import { SUPPORTED_CONFIGURATIONS, testConfig } from '../support/platform-fixture';
import { EvidenceDraft } from './support/evidence-draft';

/**
 * Every control's evidence, compliant and non-compliant: it holds in every supported configuration (in prod some
 * controls are stricter), and it fails once a change removes what the control checks. Each change below is
 * what someone removing the control would plausibly do, aimed at that control: it fails that control and no other. A
 * control without a change here fails the suite, so a new control comes with its failing case.
 */
interface ChangeScope {
  /** The mTLS mode whose objects the change edits. @default - both modes */
  readonly onlyIn?: MtlsMode;
  /** Controls that rest on the same object and so fail too (named, so nothing else may). @default - none */
  readonly alsoFails?: readonly string[];
}
type Change = readonly [controlId: string, change: string, apply: (draft: EvidenceDraft) => void, scope?: ChangeScope];

const text = (value: unknown) => JSON.stringify(value) ?? '';
/** The same JSON value with one piece of its text replaced (for manifests and ARNs held as strings or intrinsics). */
const replaced = <T>(value: T, from: string, to: string): T => JSON.parse(text(value).split(from).join(to));
const trustsPods = (p: Record<string, any>) => text(p.AssumeRolePolicyDocument).includes('pods.eks.amazonaws.com');
/** The properties of the cluster's Kubernetes resources (CDK custom resources) whose manifest holds an object of the kind. */
const clusterObjects = (d: EvidenceDraft, kind: string) =>
  d.properties('Custom::AWSCDK-EKS-KubernetesResource', (p) => String(p.Manifest).includes(`"kind":"${kind}"`));
/** The same, for manifests that hold deploy-time values (a `Fn::Join`), where the object's JSON is escaped text. */
const clusterObjectsWithTokens = (d: EvidenceDraft, kind: string) =>
  d.properties('Custom::AWSCDK-EKS-KubernetesResource', (p) => text(p.Manifest).includes(`\\"kind\\":\\"${kind}\\"`));
/** Replaces a piece of the escaped JSON text of the cluster manifests holding an object of the kind. */
const editClusterObjects = (d: EvidenceDraft, kind: string, from: string, to: string) =>
  clusterObjectsWithTokens(d, kind).forEach((p) => {
    p.Manifest = replaced(p.Manifest, from, to);
  });
const endpointSecurityGroups = (d: EvidenceDraft) =>
  d.properties('AWS::EC2::SecurityGroup', (p) => /^Interface endpoints/.test(p.GroupDescription));
/** A resource policy without its statements conditioned on TLS. */
const withoutTlsConditions = (p: Record<string, any>) => {
  p.PolicyDocument.Statement = p.PolicyDocument.Statement.filter((s: any) => !text(s.Condition).includes('aws:SecureTransport'));
};
/** A resource policy whose TLS statement allows requests over TLS instead of denying the others. */
const tlsAllowedNotEnforced = (p: Record<string, any>) =>
  p.PolicyDocument.Statement.filter((s: any) => text(s.Condition).includes('aws:SecureTransport')).forEach((s: any) =>
    Object.assign(s, { Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
  );

/** A resource policy whose plain-HTTP deny applies to one principal only. */
const denyTlsOnlyFor = (p: Record<string, any>, principal: unknown) =>
  p.PolicyDocument.Statement.filter((s: any) => text(s.Condition).includes('aws:SecureTransport')).forEach((s: any) => {
    s.Principal = principal;
  });

const CHANGES: readonly Change[] = [
  ['RES-3', 'the node pool has no CPU or memory limit', (d) => editClusterObjects(d, 'NodePool', '\\"limits\\":', '\\"unbounded\\":')],
  [
    'RES-3',
    'a workload scales down as soon as load dips',
    (d) =>
      d.objects('HorizontalPodAutoscaler').forEach((hpa) => {
        hpa.spec.behavior.scaleDown.stabilizationWindowSeconds = 0;
      }),
  ],
  [
    'RES-3',
    'the Karpenter controller may run on a node it manages',
    (d) =>
      d
        .properties('Custom::AWSCDK-EKS-HelmChart', (p) => p.Chart === 'karpenter')
        .forEach((p) => {
          p.Values = replaced(p.Values, 'DoesNotExist', 'Exists');
        }),
  ],
  ['RES-4', 'the interruption queue accepts plain HTTP', (d) => d.properties('AWS::SQS::QueuePolicy').forEach(withoutTlsConditions)],
  [
    'RES-4',
    "any account's EventBridge may send to the interruption queue",
    (d) =>
      d
        .properties('AWS::SQS::QueuePolicy')
        .forEach((p) => p.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow').forEach((s: any) => delete s.Condition)),
  ],
  [
    'RES-4',
    'no rule sends Spot interruption warnings',
    (d) => d.removeResources('AWS::Events::Rule', (p) => text(p.EventPattern).includes('Spot Instance Interruption')),
  ],
  [
    'CL-8',
    'the node class lets pods reach instance metadata (hop limit 2)',
    (d) => editClusterObjects(d, 'EC2NodeClass', '\\"httpPutResponseHopLimit\\":1', '\\"httpPutResponseHopLimit\\":2'),
  ],
  [
    'CL-8',
    'the node class launches with public IP addresses',
    (d) => editClusterObjects(d, 'EC2NodeClass', '\\"associatePublicIPAddress\\":false', '\\"associatePublicIPAddress\\":true'),
  ],
  [
    'IDN-9',
    'Karpenter may pass any role of the account (a joined ARN ending in role/*)',
    (d) =>
      d
        .properties('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('iam:PassRole'))
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((statement: any) => statement.Action === 'iam:PassRole')
        .forEach((statement: any) => {
          statement.Resource = { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':role/*']] };
        }),
  ],
  [
    'IDN-9',
    'Karpenter may pass any role',
    (d) =>
      d
        .properties('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('iam:PassRole'))
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((statement: any) => statement.Action === 'iam:PassRole')
        .forEach((statement: any) => {
          statement.Resource = '*';
        }),
  ],
  [
    'NET-1',
    'flow logs record rejected traffic only',
    (d) =>
      d.properties('AWS::EC2::FlowLog').forEach((p) => {
        p.TrafficType = 'REJECT';
      }),
  ],
  [
    'NET-2',
    'a subnet assigns public IPs on launch',
    (d) => {
      d.properties('AWS::EC2::Subnet')[0].MapPublicIpOnLaunch = true;
    },
  ],
  [
    'NET-3',
    'the default security group keeps its rules (no restricting custom resource)',
    (d) => d.removeResources('Custom::VpcRestrictDefaultSG'),
  ],
  [
    'NET-4',
    'the endpoint security group admits every TCP port',
    (d) =>
      endpointSecurityGroups(d).forEach((p) =>
        p.SecurityGroupIngress.forEach((rule: any) => Object.assign(rule, { FromPort: 0, ToPort: 65535 })),
      ),
  ],
  [
    'NET-4',
    'the endpoint security group admits HTTPS from anywhere',
    (d) =>
      endpointSecurityGroups(d).forEach((p) =>
        p.SecurityGroupIngress.forEach((rule: any) => {
          rule.CidrIp = '0.0.0.0/0';
        }),
      ),
  ],
  [
    'NET-4',
    'the endpoint security group admits every protocol on 443',
    (d) =>
      endpointSecurityGroups(d).forEach((p) =>
        p.SecurityGroupIngress.forEach((rule: any) => {
          rule.IpProtocol = '-1';
        }),
      ),
  ],
  [
    'NET-4',
    'an endpoint uses another, open security group',
    (d) => {
      d.properties('AWS::EC2::VPCEndpoint', (p) => p.VpcEndpointType === 'Interface')[0].SecurityGroupIds = [
        { 'Fn::GetAtt': ['OpenGroup', 'GroupId'] },
      ];
    },
  ],
  [
    'NET-4',
    'an interface endpoint resolves the public API name (no private DNS)',
    (d) => {
      d.properties('AWS::EC2::VPCEndpoint', (p) => p.VpcEndpointType === 'Interface')[0].PrivateDnsEnabled = false;
    },
  ],
  [
    'NET-5',
    'mesh mTLS is PERMISSIVE',
    (d) =>
      clusterObjects(d, 'PeerAuthentication').forEach((p) => {
        p.Manifest = p.Manifest.replace('"mode":"STRICT"', '"mode":"PERMISSIVE"');
      }),
    { onlyIn: 'istio-ambient' },
  ],
  [
    'NET-5',
    'a service runs without its workload certificate',
    (d) => d.removeObjects('Certificate', (c) => text(c.spec.uris).includes('/sa/orders')),
    { onlyIn: 'native', alsoFails: ['WL-4'] },
  ], // the certificate is also its caller identity
  [
    'NET-6',
    'the entry-point admission policy only warns',
    (d) =>
      clusterObjects(d, 'ValidatingAdmissionPolicy').forEach((p) => {
        p.Manifest = p.Manifest.replace('"validationActions":["Deny"]', '"validationActions":["Warn"]');
      }),
  ],
  [
    'NET-6',
    'a subnet is tagged for internal load balancers',
    (d) => {
      const subnet = d.properties('AWS::EC2::Subnet')[0];
      subnet.Tags = [...(subnet.Tags ?? []), { Key: 'kubernetes.io/role/internal-elb', Value: '1' }];
    },
  ],
  [
    'NET-6',
    'the load balancer controller may register targets in any target group',
    (d) =>
      d
        .properties('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('elasticloadbalancing:RegisterTargets'))
        .forEach((p) =>
          p.PolicyDocument.Statement.forEach((s: any) => {
            s.Resource = '*';
          }),
        ),
  ],
  [
    'NET-6',
    "the load balancer controller's role holds ElasticLoadBalancingFullAccess",
    (d) =>
      d
        .properties('AWS::IAM::Role', (p) => trustsPods(p) && String(p.Description).includes('aws-load-balancer-controller'))
        .forEach((p) => {
          p.ManagedPolicyArns = [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ElasticLoadBalancingFullAccess']] },
          ];
        }),
  ],

  [
    'IDN-1',
    'users may sign themselves up',
    (d) =>
      d.properties('AWS::Cognito::UserPool').forEach((p) => {
        p.AdminCreateUserConfig.AllowAdminCreateUserOnly = false;
      }),
  ],
  [
    'IDN-1',
    'passwords need only 8 characters',
    (d) =>
      d.properties('AWS::Cognito::UserPool').forEach((p) => {
        p.Policies.PasswordPolicy.MinimumLength = 8;
      }),
  ],
  [
    'IDN-2',
    'the user client allows the implicit flow',
    (d) =>
      d
        .properties('AWS::Cognito::UserPoolClient', (p) => p.AllowedOAuthFlows?.includes('code'))
        .forEach((p) => p.AllowedOAuthFlows.push('implicit')),
  ],
  [
    'IDN-3',
    'the identity pool admits guests',
    (d) =>
      d.properties('AWS::Cognito::IdentityPool').forEach((p) => {
        p.AllowUnauthenticatedIdentities = true;
      }),
  ],
  [
    'IDN-4',
    'service roles trust Pod Identity from any cluster (no source ARN)',
    (d) =>
      d.properties('AWS::IAM::Role', trustsPods).forEach((p) =>
        p.AssumeRolePolicyDocument.Statement.forEach((s: any) => {
          delete s.Condition?.ArnEquals;
        }),
      ),
  ],
  [
    'IDN-5',
    'services accept tokens living a day',
    (d) =>
      d.containers().forEach((c) =>
        c.env
          .filter((e: any) => e.name === 'COGNITO_MAX_TOKEN_LIFETIME_SECONDS')
          .forEach((e: any) => {
            e.value = '86400';
          }),
      ),
  ],
  [
    'IDN-6',
    'the machine client is granted the orders admin scope',
    (d) =>
      d
        .properties('AWS::Cognito::UserPoolClient', (p) => p.AllowedOAuthFlows?.includes('client_credentials'))
        .forEach((p) =>
          p.AllowedOAuthScopes.push(
            replaced(
              p.AllowedOAuthScopes.find((s: unknown) => text(s).includes('/read"')),
              '/read"',
              '/admin"',
            ),
          ),
        ),
  ],

  [
    'IDN-7',
    'the user client is granted the API scopes again (every signed-in user gets them)',
    (d) => {
      const [machine] = d.properties('AWS::Cognito::UserPoolClient', (p) => p.AllowedOAuthFlows?.includes('client_credentials'));
      const read = machine.AllowedOAuthScopes.filter((s: unknown) => text(s).includes('/read"'));
      d.properties('AWS::Cognito::UserPoolClient', (p) => p.AllowedOAuthFlows?.includes('code')).forEach((p) =>
        p.AllowedOAuthScopes.push(...read),
      );
    },
  ],
  [
    'IDN-7',
    'the pool has no token trigger (scopes no longer follow groups)',
    (d) =>
      d.properties('AWS::Cognito::UserPool').forEach((p) => {
        delete p.LambdaConfig.PreTokenGenerationConfig;
      }),
  ],
  [
    'IDN-7',
    'the trigger gets V1_0 events, which cannot change access tokens',
    (d) =>
      d.properties('AWS::Cognito::UserPool').forEach((p) => {
        p.LambdaConfig.PreTokenGenerationConfig.LambdaVersion = 'V1_0';
      }),
  ],
  [
    'IDN-7',
    'the pool is on the Lite plan (no access-token customization)',
    (d) =>
      d.properties('AWS::Cognito::UserPool').forEach((p) => {
        p.UserPoolTier = 'LITE';
      }),
  ],
  [
    'IDN-8',
    'a machine client offers a company identity provider',
    (d) =>
      d
        .properties('AWS::Cognito::UserPoolClient', (p) => p.AllowedOAuthFlows?.includes('client_credentials'))
        .forEach((p) => p.SupportedIdentityProviders.push('entra')),
  ],
  [
    'IDN-8',
    'the user client allows aws.cognito.signin.user.admin (users could rewrite their mapped provider groups)',
    (d) =>
      d
        .properties('AWS::Cognito::UserPoolClient', (p) => p.AllowedOAuthFlows?.includes('code'))
        .forEach((p) => p.AllowedOAuthScopes.push('aws.cognito.signin.user.admin')),
  ],
  [
    'IDN-8',
    'the user client offers a provider the pool does not define',
    (d) =>
      d
        .properties('AWS::Cognito::UserPoolClient', (p) => p.AllowedOAuthFlows?.includes('code'))
        .forEach((p) => p.SupportedIdentityProviders.push('entra')),
  ],

  [
    'CL-1',
    'the API endpoint is public',
    (d) =>
      d.properties('AWS::EKS::Cluster').forEach((p) => {
        p.ResourcesVpcConfig.EndpointPublicAccess = true;
      }),
  ],
  [
    'CL-2',
    'secrets are not envelope-encrypted',
    (d) =>
      d.properties('AWS::EKS::Cluster').forEach((p) => {
        delete p.EncryptionConfig;
      }),
  ],
  [
    'CL-3',
    'the audit log is off',
    (d) =>
      d.properties('AWS::EKS::Cluster').forEach((p) => {
        p.Logging.ClusterLogging.EnabledTypes = p.Logging.ClusterLogging.EnabledTypes.filter((t: any) => t.Type !== 'audit');
      }),
  ],
  [
    'CL-4',
    'the aws-auth ConfigMap authenticates too',
    (d) =>
      d.properties('AWS::EKS::Cluster').forEach((p) => {
        p.AccessConfig.AuthenticationMode = 'API_AND_CONFIG_MAP';
      }),
  ],
  [
    'CL-9',
    "a team's access policy applies cluster-wide",
    (d) =>
      d
        .properties('AWS::EKS::AccessEntry', (p) => (p.KubernetesGroups ?? []).length > 0)
        .forEach((p) => {
          p.AccessPolicies[0].AccessScope = { Type: 'cluster' };
        }),
  ],
  [
    'CL-9',
    "a team's group is bound to edit cluster-wide",
    (d) => {
      const [group] = d.properties('AWS::EKS::AccessEntry', (p) => (p.KubernetesGroups ?? []).length > 0)[0].KubernetesGroups;
      const binding = {
        kind: 'ClusterRoleBinding',
        metadata: { name: 'team' },
        roleRef: { kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'Group', name: group }],
      };
      d.properties('Custom::AWSCDK-EKS-KubernetesResource', (p) => String(p.Manifest).includes('"kind":"RoleBinding"'))[0].Manifest =
        JSON.stringify([binding]);
    },
  ],
  [
    'DATA-7',
    'a secret falls back to the AWS-managed key',
    (d) =>
      d.properties('AWS::SecretsManager::Secret').forEach((p) => {
        delete p.KmsKeyId;
      }),
  ],
  [
    'DATA-7',
    'a service role reads every secret',
    (d) =>
      d
        .properties('AWS::IAM::ManagedPolicy', (p) => text(p).includes('secretsmanager:GetSecretValue'))
        .forEach((p) => {
          p.PolicyDocument.Statement.filter((s: any) => text(s.Action).includes('secretsmanager:GetSecretValue')).forEach((s: any) => {
            s.Resource = '*';
          });
        }),
    // A wildcard resource in a service role is what DATA-5 forbids too.
    { alsoFails: ['DATA-5'] },
  ],
  [
    'DATA-7',
    "the machine client's secret is published as a stack output",
    (d) => {
      const [secret] = d.properties('AWS::SecretsManager::Secret', (p) => text(p.SecretString).includes('ClientSecret'));
      const edge = d.template('Edge');
      edge.Outputs = { ...edge.Outputs, MachineClientSecret: { Value: secret.SecretString } };
    },
  ],
  [
    'DATA-7',
    'a generated service secret loses its rotation schedule',
    (d) => {
      const data = d.template('Data');
      for (const [id, resource] of Object.entries<any>(data.Resources)) {
        if (resource.Type === 'AWS::SecretsManager::RotationSchedule') delete data.Resources[id];
      }
    },
  ],
  [
    'CL-5',
    'pods reach the instance metadata service (hop limit 2)',
    (d) =>
      d.properties('AWS::EC2::LaunchTemplate').forEach((p) => {
        p.LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit = 2;
      }),
  ],
  [
    'CL-5',
    "the launch template drops its block devices (the AMI's volumes, not encrypted with the platform key)",
    (d) =>
      d.properties('AWS::EC2::LaunchTemplate').forEach((p) => {
        delete p.LaunchTemplateData.BlockDeviceMappings;
      }),
  ],
  [
    'CL-6',
    'the VPC CNI runs without network policy enforcement',
    (d) =>
      d
        .properties('AWS::EKS::Addon', (p) => p.AddonName === 'vpc-cni')
        .forEach((p) => {
          delete p.ConfigurationValues;
        }),
  ],
  [
    'CL-7',
    'the node role holds the CNI policy',
    (d) =>
      d
        .properties('AWS::IAM::Role', (p) => text(p.AssumeRolePolicyDocument).includes('ec2.amazonaws.com'))
        .forEach((p) =>
          p.ManagedPolicyArns.push({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonEKS_CNI_Policy']] }),
        ),
  ],
  [
    'CL-7',
    'the node group runs with a role from outside the platform',
    (d) =>
      d.properties('AWS::EKS::Nodegroup').forEach((p) => {
        p.NodeRole = 'arn:aws:iam::111111111111:role/existing-node-role';
      }),
  ],

  [
    'WL-1',
    'workload namespaces enforce only baseline',
    (d) =>
      d
        .objects('Namespace', (n) => n.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== undefined)
        .forEach((n) => {
          n.metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline';
        }),
  ],
  [
    'WL-2',
    'the Deployments lose their security contexts',
    (d) =>
      d.podSpecs().forEach((spec) => {
        delete spec.securityContext;
        spec.containers.forEach((c: any) => {
          delete c.securityContext;
        });
      }),
  ],
  [
    'WL-3',
    'the default-deny NetworkPolicies are dropped',
    (d) => d.removeObjects('NetworkPolicy', (p) => p.metadata.name === 'default-deny'),
  ],
  [
    'WL-3',
    'the quarantine NetworkPolicies are dropped (default-deny skips quarantined pods, nothing would isolate them)',
    (d) => d.removeObjects('NetworkPolicy', (p) => p.metadata.name === 'quarantine'),
  ],
  [
    'WL-4',
    'the mesh authorization policies are dropped (every caller admitted)',
    (d) => d.removeObjects('AuthorizationPolicy'),
    { onlyIn: 'istio-ambient' },
  ],
  [
    'WL-4',
    "an allow-all NetworkPolicy joins the services' namespace",
    (d) =>
      d.addObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-all', namespace: d.objects('Deployment')[0].metadata.namespace! },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
      }),
  ],
  [
    'WL-5',
    'pods automount the API token again',
    (d) =>
      d.podSpecs().forEach((spec) => {
        delete spec.automountServiceAccountToken;
      }),
  ],
  ['WL-6', 'the ResourceQuotas are dropped', (d) => d.removeObjects('ResourceQuota')],
  [
    'WL-7',
    'a container reads a secret from its environment',
    (d) => d.containers()[0].env.push({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }),
  ],

  [
    'RES-2',
    'the disruption budgets keep every replica',
    (d) =>
      d.objects('PodDisruptionBudget').forEach((pdb) => {
        pdb.spec = { selector: pdb.spec.selector, minAvailable: '100%' };
      }),
  ],
  [
    'RES-1',
    'containers stop without the preStop sleep',
    (d) =>
      d.containers().forEach((c) => {
        delete c.lifecycle;
      }),
  ],

  [
    'DATA-1',
    'a key stops rotating',
    (d) => {
      d.properties('AWS::KMS::Key')[0].EnableKeyRotation = false;
    },
  ],
  [
    'DATA-2',
    'the key policies no longer deny grants to non-AWS resources',
    (d) =>
      d.properties('AWS::KMS::Key').forEach((p) => {
        p.KeyPolicy.Statement = p.KeyPolicy.Statement.filter((s: any) => !(s.Effect === 'Deny' && s.Action === 'kms:CreateGrant'));
      }),
  ],
  [
    'DATA-3',
    'point-in-time recovery is off',
    (d) =>
      d.properties('AWS::DynamoDB::Table').forEach((p) => {
        p.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled = false;
      }),
  ],
  [
    'DATA-4',
    'the buckets allow public bucket policies',
    (d) =>
      d.properties('AWS::S3::Bucket').forEach((p) => {
        p.PublicAccessBlockConfiguration.BlockPublicPolicy = false;
      }),
  ],
  ['DATA-4', 'the bucket policies accept plain HTTP', (d) => d.properties('AWS::S3::BucketPolicy').forEach(withoutTlsConditions)],
  [
    'DATA-4',
    'the access-log bucket loses its policy',
    (d) => d.removeResources('AWS::S3::BucketPolicy', (p) => text(p.Bucket).includes('AccessLogs')),
  ],
  [
    'DATA-4',
    'the plain-HTTP deny names one principal instead of everyone',
    (d) => d.properties('AWS::S3::BucketPolicy').forEach((p) => denyTlsOnlyFor(p, { AWS: 'arn:aws:iam::111111111111:root' })),
  ],
  [
    'DATA-4',
    'the bucket policies allow TLS requests instead of denying plain HTTP',
    (d) => d.properties('AWS::S3::BucketPolicy').forEach(tlsAllowedNotEnforced),
  ],
  [
    'DATA-5',
    'a service policy grants on every resource',
    (d) => {
      d.properties('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('dynamodb:'))[0].PolicyDocument.Statement[0].Resource =
        '*';
    },
  ],
  [
    'DATA-5',
    'a service policy adds "*" to a statement\'s resources',
    (d) => {
      const statement = d.properties('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('dynamodb:'))[0].PolicyDocument
        .Statement[0];
      statement.Resource = [statement.Resource, '*'].flat();
    },
  ],
  [
    'DATA-6',
    "signed-in users reach every user's prefix",
    (d) =>
      d
        .properties('AWS::IAM::ManagedPolicy', (p) => text(p.PolicyDocument).includes('cognito-identity.amazonaws.com:sub'))
        .forEach((p) => {
          p.PolicyDocument = replaced(p.PolicyDocument, 'users/${cognito-identity.amazonaws.com:sub}', 'users/*');
        }),
  ],

  ['EDGE-1', 'the WebACL is not associated with the stage', (d) => d.removeResources('AWS::WAFv2::WebACLAssociation')],
  [
    'EDGE-2',
    'a method is open (no authorizer)',
    (d) => {
      const method = d.properties('AWS::ApiGateway::Method', (p) => p.HttpMethod !== 'OPTIONS')[0];
      method.AuthorizationType = 'NONE';
      delete method.AuthorizerId;
    },
  ],
  [
    'EDGE-3',
    'the load balancer is internet-facing',
    (d) =>
      d.properties('AWS::ElasticLoadBalancingV2::LoadBalancer').forEach((p) => {
        p.Scheme = 'internet-facing';
      }),
  ],
  [
    'EDGE-4',
    'the stage writes no access logs',
    (d) =>
      d.properties('AWS::ApiGateway::Stage').forEach((p) => {
        delete p.AccessLogSetting;
      }),
  ],

  [
    'LOG-1',
    'a log group is not encrypted',
    (d) => {
      delete d.properties('AWS::Logs::LogGroup')[0].KmsKeyId;
    },
  ],
  [
    'LOG-2',
    'a log group keeps a month',
    (d) => {
      d.properties('AWS::Logs::LogGroup')[0].RetentionInDays = 30;
    },
  ],
  [
    'LOG-3',
    'the alarm topic is not encrypted',
    (d) =>
      d.properties('AWS::SNS::Topic').forEach((p) => {
        delete p.KmsMasterKeyId;
      }),
  ],
  ['LOG-3', 'the alarm topic accepts plain HTTP publishers', (d) => d.properties('AWS::SNS::TopicPolicy').forEach(withoutTlsConditions)],
  [
    'LOG-3',
    'the plain-HTTP deny covers subscribing, not publishing',
    (d) =>
      d.properties('AWS::SNS::TopicPolicy').forEach((p) =>
        p.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny').forEach((s: any) => {
          s.Action = 'sns:Subscribe';
        }),
      ),
  ],
  [
    'LOG-3',
    'the topic policy allows TLS publishers instead of denying plain HTTP',
    (d) => d.properties('AWS::SNS::TopicPolicy').forEach(tlsAllowedNotEnforced),
  ],
  [
    'DET-1',
    'the alarms notify nobody',
    (d) =>
      d.properties('AWS::CloudWatch::Alarm').forEach((p) => {
        delete p.AlarmActions;
      }),
    { alsoFails: ['DET-6', 'DET-7'] }, // every alarm, the detection stack's too
  ],
  [
    'DET-1',
    'an alarm notifies a topic outside the platform',
    (d) => {
      // One of the API's alarms: the Detection stack has alarms of its own.
      d.properties('AWS::CloudWatch::Alarm', (p) => text(p).includes('AWS/ApiGateway'))[0].AlarmActions = [
        'arn:aws:sns:us-east-1:111111111111:unencrypted-elsewhere',
      ];
    },
  ],
  [
    'DET-2',
    'WAF logs keep the authorization header',
    (d) =>
      d.properties('AWS::WAFv2::LoggingConfiguration').forEach((p) => {
        delete p.RedactedFields;
      }),
  ],

  [
    'DET-3',
    'log-file validation is off',
    (d) =>
      d.properties('AWS::CloudTrail::Trail').forEach((p) => {
        p.EnableLogFileValidation = false;
      }),
  ],
  [
    'DET-3',
    'the trail records one region only',
    (d) =>
      d.properties('AWS::CloudTrail::Trail').forEach((p) => {
        p.IsMultiRegionTrail = false;
      }),
  ],
  [
    'DET-3',
    'any trail may write to the audit bucket (no aws:SourceArn)',
    (d) =>
      d
        .properties('AWS::S3::BucketPolicy', (p) => text(p).includes('cloudtrail.amazonaws.com'))
        .flatMap((p) => p.PolicyDocument.Statement)
        .forEach((s: any) => delete s.Condition?.StringEquals?.['aws:SourceArn']),
  ],
  [
    'DET-4',
    'GuardDuty findings go nowhere',
    (d) => d.removeResources('AWS::Events::Rule', (p) => text(p.EventPattern).includes('aws.guardduty')),
  ],
  [
    'DET-4',
    'the alarm topic admits EventBridge rules of any account',
    (d) =>
      d
        .properties('AWS::SNS::TopicPolicy')
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((s: any) => text(s.Principal).includes('events.amazonaws.com'))
        .forEach((s: any) => delete s.Condition),
  ],
  [
    'DET-5',
    'the NIST 800-53 standard is not enabled',
    (d) => d.removeResources('AWS::SecurityHub::Standard', (p) => text(p).includes('nist-800-53')),
  ],
  [
    'DET-5',
    'AWS Config records only some resource types',
    (d) =>
      d.properties('AWS::Config::ConfigurationRecorder').forEach((p) => {
        p.RecordingGroup.AllSupported = false;
      }),
  ],
  [
    'DET-6',
    'the root-use filter is gone',
    (d) => d.removeResources('AWS::Logs::MetricFilter', (p) => String(p.FilterPattern).includes('"Root"')),
  ],
  [
    'DET-6',
    'the CIS alarms notify nobody',
    (d) =>
      d
        .properties('AWS::CloudWatch::Alarm', (p) => p.Namespace === 'Platform/Audit')
        .forEach((p) => {
          p.AlarmActions = [];
        }),
  ],
  [
    'DET-7',
    'a service has no 401/403 alarm',
    (d) => d.removeResources('AWS::CloudWatch::Alarm', (p) => p.MetricName === 'AuthFailures' && text(p.Dimensions).includes('"orders"')),
  ],
  [
    'DET-7',
    'OOM kills page nobody',
    (d) =>
      d
        .properties('AWS::CloudWatch::Alarm', (p) => p.MetricName === 'pod_container_status_terminated_reason_oom_killed')
        .forEach((p) => {
          p.AlarmActions = [];
        }),
  ],

  [
    'SC-1',
    'repository tags are mutable',
    (d) =>
      d.properties('AWS::ECR::Repository').forEach((p) => {
        p.ImageTagMutability = 'MUTABLE';
      }),
  ],
  [
    'SC-2',
    'a workload runs an image from Docker Hub',
    (d) => {
      d.containers()[0].image = 'docker.io/library/nginx:1.27';
    },
  ],
  [
    'SC-3',
    'an add-on follows whatever version EKS picks',
    (d) => {
      delete d.properties('AWS::EKS::Addon')[0].AddonVersion;
    },
  ],
  [
    'SC-4',
    'a deploy role trusts any workflow run of the repository (a wildcard subject)',
    (d) =>
      d
        .properties('AWS::IAM::Role', (p) => text(p.AssumeRolePolicyDocument).includes('token.actions.githubusercontent.com'))
        .forEach((p) =>
          p.AssumeRolePolicyDocument.Statement.forEach((s: any) => {
            const sub = 'token.actions.githubusercontent.com:sub';
            s.Condition = { ...s.Condition, StringLike: { [sub]: `${s.Condition.StringEquals[sub].split(':environment:')[0]}:*` } };
            delete s.Condition.StringEquals[sub];
          }),
        ),
  ],
  [
    'SC-5',
    'repository policies no longer restrict who pushes',
    (d) =>
      d.properties('AWS::ECR::Repository').forEach((p) => {
        delete p.RepositoryPolicyText;
      }),
  ],
  [
    'SC-6',
    'the registry falls back to basic scanning on push',
    (d) =>
      d.properties('AWS::ECR::RegistryScanningConfiguration').forEach((p) => {
        p.ScanType = 'BASIC';
      }),
  ],
  [
    'SC-7',
    'the image admission binding only warns',
    (d) =>
      d.objects('ValidatingAdmissionPolicyBinding').forEach((binding) => {
        binding.spec.validationActions = ['Warn'];
      }),
  ],
];

const ENVIRONMENTS = Object.keys(SUPPORTED_CONFIGURATIONS);
const reference = new Map<string, ControlEvidence>();
/** The changes that apply in an mTLS mode, as [id, change, apply, every control that must fail]. */
const changesIn = (mode: MtlsMode) =>
  CHANGES.filter(([, , , scope]) => scope?.onlyIn === undefined || scope.onlyIn === mode).map(
    ([id, change, apply, scope]) => [id, change, apply, [id, ...(scope?.alsoFails ?? [])].sort()] as const,
  );

beforeAll(() => {
  for (const name of ENVIRONMENTS) reference.set(name, sharedControlEvidence(name));
});

describe('the table of changes', () => {
  test.each<MtlsMode>(['istio-ambient', 'native'])('every control has at least one change that must fail it (%s)', (mode) => {
    expect(CONTROLS.filter((c) => !changesIn(mode).some(([id]) => id === c.id)).map((c) => c.id)).toEqual([]);
  });

  test('every change names a registered control', () => {
    expect(CHANGES.filter(([id]) => !CONTROLS.some((c) => c.id === id)).map(([id, change]) => `${id}: ${change}`)).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)('%s', (name) => {
  test.each(CONTROLS.map((c) => [c.id, c] as const))('%s holds in the reference environment', (_id, control) => {
    expect(control.evidence(reference.get(name)!)).toBe(true);
  });

  // Only the named control fails (and any declared to rest on the same object): the change is aimed at what it checks,
  // and the copy leaves the reference as it was.
  test.each(changesIn(testConfig(SUPPORTED_CONFIGURATIONS[name]).cluster.mtls))('%s fails when %s', (id, _change, apply, failing) => {
    const draft = new EvidenceDraft(reference.get(name)!);
    apply(draft);
    const changed = draft.evidence();
    expect(
      CONTROLS.filter((c) => !c.evidence(changed))
        .map((c) => c.id)
        .sort(),
    ).toEqual(failing);
    expect(CONTROLS.find((c) => c.id === id)!.evidence(reference.get(name)!)).toBe(true);
  });
});

test('no control holds in an empty environment (no resources, no Kubernetes objects)', () => {
  const dev = reference.get('dev')!;
  const empty = { ...dev, assembly: dev.assembly.withTemplates({}), manifests: [] };
  expect(CONTROLS.filter((c) => c.evidence(empty)).map((c) => c.id)).toEqual([]);
});

test('SC-2: image tags dev accepts fail in prod, where images are pinned by digest', () => {
  const prod = reference.get('prod')!;
  const draft = new EvidenceDraft(prod);
  draft.containers().forEach((c) => {
    c.image = c.image.replace(/@sha256:[0-9a-f]{64}$/, ':0.1.0');
  });
  const tagged = draft.evidence();
  expect([imagesFromPlatformRepositories({ ...tagged, profile: 'dev' }), imagesFromPlatformRepositories(tagged)]).toEqual([true, false]);
});
