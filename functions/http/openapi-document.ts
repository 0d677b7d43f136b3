import { openApiDocument } from '../../shared/http/openapi.js';
import { allRoutes } from './registry.js';

/**
 * This API's OpenAPI document, from every area's route declarations. It reaches every area (their schemas),
 * so the meta function does not bundle it: CDK writes the document beside that function's bundle at synth
 * (OPENAPI_FILE, infra/aws/stack.ts), and locally the meta route generates it on request from here.
 */
export const apiDocument = (serverUrl?: string) => openApiDocument(allRoutes, { ...apiInfo, serverUrl });

/** The document's title and version (GET /openapi.json, the lint test and the generated client use them). */
export const apiInfo = { title: 'Budget performance API (预算绩效管理)', version: '1' };
