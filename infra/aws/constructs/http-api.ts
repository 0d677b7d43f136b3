import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDef } from '../../../shared/http/route.js';
import { routeKey } from '../../../shared/http/route.js';

export interface HttpApiProps {
  userPool: cognito.IUserPool;
  client: cognito.IUserPoolClient;
  /** Browser origins allowed by CORS; none means no CORS configuration. */
  allowedOrigins: string[];
  /** Steady-state requests per second over the whole API, and the burst above it. */
  throttle?: { rateLimit: number; burstLimit: number };
}

/** One JSON line per request; the caller is named by the token's subject only (no personal data). */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);

/**
 * "The API": an HTTP API whose `$default` stage logs every request and throttles, a JWT authorizer
 * that accepts the user pool's ID tokens for the portal client (issuer = the pool, audience = the
 * client), and one route per declared route. A route declared `public` has no authorizer; the others
 * need a valid token, and the handler then checks the role (shared/http/auth.ts).
 */
export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizer: HttpUserPoolAuthorizer;
  readonly accessLogs: logs.LogGroup;
  private readonly integrations = new Map<lambda.IFunction, HttpLambdaIntegration>();
  private readonly keys = new Set<string>();

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const cors: apigw.CorsPreflightOptions | undefined = props.allowedOrigins.length
      ? {
          allowOrigins: props.allowedOrigins,
          allowMethods: [
            apigw.CorsHttpMethod.GET,
            apigw.CorsHttpMethod.POST,
            apigw.CorsHttpMethod.PUT,
            apigw.CorsHttpMethod.DELETE,
            apigw.CorsHttpMethod.OPTIONS,
          ],
          allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
          exposeHeaders: ['etag', 'location'],
          maxAge: Duration.hours(1),
        }
      : undefined;
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: 'budget-performance',
      description: 'Budget performance management API',
      createDefaultStage: false,
      corsPreflight: cors,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    this.stage = this.api.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat,
      },
    });

    this.authorizer = new HttpUserPoolAuthorizer('Cognito', props.userPool, {
      userPoolClients: [props.client],
      identitySource: ['$request.header.Authorization'],
    });
  }

  /** The base URL, without a trailing slash (also the origin of pages the API serves). */
  get url(): string {
    return this.api.apiEndpoint;
  }

  /** Adds the route of a declaration, integrated with the function of its area. */
  addRoute(route: RouteDef, fn: lambda.IFunction): apigw.HttpRoute {
    const key = routeKey(route);
    if (this.keys.has(key)) throw new Error(`Route ${key} is declared twice`);
    this.keys.add(key);

    let integration = this.integrations.get(fn);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${fn.node.scope?.node.id ?? fn.node.id}Integration`, fn);
      this.integrations.set(fn, integration);
    }
    const isPublic = route.roles === 'public';
    const httpRoute = new apigw.HttpRoute(this, `Route ${key.replace(/[^A-Za-z0-9]+/g, ' ').trim()}`, {
      httpApi: this.api,
      routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
      integration,
      authorizer: isPublic ? undefined : this.authorizer,
    });
    if (isPublic) {
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          `${key} is declared public (roles: 'public' — ${route.summary}): it needs no bearer token by design; ` +
          'any other credential it takes (such as a signed link) is checked by its handler.',
      });
    }
    return httpRoute;
  }
}
