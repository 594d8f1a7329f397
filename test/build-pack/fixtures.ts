import type { BuildPackSource, BuildPackStep, StepCompletion, StepStatus } from '../../src/build-pack/source';

export const STEP_DEFINITIONS = [
  { id: 'challenge', name: 'Challenge', description: 'Frame the problem worth solving and who has it.' },
  {
    id: 'stakeholder-mapping',
    name: 'Stakeholder Mapping',
    description: 'Map everyone who shapes or feels it.',
  },
  {
    id: 'user-research',
    name: 'User Research',
    description: 'Plan and capture conversations with real users.',
  },
  {
    id: 'sense-making',
    name: 'Research Sense Making',
    description: 'Cluster findings into themes and insights.',
  },
  { id: 'persona', name: 'Persona Development', description: 'Turn insights into a persona to design for.' },
  {
    id: 'journey-mapping',
    name: 'Journey Mapping',
    description: "Walk through the persona's journey and pains.",
  },
  { id: 'reframe', name: 'Reframing the Challenge', description: 'Restate the challenge as a How Might We.' },
  { id: 'ideation', name: 'Ideation', description: 'Generate many ideas, then pick the strongest.' },
  { id: 'concept', name: 'Concept Development', description: 'Shape the chosen idea into a concept.' },
  { id: 'validate', name: 'Validate', description: 'Decide how to test the concept with users.' },
] as const;

export const STEP_HEADINGS = STEP_DEFINITIONS.map((step, index) => `${index + 1}. ${step.name}`);

const at = (day: number, hour = 9) => new Date(Date.UTC(2025, 2, day, hour, 30, 0));

interface StepState {
  status: StepStatus;
  completion?: StepCompletion | null;
  output?: Record<string, unknown> | null;
}

function step(index: number, state: StepState): BuildPackStep {
  const definition = STEP_DEFINITIONS[index];
  if (!definition) throw new Error(`no step ${index}`);
  const started = state.status !== 'not_started';
  const complete = state.status === 'complete';
  return {
    ...definition,
    position: index + 1,
    status: state.status,
    completion: complete ? (state.completion ?? 'ai_confirmed') : null,
    startedAt: started ? at(index + 2) : null,
    completedAt: complete ? at(index + 2, 15) : null,
    updatedAt: started ? at(index + 2, 16) : at(1),
    output: state.output ?? null,
  };
}

/**
 * The progress the database would report for these steps (skipped ones are complete too): the test's own
 * statement of the rule, to check the SQL's against.
 */
export function progressOf(steps: readonly Pick<BuildPackStep, 'status' | 'completion'>[]) {
  const complete = steps.filter((step) => step.status === 'complete');
  return {
    completed: complete.length,
    skipped: complete.filter((step) => step.completion === 'user_skipped').length,
    total: steps.length,
  };
}

/** `base` with other steps, and the progress that goes with them. */
export function withSteps(base: BuildPackSource, steps: BuildPackStep[]): BuildPackSource {
  return { ...base, steps, progress: progressOf(steps) };
}

function source(title: string, originalIdea: string, states: readonly StepState[]): BuildPackSource {
  const steps = STEP_DEFINITIONS.map((_, index) => step(index, states[index] ?? { status: 'not_started' }));
  return {
    pack: { id: 'pack_1', title, format: 'markdown', createdAt: at(20), updatedAt: at(21) },
    workshop: {
      id: 'ws_1',
      title: 'Campus food waste',
      originalIdea,
      status: states.every((state) => state.status === 'complete') ? 'completed' : 'active',
      createdAt: at(1),
      updatedAt: at(19),
    },
    progress: progressOf(steps),
    steps,
  };
}

const IDEA = 'An app that helps students share leftover food before it goes to waste.';

export const emptyWorkshop: BuildPackSource = source('Empty pack', IDEA, []);

export const halfDoneWorkshop: BuildPackSource = source('Half-done pack', IDEA, [
  {
    status: 'complete',
    output: {
      problemStatement: 'Students throw away edible food every evening.',
      targetUsers: ['Students in halls', 'Canteen staff'],
    },
  },
  {
    status: 'complete',
    output: {
      stakeholders: [
        { name: 'Student union', influence: 'high', interest: 'medium' },
        { name: 'Catering manager', influence: 'high', interest: 'high' },
      ],
    },
  },
  { status: 'complete', output: { interviewCount: 8, recruitedVia: 'Union newsletter', paid: false } },
  { status: 'complete', completion: 'user_skipped' },
  {
    status: 'in_progress',
    output: { draftPersona: { name: 'Maya', age: 20, goals: ['Eat well on a budget'] } },
  },
]);

export const GREEK = 'Καλημέρα κόσμε, ξεσκεπάζω την ψυχοφθόρα βδελυγμία';
export const CYRILLIC = 'Съешь же ещё этих мягких французских булок';
export const CJK = '食品ロスを減らす 你好世界 안녕하세요';
export const EMOJI = 'Launch 🦄🚀 family 👨‍👩‍👧 flag 🇬🇧 thumbs 👍🏽';
export const ARABIC = 'مرحبا بالعالم ٢٠٢٥';
export const HEBREW = 'שלום עולם 2025 and back';
export const COMBINING = 'Ame\u0301lie, n\u0303, Z\u0351\u0352a\u0353l\u0354g\u0355o';

/** Strings that would become Markdown syntax if they were not escaped. */
export const HOSTILE_STRINGS = [
  '# x',
  '### Injected heading',
  '*x*',
  '**bold**',
  '_under_',
  '[a](b)',
  '![img](http://example.com/x.png)',
  '<script>alert(1)</script>',
  '<div>block html</div>',
  '<!-- comment -->',
  '`code`',
  '```js',
  '~~~',
  '1. x',
  '2) y',
  '- x',
  '+ x',
  '* x',
  '> quoted',
  '|a|b|',
  '|-|-|',
  '\\',
  'ends with backslash \\',
  '---',
  '===',
  '***',
  '___',
  '&amp; &copy; &#35;',
  '<http://example.com>',
  '[ref]: http://example.com',
  '~~strike~~',
  'a  ',
] as const;

/** Multi-line hostile text: every dangerous marker at the start of a line, plus indentation and CRLF. */
export const HOSTILE_PARAGRAPH = [
  '# heading',
  '    indented code',
  '\tTabbed code',
  '- item',
  '1. item',
  '> quote',
  '```',
  '<div>',
  'Setext',
  '===',
  '---',
].join('\r\n');

export const HOSTILE_KEYS = {
  '# Heading key': 'v1',
  '<b>bold key</b>': 'v2',
  '[link](x)': 'v3',
  '`tick`': 'v4',
};

const WORDS = [
  'design',
  'student',
  'food',
  'waste',
  'evening',
  'canteen',
  'share',
  'budget',
  'habit',
  'fridge',
];
export const LONG_TEXT = Array.from({ length: 5000 }, (_, index) => WORDS[(index * 7) % WORDS.length]).join(
  ' ',
);
export const LONG_WORD = 'Supercalifragilistic'.repeat(30);

export const completeWorkshop: BuildPackSource = source(
  'Build pack: *Launch* <v2> [draft] #1',
  `${IDEA}\n\n# Not a heading\n- not a list\n<script>alert(1)</script>`,
  [
    {
      status: 'complete',
      output: {
        problemStatement:
          'Every evening the canteens throw away food that is still good, while students skip meals to save money.',
        targetUsers: ['Students in halls', 'Canteen staff', 'Local food banks'],
        constraints: { budget: 5000, currency: 'GBP', launchBy: '2025-09-01', mustWork: { offline: true } },
      },
    },
    {
      status: 'complete',
      output: {
        stakeholders: [
          { name: 'Student union', influence: 'high', notes: 'Runs the newsletter.\nCan promote the pilot.' },
          { name: 'Catering manager', influence: 'high', interests: ['Less waste', 'Fewer complaints'] },
        ],
        matrix: [
          ['high', 'low'],
          ['low', 'high'],
        ],
      },
    },
    { status: 'complete', output: { interviewNotes: LONG_TEXT, longWord: LONG_WORD } },
    {
      status: 'complete',
      output: {
        greek: GREEK,
        cyrillic: CYRILLIC,
        cjk: CJK,
        emoji: EMOJI,
        arabic: ARABIC,
        hebrew: HEBREW,
        COMBINING,
      },
    },
    {
      status: 'complete',
      output: {
        persona: {
          name: 'Maya',
          profile: {
            background: { education: { history: { school: { detail: { deepest: 'Seventh level' } } } } },
          },
        },
      },
    },
    {
      status: 'complete',
      output: {
        hostile: Object.fromEntries(HOSTILE_STRINGS.map((text, index) => [`case${index}`, text])),
        hostileList: [...HOSTILE_STRINGS],
        hostileParagraph: HOSTILE_PARAGRAPH,
        ...HOSTILE_KEYS,
      },
    },
    { status: 'complete', completion: 'user_skipped' },
    {
      status: 'complete',
      output: { ideas: [], shortlist: {}, note: '', score: 4.5, chosen: null, ready: true },
    },
    { status: 'complete', output: {} },
    { status: 'complete', output: { plan: 'Run a two-week pilot in one hall.' } },
  ],
);

export const FIXTURES = {
  empty: emptyWorkshop,
  halfDone: halfDoneWorkshop,
  complete: completeWorkshop,
} as const;

/** The status mark each step of each fixture must show, in position order. */
export const EXPECTED_MARKS: Record<keyof typeof FIXTURES, readonly string[]> = {
  empty: Array.from({ length: 10 }, () => 'Not started'),
  halfDone: [
    'Complete — confirmed by the AI facilitator',
    'Complete — confirmed by the AI facilitator',
    'Complete — confirmed by the AI facilitator',
    'Skipped by the user',
    'In progress — draft output',
    ...Array.from({ length: 5 }, () => 'Not started'),
  ],
  complete: [
    ...Array.from({ length: 6 }, () => 'Complete — confirmed by the AI facilitator'),
    'Skipped by the user',
    ...Array.from({ length: 3 }, () => 'Complete — confirmed by the AI facilitator'),
  ],
};
