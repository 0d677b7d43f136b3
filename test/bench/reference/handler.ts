// The reference of `npm run bench -- bundles`: a typical Lambda handler of the same kind, made of public
// packages only (the shape of aws-samples' serverless-typescript-demo `get-product`): middy with Powertools
// Logger, Metrics and Tracer, and one DynamoDB DocumentClient GetCommand. It is built with the very options
// of our functions (infra/aws/constructs/bundling.ts), so the comparison is of what is bundled, not how.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const logger = new Logger({ serviceName: 'reference' });
const metrics = new Metrics({ namespace: 'reference', serviceName: 'reference' });
const tracer = new Tracer({ serviceName: 'reference' });
const db = tracer.captureAWSv3Client(DynamoDBDocumentClient.from(new DynamoDBClient({})));

async function getItem(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const id = event.pathParameters?.id;
  if (!id) return { statusCode: 400, body: JSON.stringify({ message: 'id is required' }) };
  const out = await db.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `REF#${id}`, sk: 'REF' } }),
  );
  metrics.addMetric('ReferenceGet', MetricUnit.Count, 1);
  if (!out.Item) return { statusCode: 404, body: JSON.stringify({ message: `${id} not found` }) };
  logger.info('found', { id });
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out.Item) };
}

export const handler = middy(getItem)
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics));
