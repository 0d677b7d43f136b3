import { AssetHashType, DockerImage, type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { repoRoot } from '../settings.js';
import { type BundleOptions, bundleFunction } from './bundling.js';

export interface AppFunctionProps {
  /** The module that exports `handler`, relative to the repository root (as the declarations give it). */
  entry: string;
  description: string;
  timeout: Duration;
  environment: Record<string, string>;
  /** What the build leaves out (bundling.ts). */
  bundle?: BundleOptions;
  /** Runs after esbuild with the asset's folder, e.g. to put static files beside the bundle. */
  afterBundling?: (outputDir: string) => void;
  /** V8 flags added to NODE_OPTIONS (after `--enable-source-maps`). */
  nodeOptions?: string[];
}

/**
 * "A function": every Lambda of the system is built the same way, so the defaults live here once —
 * Node.js 22 on arm64, an ESM bundle made by the local esbuild (no Docker; how: bundling.ts, which the
 * bundle benchmark builds with too) with source maps, X-Ray
 * tracing, and its own log group with a one-year retention. Its role starts empty (no AWS managed
 * policy): it may write its own logs and traces; everything else is granted from the declaration's
 * `access` (see access.ts).
 */
export class AppFunction extends Construct {
  readonly fn: lambda.Function;
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
    this.fn = new lambda.Function(this, 'Function', {
      // Bundled locally (synchronously) at synth; `aws:cdk:bundling-stacks: []` skips it (infra tests). The
      // Docker image is never used: local bundling always succeeds or throws.
      code: lambda.Code.fromAsset(repoRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          image: DockerImage.fromRegistry('local-bundling-only'),
          // Never run (no Docker), but part of CDK's cache key of staged assets: without what differs here
          // every function would get the first one's bundle.
          command: [
            'local-esbuild',
            props.entry,
            ...(props.bundle?.external ?? []).map((e) => `--external:${e}`),
            ...(afterBundling ? [afterBundling.name || 'after'] : []),
          ],
          local: {
            tryBundle(outputDir) {
              bundleFunction(props.entry, outputDir, props.bundle);
              afterBundling?.(outputDir);
              return true;
            },
          },
        },
      }),
      handler: 'index.handler',
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
