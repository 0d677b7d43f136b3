import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRoutes, apiAreas } from '../../functions/http/registry.js';
import { schedules } from '../../functions/jobs/schedules.js';
import { settingsFromContext } from '../../infra/aws/settings.js';
import type { BudgetPerformanceStack } from '../../infra/aws/stack.js';
import { roles } from '../../shared/domain/actor.js';
import { routeKey } from '../../shared/http/route.js';
import { table } from '../../shared/store/table.js';
import { buildStack, logicalId, sampleSchedule, testApp } from './synth.js';

// biome-ignore lint/suspicious/noExplicitAny: a synthesized template is untyped JSON, read field by field below
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const areaNames = Object.keys(apiAreas);
const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** Every statement of the identity policies attached to a role. */
function statementsOfRole(template: Template, roleId: string): Statement[] {
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => asList(s.Action));
const writeActions = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

describe('the stack built from the declarations', () => {
  let stack: BudgetPerformanceStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = buildStack());
  });

  describe('the table', () => {
    it('is on demand, with point-in-time recovery, deletion protection, encryption and TTL, and is retained', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        },
      });
    });

    it('has the keys and indexes of its declaration', () => {
      const [props] = Object.values(resources(template, 'AWS::DynamoDB::Table')).map((r) => r.Properties);
      expect(props?.KeySchema).toEqual([
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ]);
      expect(props?.GlobalSecondaryIndexes).toEqual(
        table.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
    });
  });

  describe('the buckets', () => {
    it('block all public access, encrypt, and are retained', () => {
      const buckets = Object.values(resources(template, 'AWS::S3::Bucket'));
      expect(buckets).toHaveLength(2);
      for (const bucket of buckets) {
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ]);
      }
    });

    it('deny every request without TLS', () => {
      const policies = Object.values(resources(template, 'AWS::S3::BucketPolicy'));
      expect(policies).toHaveLength(2);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    });

    it('keep document versions, expire old versions, and log access to the other bucket', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]),
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.data.accessLogs) } },
      });
    });

    it('let the API’s own upload pages post to the documents bucket', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        CorsConfiguration: {
          CorsRules: [
            Match.objectLike({
              AllowedMethods: Match.arrayWith(['POST']),
              AllowedOrigins: [{ 'Fn::GetAtt': [logicalId(stack.api.api), 'ApiEndpoint'] }],
            }),
          ],
        },
      });
    });
  });

  describe('the functions', () => {
    it('are one per API area, on Node.js 22, arm64, with X-Ray and their own log group', () => {
      const functions = Object.values(resources(template, 'AWS::Lambda::Function'));
      expect(functions).toHaveLength(areaNames.length + schedules.length);
      for (const fn of functions) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: 512,
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        });
      }
      for (const area of areaNames) expect(stack.functions[area]).toBeDefined();
    });

    it('time out before the API does (29 s)', () => {
      for (const area of areaNames) {
        const fn = resources(template, 'AWS::Lambda::Function')[logicalId(stack.functions[area]!.fn)];
        expect(fn?.Properties.Timeout).toBe(29);
      }
    });

    it('keep their logs for a year', () => {
      const groups = Object.values(resources(template, 'AWS::Logs::LogGroup'));
      expect(groups.length).toBe(areaNames.length + schedules.length + 1); // + the API's access log
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(365);
    });

    it('know the table, the bucket, the sender, their service name, and map errors to the sources', () => {
      for (const fn of Object.values(resources(template, 'AWS::Lambda::Function'))) {
        expect(fn.Properties.Environment.Variables).toMatchObject({
          TABLE_NAME: { Ref: logicalId(stack.data.table) },
          BUCKET_NAME: { Ref: logicalId(stack.data.bucket) },
          SES_FROM: 'jixiao@czj.example.gov.cn',
          POWERTOOLS_SERVICE_NAME: 'budget-performance',
          NODE_OPTIONS: '--enable-source-maps',
        });
      }
    });

    it('tell only the meta function where the Swagger UI files are', () => {
      for (const area of areaNames) {
        const fn = resources(template, 'AWS::Lambda::Function')[logicalId(stack.functions[area]!.fn)];
        const dir = fn?.Properties.Environment.Variables.DOCS_ASSETS_DIR;
        expect(dir).toBe(area === 'meta' ? '/var/task/docs-assets' : undefined);
      }
    });

    it('have roles without AWS managed policies', () => {
      for (const role of Object.values(resources(template, 'AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });
  });

  describe('least privilege', () => {
    const statementsOf = (area: string) => statementsOfRole(template, logicalId(stack.functions[area]!.role));

    it('grants each area exactly the table access it declares', () => {
      for (const [area, def] of Object.entries(apiAreas)) {
        const actions = actionsOf(statementsOf(area)).filter((a) => a.startsWith('dynamodb:'));
        expect(actions).toContain('dynamodb:Query');
        const writes = actions.filter((a) => /Put|Update|Delete|Write/.test(a));
        if (def.access.table === 'readWrite') expect(writes.sort()).toEqual(writeActions);
        else expect(writes).toEqual([]);
      }
    });

    it('lets no function Scan the table (every list is a Query)', () => {
      for (const area of areaNames) expect(actionsOf(statementsOf(area))).not.toContain('dynamodb:Scan');
    });

    it('keeps the meta function read-only and lets the reference function write', () => {
      expect(actionsOf(statementsOf('meta'))).not.toContain('dynamodb:PutItem');
      expect(actionsOf(statementsOf('reference'))).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      );
    });

    it('names the table and each declared index, never a wildcard', () => {
      const tableArn = { 'Fn::GetAtt': [logicalId(stack.data.table), 'Arn'] };
      for (const area of areaNames) {
        const dynamo = statementsOf(area).filter((s) =>
          actionsOf([s]).some((a) => a.startsWith('dynamodb:')),
        );
        expect(dynamo.length).toBeGreaterThan(0);
        for (const s of dynamo) {
          expect(s.Resource).toEqual([
            tableArn,
            ...table.indexes.map((i) => ({ 'Fn::Join': ['', [tableArn, `/index/${i.name}`]] })),
          ]);
        }
      }
    });

    it('gives no area bucket or mail rights it does not declare', () => {
      for (const [area, def] of Object.entries(apiAreas)) {
        const actions = actionsOf(statementsOf(area));
        if (!def.access.bucket) expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
        if (!def.access.sendEmail) expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
      }
    });

    it('has no statement allowing every action, or every resource for data services', () => {
      const all = Object.values(resources(template, 'AWS::IAM::Policy')).flatMap(
        (p) => p.Properties.PolicyDocument.Statement as Statement[],
      );
      for (const s of all) {
        const actions = asList(s.Action);
        expect(actions.some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
        if (actions.some((a) => /^(dynamodb|s3|ses|sqs|lambda):/.test(a))) {
          expect(asList(s.Resource)).not.toContain('*');
        }
      }
    });
  });

  describe('the API', () => {
    const integrationOf = (target: { 'Fn::Join': [string, [string, { Ref: string }]] }) =>
      target['Fn::Join'][1][1].Ref;

    it('has one route per declared route, with its route key', () => {
      const routes = Object.values(resources(template, 'AWS::ApiGatewayV2::Route'));
      expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(allRoutes.map(routeKey).sort());
    });

    it('protects every route with the JWT authorizer, except the public ones', () => {
      const authorizerId = Object.keys(resources(template, 'AWS::ApiGatewayV2::Authorizer'))[0];
      for (const route of allRoutes) {
        const expected =
          route.roles === 'public'
            ? { RouteKey: routeKey(route), AuthorizationType: 'NONE', AuthorizerId: Match.absent() }
            : { RouteKey: routeKey(route), AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } };
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', expected);
      }
    });

    it('sends each route to the function of its area', () => {
      const routes = Object.values(resources(template, 'AWS::ApiGatewayV2::Route'));
      const integrations = resources(template, 'AWS::ApiGatewayV2::Integration');
      for (const [area, def] of Object.entries(apiAreas)) {
        const fnArn = { 'Fn::GetAtt': [logicalId(stack.functions[area]!.fn), 'Arn'] };
        for (const route of def.routes) {
          const cfn = routes.find((r) => r.Properties.RouteKey === routeKey(route));
          const integration = integrations[integrationOf(cfn?.Properties.Target)];
          expect(integration?.Properties).toMatchObject({
            IntegrationType: 'AWS_PROXY',
            IntegrationUri: fnArn,
            PayloadFormatVersion: '2.0',
          });
        }
      }
    });

    it('accepts ID tokens of the user pool for the portal client', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: {
            'Fn::Join': [
              '',
              Match.arrayWith(['https://cognito-idp.', { Ref: logicalId(stack.identity.userPool) }]),
            ],
          },
          Audience: [{ Ref: logicalId(stack.identity.client) }],
        },
      });
    });

    it('logs every request to a log group and throttles', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [logicalId(stack.api.accessLogs), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId'),
        },
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      });
    });

    it('has no CORS configuration when no origin is allowed', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    });
  });

  describe('the user pool', () => {
    it('has one group per role', () => {
      const groups = Object.values(resources(template, 'AWS::Cognito::UserPoolGroup'));
      expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([...roles].sort());
      expect([...roles].sort()).toEqual(['department', 'evaluator', 'finance']);
    });

    it('carries the department and agency ids as custom attributes', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'departmentId', AttributeDataType: 'String', Mutable: true }),
          Match.objectLike({ Name: 'agencyId', AttributeDataType: 'String', Mutable: true }),
        ]),
      });
    });

    it('has no self sign-up, a strong password policy, required MFA and threat protection', () => {
      template.hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        Properties: {
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
          Policies: {
            PasswordPolicy: Match.objectLike({
              MinimumLength: 12,
              RequireLowercase: true,
              RequireUppercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            }),
          },
          MfaConfiguration: 'ON',
          EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
          UserPoolTier: 'PLUS',
          UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
          DeletionProtection: 'ACTIVE',
        },
      });
    });

    it('has a portal client without a secret that may not write the tenant attributes', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        ReadAttributes: Match.arrayWith(['custom:agencyId', 'custom:departmentId']),
        WriteAttributes: ['name'],
      });
    });
  });

  describe('mail and alarms', () => {
    it('verifies the sender identity in SES', () => {
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'jixiao@czj.example.gov.cn',
      });
    });

    it('alarms on every function’s errors (≥ 1 in five minutes) to the alarm topic', () => {
      const topic = { Ref: Object.keys(resources(template, 'AWS::SNS::Topic'))[0] };
      for (const area of areaNames) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.functions[area]!.fn) } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [topic],
        });
      }
    });

    it('publishes alarms to an encrypted topic that requires TLS', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('has a schedule for each declared job (none are declared yet)', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', schedules.length);
    });
  });
});

describe('a declared schedule', () => {
  let stack: BudgetPerformanceStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = buildStack({ schedules: [sampleSchedule], alarmEmail: 'ops@czj.example.gov.cn' }));
  });
  const job = () => stack.jobs[sampleSchedule.name]!;

  it('gets its own function', () => {
    template.resourceCountIs('AWS::Lambda::Function', areaNames.length + 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `Scheduled job ${sampleSchedule.name}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 300,
    });
  });

  it('runs on its cron expression, in its time zone, with its input, retries and a dead-letter queue', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: sampleSchedule.cron,
      ScheduleExpressionTimezone: sampleSchedule.timezone,
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(job().fn.fn), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [logicalId(job().schedule.role), 'Arn'] },
        Input: JSON.stringify(sampleSchedule.input),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(job().schedule.deadLetters), 'Arn'] } },
      },
    });
  });

  it('has an encrypted dead-letter queue that requires TLS', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(job().schedule.deadLetters) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets the scheduler invoke this one function and write to this one queue, nothing else', () => {
    const statements = statementsOfRole(template, logicalId(job().schedule.role));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [logicalId(job().fn.fn), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [logicalId(job().schedule.deadLetters), 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });

  it('sends failed runs of the function to the same dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(job().fn.fn) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(job().schedule.deadLetters), 'Arn'] } },
      },
    });
  });

  it('alarms when a message waits in the dead-letter queue, and on the job’s errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(job().schedule.deadLetters), 'QueueName'] } },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(job().fn.fn) } }],
    });
  });

  it('gets the access it declares: table writes, document objects, and sending as the sender identity only', () => {
    const statements = statementsOfRole(template, logicalId(job().fn.role));
    const actions = actionsOf(statements);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 's3:GetObject', 's3:PutObject']));
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack.data.bucket), 'Arn'] };
    expect(statements).toContainEqual(
      expect.objectContaining({ Resource: { 'Fn::Join': ['', [bucketArn, '/*']] } }),
    );
    const ses = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(actionsOf(ses).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const identity = JSON.stringify(ses[0]?.Resource);
    expect(identity).toContain(`":identity/",{"Ref":"${logicalId(stack.mail.identity)}"}`);
    expect(identity).not.toContain('*');
  });

  it('subscribes the bureau’s alarm address when one is given', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@czj.example.gov.cn',
    });
  });

  it('must be an AWS cron(...) expression', () => {
    expect(() => buildStack({ schedules: [{ ...sampleSchedule, cron: '0 2 * * 1-5' }] })).toThrow(
      /cron\(\.\.\.\)/,
    );
  });
});

describe('settings from the CDK context', () => {
  const settings = (context: Record<string, unknown>) => {
    const app = testApp();
    for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
    return settingsFromContext(app.node);
  };

  it('reads allowed origins as a list, comma-separated or JSON', () => {
    expect(
      settings({ allowedOrigins: 'https://a.example.org, https://b.example.org' }).allowedOrigins,
    ).toEqual(['https://a.example.org', 'https://b.example.org']);
    expect(settings({ allowedOrigins: '["https://a.example.org"]' }).allowedOrigins).toEqual([
      'https://a.example.org',
    ]);
    expect(settings({}).allowedOrigins).toEqual([]);
  });

  it('rejects an origin with a path and a malformed sender', () => {
    expect(() => settings({ allowedOrigins: 'https://a.example.org/portal' })).toThrow(/not an origin/);
    expect(() => settings({ sesSenderEmail: 'nobody' })).toThrow(/Not an email/);
  });

  it('sends from no-reply@ the verified domain unless told otherwise', () => {
    expect(settings({ sesSenderDomain: 'czj.example.gov.cn' }).senderEmail).toBe(
      'no-reply@czj.example.gov.cn',
    );
  });

  it('opens CORS on the API and the bucket for the allowed origins', () => {
    const { template } = buildStack({ allowedOrigins: ['https://portal.example.gov.cn'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://portal.example.gov.cn'],
        AllowHeaders: Match.arrayWith(['authorization', 'idempotency-key', 'if-match']),
      }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedOrigins: Match.arrayWith(['https://portal.example.gov.cn']) })],
      },
    });
  });
});
