import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as z from 'zod';
import { apiBaseUrl } from '../../shared/docs/uploads.js';
import { AppError, NotFound } from '../../shared/domain/errors.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { servedAt } from '../../shared/http/openapi-server.js';
import { Reply, route } from '../../shared/http/route.js';
import { keys } from '../../shared/store/keys.js';

/** Health, the OpenAPI document and the readable API reference (Swagger UI served from its npm package). */
const area = 'meta' as const;
const tags = ['Service'];

/** Where Swagger UI's files are: beside the bundle in Lambda (copied at bundling), else the npm package. */
function docsAssetsDir(): string {
  return (
    process.env.DOCS_ASSETS_DIR ??
    path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  );
}
const docsAssets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const docsPage = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>预算绩效管理 API · Budget performance API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true });</script>
</body>
</html>`;

/** Locally, the URL of each local server beside the status; in AWS the status alone. */
const localUrl = (what: string) =>
  z
    .string()
    .optional()
    .meta({ description: `Locally: ${what}` });
const health = z
  .strictObject({
    status: z.literal('ok'),
    api: localUrl('this API'),
    docs: localUrl('the API reference page'),
    mail: localUrl('the local SES server (its `GET /store` lists the messages sent)'),
    dynamodb: localUrl('the local DynamoDB'),
    s3: localUrl('the local S3'),
    ses: localUrl('the local SES API'),
    idp: localUrl('the local identity provider (the tokens’ issuer)'),
  })
  .meta({ id: 'Health' });

/** The document CDK wrote, read once per cold start. */
type OpenApiDocument = { openapi: '3.1.0'; info: { contact?: Record<string, unknown> } };
let writtenDocument: Promise<OpenApiDocument> | undefined;

export const routes = [
  route({
    area,
    method: 'GET',
    path: '/health',
    roles: 'public',
    tags,
    summary: 'Whether every part is up; locally also the URL of each local server',
    response: health,
    problems: { 503: 'The database does not answer' },
    async handle({ deps }) {
      try {
        await deps.db.get(keys.health, z.unknown());
      } catch (err) {
        throw new AppError(
          503,
          'Service Unavailable',
          `The database does not answer: ${(err as Error).name}`,
        );
      }
      return { status: 'ok' as const, ...pickLocalUrls(deps.environment.localUrls) };
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/openapi.json',
    roles: 'public',
    tags,
    summary: 'This API as OpenAPI 3.1, generated from the route declarations',
    response: z
      .looseObject({ openapi: z.literal('3.1.0') })
      .meta({ description: 'An OpenAPI 3.1 document (its own schema is the OpenAPI specification’s)' }),
    async handle(req) {
      // In Lambda the document was generated at synth and lies beside the bundle (the stack sets
      // OPENAPI_FILE; the generator, which imports every area, is not in this function's bundle). Locally
      // it is generated on request from the declarations. Either way it names the server it is served by.
      const serverUrl = apiBaseUrl(req.headers);
      const file = process.env.OPENAPI_FILE;
      if (file) {
        writtenDocument ??= readFile(file, 'utf8').then((text) => JSON.parse(text) as OpenApiDocument);
        return servedAt(await writtenDocument, serverUrl);
      }
      const { apiDocument } = await import('./openapi-document.js');
      return apiDocument(serverUrl);
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/docs',
    roles: 'public',
    tags,
    summary: 'A readable API reference',
    produces: 'text/html',
    handle: async () => new Reply(200, docsPage, { 'content-type': 'text/html; charset=utf-8' }),
  }),
  route({
    area,
    method: 'GET',
    path: '/docs/{asset}',
    roles: 'public',
    tags,
    summary: 'The reference page’s scripts and styles',
    produces: ['text/css', 'text/javascript'],
    params: z.strictObject({ asset: z.string() }),
    async handle({ params }) {
      // Own properties only: `constructor` or `__proto__` is no asset.
      const type = Object.hasOwn(docsAssets, params.asset) ? docsAssets[params.asset] : undefined;
      if (!type) throw new NotFound(`The file ${params.asset}`);
      const text = await readFile(path.join(docsAssetsDir(), params.asset), 'utf8');
      return new Reply(200, text, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
    },
  }),
];

/** The documented URLs of the local servers only. */
function pickLocalUrls(urls: Record<string, string> | undefined) {
  const names = Object.keys(health.shape).filter((k) => k !== 'status');
  return Object.fromEntries(Object.entries(urls ?? {}).filter(([k]) => names.includes(k)));
}

export const handler = createApiHandler(routes);
