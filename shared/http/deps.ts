import { Db } from '../store/db.js';

/**
 * What handlers need from the outside world. Created once per process, on first use, so that importing
 * a route declaration (for CDK or OpenAPI) creates no client; tests pass their own.
 */
export interface Deps {
  db: Db;
  /** Extra facts about where we run (the local runner names its servers for /health). */
  environment: { localUrls?: Record<string, string> };
}

let deps: Deps | undefined;

export function defaultDeps(): Deps {
  deps ??= {
    db: new Db(),
    environment: { localUrls: process.env.LOCAL_URLS ? JSON.parse(process.env.LOCAL_URLS) : undefined },
  };
  return deps;
}
