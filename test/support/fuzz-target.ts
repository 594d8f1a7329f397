import { afterAll, beforeAll } from 'vitest';
import type { Components } from './fuzz-arbitraries';
import { type BodyRoute, bodyRoutes, createRouteFixture, type RouteFixture } from './fuzz-routes';
import { createTestApp, type TestApp } from './test-app';

export interface FuzzTarget {
  app: TestApp;
  fixture: RouteFixture;
  routes: BodyRoute[];
  components: Components;
}

/**
 * What both fuzz suites run against, set up once per file: an app with room for every create, a fixture
 * workshop, and the routes with JSON bodies read from its OpenAPI document. Call the returned function in
 * tests; it throws if used before the set-up ran.
 */
export function useFuzzTarget(): () => FuzzTarget {
  let target: FuzzTarget | undefined;
  beforeAll(async () => {
    const app = await createTestApp({ WORKSHOP_CAPS: 'pro:999999', DB_TIMEOUT_MS: '30000' });
    const fixture = await createRouteFixture(app);
    target = { app, fixture, ...(await bodyRoutes(app)) };
  });
  afterAll(async () => {
    await target?.app.close();
  });
  return () => {
    if (!target) throw new Error('the fuzz target is used before its set-up ran');
    return target;
  };
}
