import type { FoundStep } from '../db/queries/steps';
import {
  completeStep,
  inspectStep,
  listSteps,
  readStepContext,
  saveStepOutput,
  visitStep,
} from '../db/queries/steps';
import { utf8Length } from '../domain/step-output-rules';
import { STEP_OUTPUT_LIMIT_BYTES } from '../domain/storage-limits';
import { ApiError, notFound } from '../http/api-error';
import { createRouter } from '../http/create-router';
import { matchesIfNoneMatch, parseIfMatch, versionTag } from '../http/etag';
import { jsonTextResponse } from '../http/json-text-response';
import { requestDb } from '../middleware/database';
import { announceSession } from '../middleware/work-session';
import {
  HEADERS,
  jsonRequestBody,
  jsonResponse,
  notModifiedResponse,
  problemResponses,
  WorkshopIdParams,
} from '../schemas/common';
import {
  CompleteStepSchema,
  PutOutputSchema,
  type StepContext,
  StepContextQuery,
  StepContextSchema,
  StepListSchema,
  StepParams,
  StepWithOutputSchema,
} from '../schemas/steps';
import { stepContextBody } from '../step-context/body';
import { callerScope, type RoleRule, requireFound, requireRole } from './access';
import { authenticatedRoute } from './route-kinds';

export const STEP_TAG = 'st';

/** `available` follows the earlier steps, whose changes do not move this step's version. */
const stepTag = ({ step, definitionUpdatedAt }: FoundStep) =>
  versionTag(STEP_TAG, step.updatedAt, {
    alsoShown: [definitionUpdatedAt],
    variant: step.available ? 'available' : 'locked',
  });

const listRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/steps',
  operationId: 'listSteps',
  description: 'Members of any role. A step is `available` when every earlier step is complete.',
  tags: ['steps'],
  summary: 'The ten steps: definition fields, status, times, completion and availability',
  request: { params: WorkshopIdParams },
  responses: { 200: jsonResponse(StepListSchema, 'Steps in order'), ...problemResponses(401, 404) },
});

const getRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/steps/{stepId}',
  operationId: 'getStep',
  description:
    "Members of any role; reading a later, unavailable step is allowed. Conditional with `If-None-Match`. Records the visit in the caller's session (`X-Session-Id`).",
  tags: ['steps'],
  summary: 'One step with its output (a visit: a meaningful activity for the session)',
  request: { params: StepParams },
  responses: {
    200: jsonResponse(StepWithOutputSchema, 'The step; `ETag` names its version', HEADERS.etag),
    304: notModifiedResponse,
    ...problemResponses(401, 404),
  },
});

/** Room for the `{"output": …}` envelope and whitespace around an output that is itself within its limit. */
export const STEP_OUTPUT_ENVELOPE_BYTES = 4 * 1024;

const putOutputRoute = authenticatedRoute(
  {
    method: 'put',
    path: '/workshops/{workshopId}/steps/{stepId}/output',
    operationId: 'saveStepOutput',
    description:
      'Editors and owners. The step must be available (409 `step_unavailable` otherwise); a not-started step becomes in progress. The output is stored exactly as sent, key order included, up to 256 KiB.',
    tags: ['steps'],
    summary: "Save (overwrite) a step's output; starts a not-started step; honours If-Match",
    request: { params: StepParams, body: jsonRequestBody(PutOutputSchema) },
    responses: {
      200: jsonResponse(StepWithOutputSchema, 'Saved', HEADERS.etag),
      ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415),
    },
  },
  { body: { limitBytes: STEP_OUTPUT_LIMIT_BYTES, envelopeBytes: STEP_OUTPUT_ENVELOPE_BYTES } },
);

// Completing a step twice changes nothing, so a failed round trip may be retried.
const completeRoute = authenticatedRoute(
  {
    method: 'post',
    path: '/workshops/{workshopId}/steps/{stepId}/complete',
    operationId: 'completeStep',
    description:
      'Editors and owners. `{by: "user"}` without `confirm: true` answers 428 `confirmation_required`; an unavailable step answers 409. Completing the last step completes the workshop.',
    tags: ['steps'],
    summary: 'Complete a step: confirmed by the AI, or skipped by the user with confirm: true',
    request: { params: StepParams, body: jsonRequestBody(CompleteStepSchema) },
    responses: {
      200: jsonResponse(StepWithOutputSchema, 'Complete (also when it already was)', HEADERS.etag),
      ...problemResponses(400, 401, 403, 404, 409, 413, 415, 428),
    },
  },
  { database: { retry: 'repeatable' } },
);

const contextRoute = authenticatedRoute({
  method: 'get',
  path: '/workshops/{workshopId}/steps/{stepId}/context',
  operationId: 'getStepContext',
  tags: ['steps'],
  summary: 'The outputs of every earlier step, in order, ready for an AI prompt (a meaningful activity)',
  description:
    'Members of any role. Sends the earlier outputs once, in the form asked for with `include`: by default `prompt`, one text an AI prompt can embed; `steps` for the structured `earlierSteps` (each output null when it has none); `both` for the two (the outputs twice).',
  request: { params: StepParams, query: StepContextQuery },
  responses: { 200: jsonResponse(StepContextSchema, 'The context'), ...problemResponses(400, 401, 404) },
});

const READ_STEP = 'step';
const CHANGE_STEP: RoleRule = {
  resource: READ_STEP,
  needs: 'editor',
  refusal: 'Changing steps needs the editor role.',
};
const unavailable = () =>
  new ApiError(
    'step_unavailable',
    'Every earlier step must be complete first (or skipped with confirmation).',
  );

export const stepRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const steps = requireFound(
      await listSteps(requestDb(c), callerScope(c, c.req.valid('param'))),
      'workshop',
    );
    return c.json({ items: steps }, 200);
  })
  .openapi(getRoute, async (c) => {
    const visit = await visitStep(requestDb(c), {
      ...callerScope(c, c.req.valid('param')),
      session: c.get('session'),
    });
    const found = requireFound(visit.step, READ_STEP);
    announceSession(c, visit.sessionId);
    const etag = stepTag(found);
    c.header('ETag', etag);
    if (matchesIfNoneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
    return c.json(found.step, 200);
  })
  .openapi(putOutputRoute, async (c) => {
    const { output } = c.req.valid('json');
    const outputJson = JSON.stringify(output);
    if (utf8Length(outputJson) > STEP_OUTPUT_LIMIT_BYTES) {
      throw new ApiError(
        'payload_too_large',
        `A step output may be at most ${STEP_OUTPUT_LIMIT_BYTES} bytes of JSON.`,
        {
          extensions: { limitBytes: STEP_OUTPUT_LIMIT_BYTES },
        },
      );
    }
    const ifMatch = parseIfMatch(c.req.header('If-Match'), STEP_TAG);
    const write = await saveStepOutput(requestDb(c), {
      ...callerScope(c, c.req.valid('param')),
      session: c.get('session'),
      outputJson,
      expectedVersion: ifMatch && 'version' in ifMatch ? ifMatch.version : undefined,
    });
    const before = requireFound(write.before, READ_STEP);
    requireRole(write.role, CHANGE_STEP);
    if (!before.step.available) throw unavailable();
    if (!write.changed || !write.step) {
      throw new ApiError('precondition_failed', 'The step changed since you read it. Fetch it and retry.', {
        extensions: { currentETag: stepTag(before) },
      });
    }
    announceSession(c, write.sessionId);
    c.header('ETag', stepTag(write.step));
    return c.json(write.step.step, 200);
  })
  .openapi(completeRoute, async (c) => {
    const body = c.req.valid('json');
    if (body.by === 'user' && body.confirm !== true) {
      const { role, step } = await inspectStep(requestDb(c), callerScope(c, c.req.valid('param')));
      const found = requireFound(step, READ_STEP);
      requireRole(role, CHANGE_STEP);
      if (!found.available) throw unavailable();
      throw new ApiError(
        'confirmation_required',
        'Skipping a step without the AI confirming it needs {"by": "user", "confirm": true}.',
      );
    }
    const write = await completeStep(requestDb(c), {
      ...callerScope(c, c.req.valid('param')),
      session: c.get('session'),
      completion: body.by === 'ai' ? 'ai_confirmed' : 'user_skipped',
    });
    const before = requireFound(write.before, READ_STEP);
    requireRole(write.role, CHANGE_STEP);
    if (!write.changed && before.step.status !== 'complete') throw unavailable();
    const completed = requireFound(write.step, READ_STEP);
    announceSession(c, write.sessionId);
    c.header('ETag', stepTag(completed));
    return c.json(completed.step, 200);
  })
  .openapi(contextRoute, async (c) => {
    const context = await readStepContext(requestDb(c), {
      ...callerScope(c, c.req.valid('param')),
      session: c.get('session'),
    });
    if (!context?.workshop || !context.current) throw notFound(READ_STEP);
    announceSession(c, context.session_id);
    const found = { workshop: context.workshop, current: context.current, earlier: context.earlier ?? [] };
    return jsonTextResponse<StepContext>(c, stepContextBody(found, c.req.valid('query').include));
  });
