/**
 * One workshop's whole life, as data. Three things are made from this list and nothing else:
 * the README walk-through (readme-block.ts), `npm run demo` against a dev server (run.ts), and the
 * in-process test (test/demo/workflow.test.ts). Change the API and one of them fails; change this list and
 * `npm run demo -- --write-readme` rewrites the README.
 *
 * `$NAME` in a path, header value or expectation is a variable captured by an earlier step (or `$API`,
 * the base URL, in the shell rendering only). Bodies are literal JSON: they never contain variables.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The two people of the demo; each becomes a shell variable holding their session token. */
export type TokenVariable = 'OWNER' | 'EDITOR';

export type Capture =
  /** `path` is a dotted property path into the JSON body, e.g. `id` or `shareToken`. */
  | { variable: string; from: 'body'; path: string }
  /** `name` is a response header, case-insensitive. */
  | { variable: string; from: 'header'; name: string };

/** What the shell rendering prints for a call that captures nothing. */
export type Show = 'body' | 'status' | 'headers';

export interface TokenStep {
  kind: 'token';
  explain: string;
  variable: TokenVariable;
  user: string;
  plan?: string;
}

export interface HttpStep {
  kind: 'http';
  /** One line: why this call, in product terms. */
  explain: string;
  method: HttpMethod;
  /** Starts with `/api/`; may contain `$VARS`. */
  path: string;
  /** Sends `Authorization: Bearer $<as>`; absent for public calls. */
  as?: TokenVariable;
  headers?: Record<string, string>;
  body?: JsonObject;
  expect: number;
  /** The response's Content-Type must start with this. */
  expectContentType?: string;
  /** The response body must contain this text (after variables are substituted). */
  expectBodyIncludes?: string;
  capture?: Capture;
  /** Shell rendering only; default `body`. */
  show?: Show;
  /** Also rendered as an HTTPie example in the README prose. */
  httpie?: boolean;
}

export type WorkflowStep = TokenStep | HttpStep;

export const OWNER_USER = 'user_demo_owner';
export const EDITOR_USER = 'user_demo_editor';

export const IDEA =
  'Night-shift nurses skip proper meals because the canteen closes at 8 pm: an app that plans meals around rotating shifts';

/** The ten steps in order, each with an output that looks like what the AI and the user would produce. */
export const STEP_OUTPUTS = [
  {
    id: 'challenge',
    name: 'Challenge',
    output: {
      statement: 'How might night-shift nurses eat a proper meal when every food outlet is closed?',
      whoHasIt: 'Nurses on rotating 12-hour shifts in a 600-bed hospital',
      whyItMatters: 'Skipped meals show up as fatigue, errors and sick days',
      scope: 'Three wards, eight weeks, no new kitchen staff',
    },
  },
  {
    id: 'stakeholder-mapping',
    name: 'Stakeholder Mapping',
    output: {
      stakeholders: [
        { who: 'Night-shift nurses', need: 'A warm meal inside a 20-minute break' },
        { who: 'Ward managers', need: 'Fewer sick days and handover errors' },
        { who: 'Canteen operator', need: 'No loss-making night service' },
        { who: 'Occupational health', need: 'A wellbeing measure they can report' },
      ],
    },
  },
  {
    id: 'user-research',
    name: 'User Research',
    output: {
      method: '12 interviews and 3 observed night shifts',
      quotes: [
        'By 3 am the vending machine is all there is.',
        'I bring leftovers but there is nowhere to heat them near the ward.',
      ],
      observations: ['Breaks move by up to 2 hours', 'The staff fridge is full of unlabelled boxes'],
    },
  },
  {
    id: 'sense-making',
    name: 'Research Sense Making',
    output: {
      themes: [
        { theme: 'Breaks are unpredictable', insight: 'Any plan must survive a break that moves by hours' },
        { theme: 'Distance beats choice', insight: 'Nurses pick the nearest food, not the best' },
      ],
      tension: 'People want home-cooked food but have no energy to cook between nights',
    },
  },
  {
    id: 'persona',
    name: 'Persona Development',
    output: {
      name: 'Amara, ICU nurse, 34',
      pattern: '4 nights on, 3 off',
      goals: ['Eat something warm at 3 am', 'Sleep straight after the shift'],
      frustrations: ['Vending machines', 'No time to shop on rota changes'],
    },
  },
  {
    id: 'journey-mapping',
    name: 'Journey Mapping',
    output: {
      draft: true,
      stages: ['Commute in', 'Handover', 'First break', 'Second break', 'Commute home'],
      note: 'Skipped for now: to be mapped with the ward after the pilot',
    },
  },
  {
    id: 'reframe',
    name: 'Reframing the Challenge',
    output: {
      howMightWe: [
        'How might we put a warm meal within 5 minutes of every ward at 3 am?',
        'How might we make planning the week take less than a break?',
      ],
    },
  },
  {
    id: 'ideation',
    name: 'Ideation',
    output: {
      ideas: [
        'Heated pre-order lockers',
        'Shift-aware batch-cooking plans',
        'Ward meal swap',
        'Night food truck',
      ],
      shortlist: ['Heated pre-order lockers', 'Shift-aware batch-cooking plans'],
    },
  },
  {
    id: 'concept',
    name: 'Concept Development',
    output: {
      name: 'NightBite',
      summary: 'Order by 6 pm from the rota-aware app; collect a hot meal from a heated locker by the ward',
      serves: 'Night-shift nurses, first on three wards',
      howItWorks: [
        'The app reads the rota',
        'The canteen cooks one evening batch',
        'Lockers keep meals at 65 °C',
      ],
    },
  },
  {
    id: 'validate',
    name: 'Validate',
    output: {
      experiment: 'Two-week locker pilot on one ward, orders by form',
      measure: 'Share of night shifts with a hot meal eaten',
      result: 'From 22% to 71% of shifts',
      decision: 'Build the app; extend to two more wards',
    },
  },
] as const satisfies readonly { id: string; name: string; output: JsonObject }[];

/** The step that the user skips ahead of the AI (with confirmation). */
export const SKIPPED_STEP = 'journey-mapping';
/** The step the second user, an editor, saves. */
export const EDITOR_STEP = 'user-research';

const session = { 'X-Session-Id': '$SID' };

type WalkedStep = (typeof STEP_OUTPUTS)[number] & { position: number };

function walkStep(step: WalkedStep, index: number): HttpStep[] {
  const base = `/api/workshops/$WS/steps/${step.id}`;
  const first = index === 0;
  const author: TokenVariable = step.id === EDITOR_STEP ? 'EDITOR' : 'OWNER';
  const read: HttpStep = {
    kind: 'http',
    explain: `${step.position}/10 ${step.name}: read the context (the idea and every earlier output) for the AI prompt`,
    method: 'GET',
    path: `${base}/context`,
    as: 'OWNER',
    expect: 200,
    // The first meaningful activity persists the session; every later call sends its id back.
    ...(first
      ? { capture: { variable: 'SID', from: 'header', name: 'X-Session-Id' } }
      : { headers: session, show: 'status' }),
  };
  const save: HttpStep = {
    kind: 'http',
    explain: `${step.position}/10 ${step.name}: save the output${author === 'EDITOR' ? ' (the editor does this one)' : ''}`,
    method: 'PUT',
    path: `${base}/output`,
    as: author,
    headers: session,
    body: { output: step.output },
    expect: 200,
    expectBodyIncludes: '"status":"in_progress"',
    show: first ? 'body' : 'status',
  };
  if (step.id === SKIPPED_STEP) {
    return [
      read,
      save,
      {
        kind: 'http',
        explain: `${step.position}/10 ${step.name}: the user skips ahead, but forgets to confirm`,
        method: 'POST',
        path: `${base}/complete`,
        as: 'OWNER',
        headers: session,
        body: { by: 'user' },
        expect: 428,
        expectContentType: 'application/problem+json',
      },
      {
        kind: 'http',
        explain: `${step.position}/10 ${step.name}: skip ahead with confirmation (completion user_skipped)`,
        method: 'POST',
        path: `${base}/complete`,
        as: 'OWNER',
        headers: session,
        body: { by: 'user', confirm: true },
        expect: 200,
        expectBodyIncludes: '"completion":"user_skipped"',
        show: 'status',
        httpie: true,
      },
    ];
  }
  return [
    read,
    save,
    {
      kind: 'http',
      explain: `${step.position}/10 ${step.name}: the AI confirms the step is done`,
      method: 'POST',
      path: `${base}/complete`,
      as: 'OWNER',
      headers: session,
      body: { by: 'ai' },
      expect: 200,
      expectBodyIncludes: '"completion":"ai_confirmed"',
      show: first ? 'body' : 'status',
    },
  ];
}

const STEPS_WITH_POSITIONS = STEP_OUTPUTS.map((step, index) => ({ ...step, position: index + 1 }));

function walkAllSteps(): HttpStep[] {
  const [first, ...rest] = STEPS_WITH_POSITIONS.map((step, index) => walkStep(step, index));
  if (!first) throw new Error('no steps');
  const tooEarly: HttpStep = {
    kind: 'http',
    explain: 'Saving a later step before the earlier ones are complete is refused (step_unavailable)',
    method: 'PUT',
    path: '/api/workshops/$WS/steps/persona/output',
    as: 'OWNER',
    headers: session,
    body: { output: { name: 'Too early' } },
    expect: 409,
    expectContentType: 'application/problem+json',
    expectBodyIncludes: '"code":"step_unavailable"',
  };
  // The refused save comes right after the first context read, once a session exists.
  const [firstRead, ...firstRest] = first;
  if (!firstRead) throw new Error('no first step');
  return [firstRead, tooEarly, ...firstRest, ...rest.flat()];
}

function buildPack(format: 'markdown' | 'json' | 'pdf', variable: string, contentType: string): HttpStep[] {
  return [
    {
      kind: 'http',
      explain: `Create a ${format} build pack`,
      method: 'POST',
      path: '/api/workshops/$WS/build-packs',
      as: 'OWNER',
      body: { format },
      expect: 201,
      capture: { variable, from: 'body', path: 'id' },
    },
    {
      kind: 'http',
      explain: `Download the ${format} build pack, rendered now from the current outputs`,
      method: 'GET',
      path: `/api/workshops/$WS/build-packs/$${variable}/content`,
      as: 'OWNER',
      expect: 200,
      expectContentType: contentType,
      show: 'headers',
    },
  ];
}

export const WORKFLOW: readonly WorkflowStep[] = [
  {
    kind: 'http',
    explain: 'Is the API up, its database reachable and migrated?',
    method: 'GET',
    path: '/api/health',
    expect: 200,
    expectBodyIncludes: '"status":"ok"',
  },
  {
    kind: 'token',
    explain: 'A session token for the owner, on the pro plan',
    variable: 'OWNER',
    user: OWNER_USER,
    plan: 'pro',
  },
  {
    kind: 'token',
    explain: 'A session token for a colleague (free plan)',
    variable: 'EDITOR',
    user: EDITOR_USER,
  },
  {
    kind: 'http',
    explain: 'Who am I: user id, plan, workshop cap and count',
    method: 'GET',
    path: '/api/me',
    as: 'OWNER',
    expect: 200,
    expectBodyIncludes: '"plan":"pro"',
  },
  {
    kind: 'http',
    explain: 'Start a workshop from a vague idea (draft, ten not-started steps)',
    method: 'POST',
    path: '/api/workshops',
    as: 'OWNER',
    body: { originalIdea: IDEA, title: 'Meals for night-shift nurses' },
    expect: 201,
    capture: { variable: 'WS', from: 'body', path: 'id' },
    httpie: true,
  },
  {
    kind: 'http',
    explain: 'My workshops, newest activity first',
    method: 'GET',
    path: '/api/workshops?limit=5',
    as: 'OWNER',
    expect: 200,
    expectBodyIncludes: '$WS',
  },
  {
    kind: 'http',
    explain: 'Read the workshop and keep its ETag (its version)',
    method: 'GET',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    expect: 200,
    capture: { variable: 'ETAG', from: 'header', name: 'ETag' },
  },
  {
    kind: 'http',
    explain: 'Read it again with If-None-Match: unchanged, so no body',
    method: 'GET',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    headers: { 'If-None-Match': '$ETAG' },
    expect: 304,
    show: 'status',
  },
  {
    kind: 'http',
    explain: 'The colleague is not a member yet: the workshop does not exist for them',
    method: 'GET',
    path: '/api/workshops/$WS',
    as: 'EDITOR',
    expect: 404,
    expectContentType: 'application/problem+json',
  },
  {
    kind: 'http',
    explain: 'The owner adds the colleague as an editor',
    method: 'PUT',
    path: `/api/workshops/$WS/members/${EDITOR_USER}`,
    as: 'OWNER',
    body: { role: 'editor' },
    expect: 201,
    expectBodyIncludes: '"role":"editor"',
  },
  {
    kind: 'http',
    explain: 'Now the colleague sees it, with their role',
    method: 'GET',
    path: '/api/workshops/$WS',
    as: 'EDITOR',
    expect: 200,
    expectBodyIncludes: '"role":"editor"',
    show: 'status',
  },
  ...walkAllSteps(),
  {
    kind: 'http',
    explain: 'Every step complete: the workshop completed by itself',
    method: 'GET',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    expect: 200,
    expectBodyIncludes: '"status":"completed"',
    show: 'status',
  },
  {
    kind: 'http',
    explain: 'Rename it with the ETag read before the steps: stale, so refused',
    method: 'PATCH',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    headers: { 'If-Match': '$ETAG' },
    body: { title: 'NightBite: hot meals for night shifts' },
    expect: 412,
    expectContentType: 'application/problem+json',
    expectBodyIncludes: '"code":"precondition_failed"',
    httpie: true,
  },
  {
    kind: 'http',
    explain: 'Read the current version',
    method: 'GET',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    expect: 200,
    capture: { variable: 'ETAG', from: 'header', name: 'ETag' },
  },
  {
    kind: 'http',
    explain: 'Rename it with the current ETag',
    method: 'PATCH',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    headers: { 'If-Match': '$ETAG' },
    body: { title: 'NightBite: hot meals for night shifts' },
    expect: 200,
    expectBodyIncludes: '"title":"NightBite: hot meals for night shifts"',
    show: 'status',
  },
  {
    kind: 'http',
    explain: 'Sessions of work on this workshop: the one from X-Session-Id',
    method: 'GET',
    path: '/api/workshops/$WS/sessions',
    as: 'OWNER',
    expect: 200,
    expectBodyIncludes: '"id":"$SID"',
  },
  {
    kind: 'http',
    explain: 'End the session',
    method: 'POST',
    path: '/api/workshops/$WS/sessions/$SID/end',
    as: 'OWNER',
    expect: 200,
    expectBodyIncludes: '"persisted":true',
  },
  {
    kind: 'http',
    explain: 'Share it read-only by link',
    method: 'PUT',
    path: '/api/workshops/$WS/share',
    as: 'OWNER',
    expect: 200,
    capture: { variable: 'SHARE', from: 'body', path: 'shareToken' },
  },
  {
    kind: 'http',
    explain: 'Anyone with the link reads it, without signing in',
    method: 'GET',
    path: '/api/shared/$SHARE',
    expect: 200,
    expectBodyIncludes: '"title":"NightBite: hot meals for night shifts"',
    show: 'status',
  },
  {
    kind: 'http',
    explain: 'Stop sharing',
    method: 'DELETE',
    path: '/api/workshops/$WS/share',
    as: 'OWNER',
    expect: 204,
    show: 'status',
  },
  {
    kind: 'http',
    explain: 'The old link is dead at once',
    method: 'GET',
    path: '/api/shared/$SHARE',
    expect: 404,
    expectContentType: 'application/problem+json',
    show: 'status',
  },
  ...buildPack('markdown', 'MD_PACK', 'text/markdown'),
  ...buildPack('json', 'JSON_PACK', 'application/json'),
  ...buildPack('pdf', 'PDF_PACK', 'application/pdf'),
  {
    kind: 'http',
    explain: 'Delete without confirmation: refused, with the counts of what would go',
    method: 'DELETE',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    expect: 428,
    expectContentType: 'application/problem+json',
    expectBodyIncludes: '"wouldDelete"',
  },
  {
    kind: 'http',
    explain: 'Delete for real',
    method: 'DELETE',
    path: '/api/workshops/$WS?confirm=true',
    as: 'OWNER',
    expect: 204,
    show: 'status',
  },
  {
    kind: 'http',
    explain: 'Gone',
    method: 'GET',
    path: '/api/workshops/$WS',
    as: 'OWNER',
    expect: 404,
    expectContentType: 'application/problem+json',
    show: 'status',
  },
];

/** `$NAME` references in a string, in order. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(/\$([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? '');
}

/** The variables a step sets, if any. */
export function variableSetBy(step: WorkflowStep): string | undefined {
  return step.kind === 'token' ? step.variable : step.capture?.variable;
}

/** The variables a step reads (not counting `$API`, which only the shell rendering has). */
export function variablesReadBy(step: WorkflowStep): string[] {
  if (step.kind === 'token') return [];
  return [
    ...variablesIn(step.path),
    ...(step.as ? [step.as] : []),
    ...Object.values(step.headers ?? {}).flatMap(variablesIn),
    ...(step.expectBodyIncludes ? variablesIn(step.expectBodyIncludes) : []),
  ];
}

/** `GET /api/workshops/$WS → 304`: how a step is named in output and test titles. */
export function stepLabel(step: WorkflowStep, index: number): string {
  const number = String(index + 1).padStart(2, ' ');
  if (step.kind === 'token')
    return `${number}. token ${step.variable} (${step.user}${step.plan ? `, ${step.plan}` : ''})`;
  return `${number}. ${step.method} ${step.path} → ${step.expect}`;
}
