import path from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { repoRoot } from '../settings.js';

export interface AppFunctionProps {
  /** The module that exports `handler`, relative to the repository root (as the declarations give it). */
  entry: string;
  description: string;
  timeout: Duration;
  environment: Record<string, string>;
  /** V8 flags added to NODE_OPTIONS (after `--enable-source-maps`). */
  nodeOptions?: string[];
  /** Shell commands run after esbuild, e.g. to copy static files beside the bundle. */
  afterBundling?: (inputDir: string, outputDir: string) => string[];
}

// ESM bundles that contain CommonJS code (the AWS SDK does) call `require`: define it for them.
const requireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * "A function": every Lambda of the system is built the same way, so the defaults live here once —
 * Node.js 22 on arm64, an ESM bundle made by the local esbuild (no Docker) with source maps, X-Ray
 * tracing, and its own log group with a one-year retention. Its role starts empty (no AWS managed
 * policy): it may write its own logs and traces; everything else is granted from the declaration's
 * `access` (see access.ts).
 */
export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    const afterBundling = props.afterBundling;
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(repoRoot, props.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: ['--enable-source-maps', ...(props.nodeOptions ?? [])].join(' '),
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // The AWS SDK is bundled, not taken from the runtime: its versions are pinned in package.json.
        externalModules: [],
        banner: requireBanner,
        commandHooks: afterBundling && {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling,
        },
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (Tracing.ACTIVE) adds xray:PutTraceSegments and xray:PutTelemetryRecords, which do not ' +
        'support resource-level permissions; every other statement of this role names its resources.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project targets on purpose (docs: the code must run on the Node 20 ' +
        'development machines and Node 22 in Lambda); move to the next LTS together with the toolchain.',
    });
  }
}
