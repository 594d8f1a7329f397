import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { allowedMethodsOf } from './http/allowed-methods';
import { createRouter } from './http/create-router';
import { bodyLimits } from './middleware/body-limit';
import { configMiddleware } from './middleware/config';
import { corsHeaders } from './middleware/cors';
import { endDatabaseDeadline } from './middleware/database';
import { handleError, handleNotFound } from './middleware/errors';
import { requestLog } from './middleware/request-log';
import { sessionMiddleware } from './middleware/work-session';
import { apiIndexRoutes } from './routes/api-index';
import { buildPackRoutes } from './routes/build-packs';
import { docsRoutes, docsWithTrailingSlash } from './routes/docs';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { memberRoutes } from './routes/members';
import { openApiRoutes } from './routes/openapi';
import { sessionRoutes } from './routes/sessions';
import { shareRoutes } from './routes/shares';
import { stepDefinitionRoutes } from './routes/step-definitions';
import { stepRoutes } from './routes/steps';
import { webhookRoutes } from './routes/webhooks';
import { workshopRoutes } from './routes/workshops';

export function createApp() {
  const app = createRouter();

  app.use(
    '*',
    requestId({
      headerName: 'X-Request-Id',
      limitLength: 128,
    }),
  );
  app.use('*', requestLog);
  app.use('*', secureHeaders());
  app.use('*', configMiddleware);
  app.use('*', corsHeaders);
  app.use('*', bodyLimits);
  app.use('*', endDatabaseDeadline);

  app.use('/api/workshops/:workshopId/*', sessionMiddleware);
  app.use('/api/docs/', docsWithTrailingSlash);

  const routes = app
    .route('/api', healthRoutes)
    .route('/api', meRoutes)
    .route('/api', workshopRoutes)
    .route('/api', memberRoutes)
    .route('/api', shareRoutes)
    .route('/api', stepDefinitionRoutes)
    .route('/api', stepRoutes)
    .route('/api', sessionRoutes)
    .route('/api', buildPackRoutes)
    .route('/api', webhookRoutes)
    .route('/api', docsRoutes)
    .route('/api', openApiRoutes(app))
    .route('/', apiIndexRoutes);

  app.notFound(handleNotFound(allowedMethodsOf(app.routes)));
  app.onError(handleError);
  return routes;
}

export type AppType = ReturnType<typeof createApp>;
