import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
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
  }),
);

/**
 * "The API": an HTTP API whose `$default` stage logs every request and throttles, and one route per
 * declared route. No API Gateway authorizer: the functions verify the bearer JWT themselves (aws-jwt-verify,
 * the first middleware of shared/http), against the user pool's ID tokens for the portal client (issuer =
 * the pool, audience = the client, given to them as `tokenEnvironment`), so a missing or bad token is
 * answered with the contract's problem+json 401 — API Gateway's authorizer answers `{"message":"Unauthorized"}`.
 */
export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** What the API's functions need to verify tokens: JWT_ISSUER (the pool) and JWT_AUDIENCE (the client). */
  readonly tokenEnvironment: Record<string, string>;
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

    this.tokenEnvironment = {
      JWT_ISSUER: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`,
      JWT_AUDIENCE: props.client.userPoolClientId,
    };
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
    });
    Validations.of(httpRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: isPublic
        ? `${key} is declared public (roles: 'public' — ${route.summary}): it needs no bearer token by design; ` +
          'any other credential it takes (such as a signed link) is checked by its handler.'
        : `${key} is authorized inside its function: the bearer JWT is verified with aws-jwt-verify against the ` +
          'user pool (issuer, audience, expiry, signature) before anything else, so its 401 is problem+json.',
    });
    return httpRoute;
  }
}
