import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { storageEvents } from '../../functions/events/registry.js';
import { allRoutes, apiAreas } from '../../functions/http/registry.js';
import { DEFAULT_MAX_RECEIVES, queues, schedules } from '../../functions/jobs/schedules.js';
import { thresholds } from '../../infra/aws/constructs/alarms.js';
import { settingsFromContext } from '../../infra/aws/settings.js';
import { type BudgetPerformanceStack, queueUrlVariable } from '../../infra/aws/stack.js';
import { roles } from '../../shared/domain/actor.js';
import { routeKey } from '../../shared/http/route.js';
import { metricNames, metricsNamespace, serviceName } from '../../shared/metric-names.js';
import { table } from '../../shared/store/table.js';
import {
  actionsOf,
  arnOf,
  asList,
  buildStack,
  customResourceHandlerIds,
  type DeclaredFunction,
  declared,
  declaredFunctions,
  functionCount,
  logicalId,
  resources,
  resourcesAllowing,
  type Statement,
  sampleSchedule,
  statementsOfRole,
  testApp,
} from './synth.js';

const areaNames = Object.keys(apiAreas);
const writeActions = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
const sesActions = ['ses:SendEmail', 'ses:SendRawEmail'];
const basicExecutionRole = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  ],
};
const tlsOnly = Match.objectLike({
  Effect: 'Deny',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

describe('the stack built from the declarations', () => {
  let stack: BudgetPerformanceStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = buildStack());
  });
  const job = (name: string) => declaredFunctions(stack).find((f) => f.kind === 'job' && f.name === name)!;

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
    const ours = () => declaredFunctions(stack);
    const cfnOf = (f: DeclaredFunction) => resources(template, 'AWS::Lambda::Function')[logicalId(f.fn.fn)];

    it('are one per API area, job, queue consumer and storage event, plus CDK’s own handlers', () => {
      const all = Object.keys(resources(template, 'AWS::Lambda::Function'));
      const handlers = customResourceHandlerIds(template);
      expect(ours()).toHaveLength(functionCount());
      expect(all).toHaveLength(functionCount() + handlers.length);
      expect(new Set([...ours().map((f) => logicalId(f.fn.fn)), ...handlers])).toEqual(new Set(all));
      // CDK's only handler: the one that puts the bucket's notification configuration.
      expect(handlers).toHaveLength(storageEvents.length > 0 ? 1 : 0);
      for (const id of handlers) expect(id).toMatch(/^BucketNotificationsHandler/);
    });

    it('run on Node.js 22, arm64, with X-Ray and their own log group', () => {
      for (const f of ours()) {
        expect(cfnOf(f)?.Properties, `${f.kind} ${f.name}`).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: 512,
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: { Ref: logicalId(f.fn.logGroup) } },
        });
      }
    });

    it('time out as declared: API areas before the API does (29 s), jobs after 15 minutes', () => {
      for (const area of areaNames) {
        const fn = resources(template, 'AWS::Lambda::Function')[logicalId(stack.functions[area]!.fn)];
        expect(fn?.Properties.Timeout).toBe(29);
      }
      for (const def of schedules) expect(cfnOf(job(def.name))?.Properties.Timeout).toBe(900);
      for (const def of [...queues, ...storageEvents]) {
        const f = ours().find((o) => o.name === def.name && o.kind !== 'area' && o.kind !== 'job')!;
        expect(cfnOf(f)?.Properties.Timeout).toBe(def.timeoutSeconds);
      }
    });

    it('keep their logs for a year', () => {
      const groups = Object.values(resources(template, 'AWS::Logs::LogGroup'));
      expect(groups.length).toBe(functionCount() + 1); // + the API's access log
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(365);
    });

    it('know the table, the bucket, the sender, their service name, and map errors to the sources', () => {
      for (const f of ours()) {
        expect(cfnOf(f)?.Properties.Environment.Variables, `${f.kind} ${f.name}`).toMatchObject({
          TABLE_NAME: { Ref: logicalId(stack.data.table) },
          BUCKET_NAME: { Ref: logicalId(stack.data.bucket) },
          SES_FROM: 'jixiao@czj.example.gov.cn',
          POWERTOOLS_SERVICE_NAME: 'budget-performance',
          POWERTOOLS_METRICS_NAMESPACE: 'BudgetPerformance',
          NODE_OPTIONS: expect.stringMatching(/^--enable-source-maps( |$)/),
        });
      }
    });

    it('run the sweep worker with the V8 heap flags of its queue declaration', () => {
      const worker = stack.workers.sweep!.fn.fn;
      const sweep = queues.find((q) => q.name === 'sweep')!;
      expect(sweep.nodeOptions?.length).toBeGreaterThan(0);
      const cfn = resources(template, 'AWS::Lambda::Function')[logicalId(worker)];
      expect(cfn?.Properties.Environment.Variables.NODE_OPTIONS).toBe(
        ['--enable-source-maps', ...(sweep.nodeOptions ?? [])].join(' '),
      );
    });

    it('tell only the meta function where the Swagger UI files and the OpenAPI document written at synth are', () => {
      for (const f of ours()) {
        const vars = cfnOf(f)?.Properties.Environment.Variables;
        const meta = f.kind === 'area' && f.name === 'meta';
        expect(vars.DOCS_ASSETS_DIR).toBe(meta ? '/var/task/docs-assets' : undefined);
        expect(vars.OPENAPI_FILE).toBe(meta ? '/var/task/openapi.json' : undefined);
      }
    });

    it('know the URL of exactly the queues they send to', () => {
      for (const f of ours()) {
        const variables = cfnOf(f)?.Properties.Environment.Variables as Record<string, unknown>;
        const queueVariables = Object.keys(variables).filter((k) => k.endsWith('_QUEUE_URL'));
        const sendTo = f.access.sendTo ?? [];
        expect(queueVariables.sort(), `${f.kind} ${f.name}`).toEqual(sendTo.map(queueUrlVariable).sort());
        for (const name of sendTo) {
          expect(variables[queueUrlVariable(name)]).toEqual({
            Ref: logicalId(stack.workers[name]!.queue.queue),
          });
        }
      }
    });

    it('have roles without AWS managed policies; only CDK’s notifications handler has one', () => {
      for (const f of ours()) {
        expect(
          resources(template, 'AWS::IAM::Role')[logicalId(f.fn.role)]?.Properties.ManagedPolicyArns,
        ).toBeUndefined();
      }
      const handlerRoles = customResourceHandlerIds(template).map(
        (id) => resources(template, 'AWS::Lambda::Function')[id]?.Properties.Role['Fn::GetAtt'][0] as string,
      );
      for (const [id, role] of Object.entries(resources(template, 'AWS::IAM::Role'))) {
        if (handlerRoles.includes(id))
          expect(role.Properties.ManagedPolicyArns).toEqual([basicExecutionRole]);
        else expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
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
        if (actions.some((a) => /^(dynamodb|s3|ses|sqs|lambda|secretsmanager):/.test(a))) {
          expect(asList(s.Resource)).not.toContain('*');
        }
      }
    });
  });

  describe('least privilege, for every declared function', () => {
    const statementsOf = (f: DeclaredFunction) => statementsOfRole(template, logicalId(f.fn.role));
    const label = (f: DeclaredFunction) => `${f.kind} ${f.name}`;

    it('grants exactly the table access declared, on the table and its indexes, and never Scan', () => {
      const tableArn = arnOf(stack.data.table);
      const tableResources = [
        tableArn,
        ...table.indexes.map((i) => ({ 'Fn::Join': ['', [tableArn, `/index/${i.name}`]] })),
      ];
      for (const f of declaredFunctions(stack)) {
        const dynamo = statementsOf(f).filter((s) => actionsOf([s]).some((a) => a.startsWith('dynamodb:')));
        const actions = actionsOf(dynamo);
        expect(actions, label(f)).not.toContain('dynamodb:Scan');
        if (!f.access.table) {
          expect(dynamo, label(f)).toEqual([]);
          continue;
        }
        expect(actions, label(f)).toContain('dynamodb:Query');
        const writes = actions.filter((a) => /Put|Update|Delete|Write/.test(a)).sort();
        expect(writes, label(f)).toEqual(f.access.table === 'readWrite' ? writeActions : []);
        for (const s of dynamo) expect(s.Resource, label(f)).toEqual(tableResources);
      }
    });

    it('grants each kind of object access on exactly its declared prefixes, and listing the bucket to readers', () => {
      const bucketArn = arnOf(stack.data.bucket);
      const kinds = { put: 's3:PutObject', get: 's3:GetObject', delete: 's3:DeleteObject' } as const;
      for (const f of declaredFunctions(stack)) {
        const s3 = statementsOf(f).filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));
        if (!f.access.bucket) {
          expect(s3, label(f)).toEqual([]);
          continue;
        }
        for (const [kind, action] of Object.entries(kinds)) {
          // CDK merges statements with the same resources (minimizePolicies), so compare what each action reaches:
          // exactly `<bucket>/<prefix>*` for each prefix declared for that kind, and nothing without one.
          const prefixes = f.access.bucket[kind as keyof typeof kinds] ?? [];
          const reached = resourcesAllowing(s3, action).map((r) => JSON.stringify(r));
          const declaredArns = prefixes.map((p) =>
            JSON.stringify({ 'Fn::Join': ['', [bucketArn, `/${p}*`]] }),
          );
          expect(reached.sort(), `${label(f)} ${action}`).toEqual(declaredArns.sort());
        }
        const lists = s3.filter((s) => actionsOf([s]).includes('s3:ListBucket'));
        expect(lists, label(f)).toEqual(
          f.access.bucket.get?.length
            ? [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn }]
            : [],
        );
        // Never the whole bucket's objects.
        for (const r of s3.flatMap((s) => asList(s.Resource))) {
          expect(JSON.stringify(r), label(f)).not.toContain('"/*"');
        }
      }
    });

    it('lets the areas that only presign delete nothing: documents puts and gets uploads/, imports only puts', () => {
      const bucketArn = arnOf(stack.data.bucket);
      const uploads = { 'Fn::Join': ['', [bucketArn, '/uploads/*']] };
      const area = (name: string) =>
        declaredFunctions(stack).find((f) => f.kind === 'area' && f.name === name)!;
      for (const name of ['documents', 'imports']) {
        expect(actionsOf(statementsOf(area(name))), name).not.toContain('s3:DeleteObject');
        expect(resourcesAllowing(statementsOf(area(name)), 's3:PutObject'), name).toEqual([uploads]);
      }
      expect(resourcesAllowing(statementsOf(area('documents')), 's3:GetObject')).toEqual([uploads]);
      expect(actionsOf(statementsOf(area('imports')))).not.toContain('s3:GetObject');
    });

    it('lets only functions that declare sendEmail send mail, and only as the sender identity', () => {
      for (const f of declaredFunctions(stack)) {
        const ses = statementsOf(f).filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));
        if (!f.access.sendEmail) {
          expect(ses, label(f)).toEqual([]);
          continue;
        }
        expect(ses, label(f)).toHaveLength(1);
        expect(actionsOf(ses).sort()).toEqual(sesActions);
        const identity = JSON.stringify(ses[0]?.Resource);
        expect(identity).toContain(`":identity/",{"Ref":"${logicalId(stack.mail.identity)}"}`);
        expect(identity).not.toContain('*');
      }
    });

    it('lets only functions that declare it read the upload-page secret, and that secret only', () => {
      const readers = declaredFunctions(stack).filter((f) => f.access.uploadPageSecret);
      expect(readers.map((f) => f.name).sort()).toEqual([
        'documents',
        'evaluation',
        'evaluations',
        'imports',
      ]);
      const secret = { Ref: logicalId(stack.uploadPageSecret!) };
      for (const f of declaredFunctions(stack)) {
        const statements = statementsOf(f).filter((s) =>
          actionsOf([s]).some((a) => a.startsWith('secretsmanager:')),
        );
        const variables = resources(template, 'AWS::Lambda::Function')[logicalId(f.fn.fn)]?.Properties
          .Environment.Variables;
        if (!f.access.uploadPageSecret) {
          expect(statements, label(f)).toEqual([]);
          expect(variables.UPLOAD_PAGE_SECRET_ARN, label(f)).toBeUndefined();
          continue;
        }
        expect(actionsOf(statements).sort(), label(f)).toEqual([
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
        for (const s of statements) expect(s.Resource, label(f)).toEqual(secret);
        expect(variables.UPLOAD_PAGE_SECRET_ARN, label(f)).toEqual(secret);
      }
    });

    it('generates the upload-page secret in AWS, so its value is in no template', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
        SecretString: Match.absent(),
      });
    });

    it('lets exactly the declared senders send to each work queue', () => {
      const allStatements = Object.values(resources(template, 'AWS::IAM::Policy')).flatMap((p) =>
        (p.Properties.Roles as { Ref: string }[]).map((r) => ({
          role: r.Ref,
          statements: p.Properties.PolicyDocument.Statement as Statement[],
        })),
      );
      for (const q of queues) {
        const queueArn = arnOf(stack.workers[q.name]!.queue.queue);
        const senders = declaredFunctions(stack).filter((f) => f.access.sendTo?.includes(q.name));
        const rolesThatSend = allStatements
          .filter(({ statements }) =>
            resourcesAllowing(statements, 'sqs:SendMessage').some(
              (r) => JSON.stringify(r) === JSON.stringify(queueArn),
            ),
          )
          .map(({ role }) => role);
        expect(new Set(rolesThatSend), q.name).toEqual(new Set(senders.map((f) => logicalId(f.fn.role))));
      }
    });

    it('lets the monitoring sweep (and the monitoring API, for requested sweeps) send to the sweep queue, and the job otherwise only to its own dead-letter queue', () => {
      const sweep = job('monitoring-sweep');
      expect(sweep.access.sendTo).toEqual(['sweep']);
      const variables = resources(template, 'AWS::Lambda::Function')[logicalId(sweep.fn.fn)]?.Properties
        .Environment.Variables;
      expect(variables.SWEEP_QUEUE_URL).toEqual({ Ref: logicalId(stack.workers.sweep!.queue.queue) });
      const sendsTo = resourcesAllowing(statementsOf(sweep), 'sqs:SendMessage');
      expect(sendsTo).toHaveLength(2);
      expect(sendsTo).toEqual(
        expect.arrayContaining([
          arnOf(stack.workers.sweep!.queue.queue),
          arnOf(stack.jobs['monitoring-sweep']!.schedule.deadLetters), // failed runs (Lambda on-failure destination)
        ]),
      );
      const monitoringApi = stack.functions.monitoring!;
      for (const f of declaredFunctions(stack).filter((o) => o.fn !== sweep.fn)) {
        const vars = resources(template, 'AWS::Lambda::Function')[logicalId(f.fn.fn)]?.Properties.Environment
          .Variables;
        if (f.fn === monitoringApi) {
          expect(vars.SWEEP_QUEUE_URL, label(f)).toEqual({
            Ref: logicalId(stack.workers.sweep!.queue.queue),
          });
        } else {
          expect(vars.SWEEP_QUEUE_URL, label(f)).toBeUndefined();
        }
      }
    });
  });

  describe('the work queues', () => {
    const worker = (name: string) => stack.workers[name]!;

    it('are one queue and one dead-letter queue per declared queue, encrypted', () => {
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', queues.length + storageEvents.length);
      for (const q of queues) {
        const { queue, deadLetters } = worker(q.name).queue;
        const cfn = resources(template, 'AWS::SQS::Queue');
        expect(cfn[logicalId(queue)]?.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          VisibilityTimeout: Math.min(q.timeoutSeconds * 6, 43_200),
          RedrivePolicy: {
            deadLetterTargetArn: arnOf(deadLetters),
            maxReceiveCount: q.maxReceiveCount ?? DEFAULT_MAX_RECEIVES,
          },
        });
        expect(cfn[logicalId(deadLetters)]?.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 14 * 24 * 3600,
        });
      }
    });

    it('give the sweep queue a fourth receipt, for the deferrals of RetryLater (60 s, 15 min, 90 min)', () => {
      const sweep = queues.find((q) => q.name === 'sweep')!;
      expect(sweep.maxReceiveCount).toBe(4);
      expect(DEFAULT_MAX_RECEIVES).toBe(3);
      expect(
        resources(template, 'AWS::SQS::Queue')[logicalId(worker('sweep').queue.queue)]?.Properties,
      ).toMatchObject({ RedrivePolicy: { maxReceiveCount: 4 } });
      expect(
        resources(template, 'AWS::SQS::Queue')[logicalId(worker('report-emails').queue.queue)]?.Properties,
      ).toMatchObject({ RedrivePolicy: { maxReceiveCount: 3 } });
    });

    it('accept TLS only', () => {
      for (const q of queues) {
        const { queue, deadLetters } = worker(q.name).queue;
        for (const target of [queue, deadLetters]) {
          template.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [{ Ref: logicalId(target) }],
            PolicyDocument: { Statement: Match.arrayWith([tlsOnly]) },
          });
        }
      }
    });

    it('are consumed by their function in batches of the declared size, reporting failures per message', () => {
      for (const q of queues) {
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: arnOf(worker(q.name).queue.queue),
          FunctionName: { Ref: logicalId(worker(q.name).fn.fn) },
          BatchSize: q.batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ...(q.maxConcurrency ? { ScalingConfig: { MaximumConcurrency: q.maxConcurrency } } : {}),
        });
      }
    });

    it('run at most a few sweep workers at once (the index partition every snapshot goes to; the account)', () => {
      const sweep = queues.find((q) => q.name === 'sweep');
      expect(sweep?.maxConcurrency).toBeGreaterThanOrEqual(2);
      expect(sweep?.maxConcurrency).toBeLessThanOrEqual(10);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(worker('sweep').queue.queue),
        ScalingConfig: { MaximumConcurrency: sweep?.maxConcurrency },
      });
    });

    it('let the consumer receive, delete and defer (ChangeMessageVisibility: RetryLater) on its own queue only', () => {
      for (const q of queues) {
        const statements = statementsOfRole(template, logicalId(worker(q.name).fn.role));
        const sqs = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
        // What the event source grants (grantConsumeMessages), ChangeMessageVisibility included — which the
        // worker calls itself on a RetryLater (shared/lambda.ts) — and nothing more: no send, no purge.
        expect([...new Set(actionsOf(sqs))].sort()).toEqual([
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ]);
        for (const s of sqs) expect(asList(s.Resource)).toEqual([arnOf(worker(q.name).queue.queue)]);
      }
    });

    it('alarm when a message lands in the dead-letter queue', () => {
      const topic = { Ref: Object.keys(resources(template, 'AWS::SNS::Topic'))[0] };
      for (const q of queues) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [
            {
              Name: 'QueueName',
              Value: { 'Fn::GetAtt': [logicalId(worker(q.name).queue.deadLetters), 'QueueName'] },
            },
          ],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [topic],
        });
      }
    });
  });

  describe('the storage events', () => {
    const event = (name: string) => stack.storageEvents[name]!;

    it('send every object created under the declared prefix to their queue', () => {
      template.resourceCountIs('Custom::S3BucketNotifications', 1);
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: { Ref: logicalId(stack.data.bucket) },
        NotificationConfiguration: {
          QueueConfigurations: storageEvents.map((def) => ({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: def.prefix }] } },
            QueueArn: arnOf(event(def.name).event.queue),
          })),
        },
      });
      const notifications = Object.values(resources(template, 'Custom::S3BucketNotifications'))[0]!;
      expect(notifications.Properties.NotificationConfiguration.LambdaFunctionConfigurations).toBeUndefined();
    });

    it('upload-arrived reacts to uploads/', () => {
      expect(storageEvents.find((e) => e.name === 'upload-arrived')?.prefix).toBe('uploads/');
    });

    it('are received again up to 5 times (a failure, a timeout, a crash mid-import), then kept in a dead-letter queue', () => {
      for (const def of storageEvents) {
        const { queue, deadLetters } = event(def.name).event;
        const cfn = resources(template, 'AWS::SQS::Queue');
        expect(def.maxReceiveCount).toBe(5);
        expect(cfn[logicalId(queue)]?.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          // At least six times the function's timeout: a delivery still running is not handed out again.
          VisibilityTimeout: def.timeoutSeconds * 6,
          MessageRetentionPeriod: 14 * 24 * 3600,
          RedrivePolicy: { deadLetterTargetArn: arnOf(deadLetters), maxReceiveCount: 5 },
        });
        expect(cfn[logicalId(deadLetters)]?.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 14 * 24 * 3600,
        });
        for (const target of [queue, deadLetters]) {
          template.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [{ Ref: logicalId(target) }],
            PolicyDocument: { Statement: Match.arrayWith([tlsOnly]) },
          });
        }
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(deadLetters), 'QueueName'] } }],
        });
      }
    });

    it('are consumed by their function in batches of the declared size, reporting failures per message', () => {
      for (const def of storageEvents) {
        const { fn, event: e } = event(def.name);
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: arnOf(e.queue),
          FunctionName: { Ref: logicalId(fn.fn) },
          BatchSize: def.batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
      }
      // S3 no longer invokes the function: nothing is invoked asynchronously, so nothing is lost after retries.
      template.resourceCountIs('AWS::Lambda::EventInvokeConfig', schedules.length);
      for (const def of storageEvents) {
        const invokers = Object.values(resources(template, 'AWS::Lambda::Permission')).filter(
          (p) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(arnOf(event(def.name).fn.fn)),
        );
        expect(invokers, def.name).toEqual([]);
      }
    });

    it('may be sent to by S3 only, for the documents bucket of this account, and only sent to', () => {
      for (const def of storageEvents) {
        const { queue } = event(def.name).event;
        const policies = Object.values(resources(template, 'AWS::SQS::QueuePolicy')).filter(
          (p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: logicalId(queue) }]),
        );
        expect(policies).toHaveLength(1);
        const allows = (policies[0]!.Properties.PolicyDocument.Statement as Statement[]).filter(
          (st) => st.Effect === 'Allow',
        );
        expect(allows).toEqual([
          {
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: arnOf(queue),
            Condition: {
              ArnEquals: { 'aws:SourceArn': arnOf(stack.data.bucket) },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]);
      }
    });

    it('let their function receive and delete from its own queue only, and send to no queue', () => {
      for (const def of storageEvents) {
        const { fn, event: e } = event(def.name);
        const statements = statementsOfRole(template, logicalId(fn.role));
        const sqs = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('sqs:')));
        expect(actionsOf(sqs)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
        expect(actionsOf(sqs)).not.toContain('sqs:SendMessage');
        for (const st of sqs) expect(asList(st.Resource)).toEqual([arnOf(e.queue)]);
      }
    });

    it('upload-arrived may read and delete uploads (no more of the bucket), and write the table', () => {
      const { fn } = event('upload-arrived');
      const statements = statementsOfRole(template, logicalId(fn.role));
      const bucketArn = arnOf(stack.data.bucket);
      const uploads = { 'Fn::Join': ['', [bucketArn, '/uploads/*']] };
      expect(resourcesAllowing(statements, 's3:GetObject')).toEqual([uploads]);
      expect(resourcesAllowing(statements, 's3:DeleteObject')).toEqual([uploads]);
      expect(resourcesAllowing(statements, 's3:PutObject')).toEqual([]);
      expect(resourcesAllowing(statements, 's3:ListBucket')).toEqual([bucketArn]);
      expect(actionsOf(statements)).toEqual(expect.arrayContaining(['dynamodb:Query', ...writeActions]));
    });

    it('are configured by CDK’s handler, which may put this bucket’s notifications and nothing else', () => {
      const [handlerId] = customResourceHandlerIds(template);
      const roleId = resources(template, 'AWS::Lambda::Function')[handlerId!]?.Properties.Role[
        'Fn::GetAtt'
      ][0];
      expect(statementsOfRole(template, roleId)).toEqual([
        { Effect: 'Allow', Action: 's3:PutBucketNotification', Resource: arnOf(stack.data.bucket) },
      ]);
    });
  });

  describe('the schedules', () => {
    it('are one per declared job', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', schedules.length);
      for (const def of schedules) {
        template.hasResourceProperties('AWS::Scheduler::Schedule', {
          ScheduleExpression: def.cron,
          ScheduleExpressionTimezone: def.timezone,
          State: 'ENABLED',
          Target: Match.objectLike({
            Arn: arnOf(job(def.name).fn.fn),
            Input: JSON.stringify(def.input ?? {}),
            DeadLetterConfig: { Arn: arnOf(stack.jobs[def.name]!.schedule.deadLetters) },
          }),
        });
      }
    });

    it('run the monitoring sweep at 02:00 Shanghai time every day', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 2 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        Target: Match.objectLike({ Arn: arnOf(job('monitoring-sweep').fn.fn) }),
      });
    });
  });

  describe('the API', () => {
    const integrationOf = (target: { 'Fn::Join': [string, [string, { Ref: string }]] }) =>
      target['Fn::Join'][1][1].Ref;

    it('has one route per declared route, with its route key', () => {
      const routes = Object.values(resources(template, 'AWS::ApiGatewayV2::Route'));
      expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(allRoutes.map(routeKey).sort());
    });

    it('puts no authorizer in front of any route: the functions verify the JWT (problem+json 401)', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
      for (const route of allRoutes) {
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: routeKey(route),
          AuthorizationType: 'NONE',
          AuthorizerId: Match.absent(),
        });
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

    it('tells every API function to accept ID tokens of the user pool for the portal client', () => {
      for (const area of Object.keys(apiAreas)) {
        const fn = resources(template, 'AWS::Lambda::Function')[logicalId(stack.functions[area]!.fn)];
        expect(fn?.Properties.Environment.Variables, area).toMatchObject({
          JWT_ISSUER: {
            'Fn::Join': ['', expect.arrayContaining([{ Ref: logicalId(stack.identity.userPool) }])],
          },
          JWT_AUDIENCE: { Ref: logicalId(stack.identity.client) },
        });
        expect(JSON.stringify(fn?.Properties.Environment.Variables.JWT_ISSUER)).toContain(
          'https://cognito-idp.',
        );
      }
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
      for (const f of declaredFunctions(stack)) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(f.fn.fn) } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [topic],
        });
      }
    });

    it('alarms on every function’s throttles (≥ 1 in five minutes)', () => {
      const topic = { Ref: Object.keys(resources(template, 'AWS::SNS::Topic'))[0] };
      for (const f of declaredFunctions(stack)) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(f.fn.fn) } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [topic],
        });
      }
    });

    const apiDimension = () => [{ Name: 'ApiId', Value: { Ref: logicalId(stack.api.api) } }];

    it('alarms when at least 1 % of the API’s requests get a 5xx in five minutes (5xx over Count, by ApiId)', () => {
      const metric = (id: string, name: string) => ({
        Id: id,
        MetricStat: {
          Metric: { Namespace: 'AWS/ApiGateway', MetricName: name, Dimensions: apiDimension() },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: '100 * FILL(errors, 0) / requests', ReturnData: true }),
          metric('errors', '5xx'),
          metric('requests', 'Count'),
        ]),
        Threshold: thresholds.api5xxPercent,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(thresholds.api5xxPercent).toBe(1);
    });

    it('alarms when the API’s p99 latency stays at or above 3 s for fifteen minutes', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        Dimensions: apiDimension(),
        ExtendedStatistic: 'p99',
        Period: 300,
        EvaluationPeriods: 3,
        Threshold: 3000,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarms when the sweep heartbeat is below 1 over a day, or missing (not reported by 06:00)', () => {
      const heartbeat = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).filter(
        (a) => a.Properties.MetricName === metricNames.sweepHeartbeat,
      );
      expect(heartbeat).toHaveLength(1);
      expect(heartbeat[0]?.Properties).toMatchObject({
        Namespace: metricsNamespace,
        MetricName: 'SweepHeartbeat',
        // Powertools Metrics adds the service name as the `service` dimension to every metric it emits.
        Dimensions: [{ Name: 'service', Value: serviceName }],
        Statistic: 'Minimum',
        Period: 86_400,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      expect([metricsNamespace, serviceName]).toEqual(['BudgetPerformance', 'budget-performance']);
    });

    it('alarms on the account’s SES bounce and complaint rates, before SES’s review lines (5 %, 0.1 %)', () => {
      for (const [name, threshold] of [
        ['Reputation.BounceRate', thresholds.sesBounceRate],
        ['Reputation.ComplaintRate', thresholds.sesComplaintRate],
      ] as const) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SES',
          MetricName: name,
          Dimensions: Match.absent(),
          Statistic: 'Maximum',
          Period: 3600,
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
      expect(thresholds.sesBounceRate).toBeLessThan(0.05);
      expect(thresholds.sesComplaintRate).toBeLessThan(0.001);
    });

    it('sends every alarm and its recovery to the one alarm topic', () => {
      const topic = { Ref: Object.keys(resources(template, 'AWS::SNS::Topic'))[0] };
      const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
      // errors + throttles per function, one per dead-letter queue, API 5xx and p99, heartbeat, SES ×2
      const deadLetterQueues = schedules.length + queues.length + storageEvents.length;
      expect(alarms).toHaveLength(2 * functionCount() + deadLetterQueues + 5);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topic]);
        expect(alarm.Properties.OKActions).toEqual([topic]);
        expect(String(alarm.Properties.AlarmDescription).length).toBeGreaterThan(30);
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
  });
});

/** The second (and last) stack this file synthesizes: a job with every kind of access, an alarm address, a portal origin. */
const portal = 'https://portal.example.gov.cn';
let variant: ReturnType<typeof buildStack> | undefined;
const buildVariant = () => {
  variant ??= buildStack({
    schedules: [sampleSchedule],
    alarmEmail: 'ops@czj.example.gov.cn',
    allowedOrigins: [portal],
  });
  return variant;
};

describe('a declared schedule', () => {
  let stack: BudgetPerformanceStack;
  let template: Template;
  beforeAll(() => {
    ({ stack, template } = buildVariant());
  });
  const job = () => stack.jobs[sampleSchedule.name]!;

  it('gets its own function', () => {
    const d = { ...declared, schedules: [sampleSchedule] };
    expect(declaredFunctions(stack, d)).toHaveLength(functionCount(d));
    template.resourceCountIs(
      'AWS::Lambda::Function',
      functionCount(d) + customResourceHandlerIds(template).length,
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `Scheduled job ${sampleSchedule.name}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 900,
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

  it('gets the access it declares: table writes, document objects by prefix, and sending as the sender identity only', () => {
    const statements = statementsOfRole(template, logicalId(job().fn.role));
    const actions = actionsOf(statements);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 's3:GetObject', 's3:PutObject', 's3:DeleteObject']),
    );
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack.data.bucket), 'Arn'] };
    const under = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });
    expect(resourcesAllowing(statements, 's3:PutObject')).toEqual([under('bulletins/')]);
    expect(resourcesAllowing(statements, 's3:GetObject')).toHaveLength(2);
    expect(resourcesAllowing(statements, 's3:GetObject')).toEqual(
      expect.arrayContaining([under('uploads/'), under('bulletins/')]),
    );
    expect(resourcesAllowing(statements, 's3:DeleteObject')).toEqual([under('uploads/')]);
    const ses = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(actionsOf(ses).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const identity = JSON.stringify(ses[0]?.Resource);
    expect(identity).toContain(`":identity/",{"Ref":"${logicalId(stack.mail.identity)}"}`);
    expect(identity).not.toContain('*');
  });

  it('gets the queue and the secret it declares: their ARN or URL, and the right to that one only', () => {
    const statements = statementsOfRole(template, logicalId(job().fn.role));
    expect(resourcesAllowing(statements, 'sqs:SendMessage')).toEqual(
      expect.arrayContaining([arnOf(stack.workers.sweep!.queue.queue)]),
    );
    expect(resourcesAllowing(statements, 'secretsmanager:GetSecretValue')).toEqual([
      { Ref: logicalId(stack.uploadPageSecret!) },
    ]);
    const variables = resources(template, 'AWS::Lambda::Function')[logicalId(job().fn.fn)]?.Properties
      .Environment.Variables;
    expect(variables).toMatchObject({
      SWEEP_QUEUE_URL: { Ref: logicalId(stack.workers.sweep!.queue.queue) },
      UPLOAD_PAGE_SECRET_ARN: { Ref: logicalId(stack.uploadPageSecret!) },
    });
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
    const { template } = buildVariant();
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [portal],
        AllowHeaders: Match.arrayWith(['authorization', 'idempotency-key', 'if-match']),
      }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedOrigins: Match.arrayWith([portal]) })],
      },
    });
  });
});

describe('declarations the stack refuses (before anything is synthesized)', () => {
  it('a function sending to an undeclared queue', () => {
    const careless = { ...sampleSchedule, access: { sendTo: ['nowhere' as 'sweep'] } };
    expect(() => buildStack({ schedules: [careless] })).toThrow(/undeclared queue nowhere/);
  });

  it('two queues of one name, and two storage events of one name', () => {
    expect(() => buildStack({ queues: [...queues, ...queues] })).toThrow(/declared twice/);
    expect(() => buildStack({ storageEvents: [...storageEvents, ...storageEvents] })).toThrow(
      /declared twice/,
    );
  });

  it('storage events whose prefixes overlap (S3 would reject them at deploy time)', () => {
    const [first] = storageEvents;
    const nested = { ...first!, name: 'nested', prefix: `${first!.prefix}csv/` };
    expect(() => buildStack({ storageEvents: [first!, nested] })).toThrow(/overlap/);
  });

  it('a bucket grant that is not a key prefix (the whole bucket, a wildcard, no trailing slash)', () => {
    for (const prefix of ['', '*', 'uploads', 'uploads/*', '/uploads/', '../uploads/']) {
      const careless = { ...sampleSchedule, access: { bucket: { get: [prefix] } } };
      expect(() => buildStack({ schedules: [careless] }), JSON.stringify(prefix)).toThrow(
        /must be a key prefix/,
      );
    }
  });

  it('names queue URL variables as the environment allows', () => {
    expect(queueUrlVariable('sweep')).toBe('SWEEP_QUEUE_URL');
    expect(queueUrlVariable('report-mail')).toBe('REPORT_MAIL_QUEUE_URL');
  });
});
