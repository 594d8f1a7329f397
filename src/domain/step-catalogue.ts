/** One of the ten design-thinking steps as the product ships it; admins may later edit names and texts. */
export interface CatalogueStep {
  id: string;
  position: number;
  name: string;
  description: string;
}

export const STEP_DEFINITIONS: readonly CatalogueStep[] = [
  {
    id: 'challenge',
    position: 1,
    name: 'Challenge',
    description:
      'Turn the vague idea into a clear challenge statement: who has the problem, and why it matters.',
  },
  {
    id: 'stakeholder-mapping',
    position: 2,
    name: 'Stakeholder Mapping',
    description: 'Map everyone who affects or is affected by the challenge, and what each of them needs.',
  },
  {
    id: 'user-research',
    position: 3,
    name: 'User Research',
    description: 'Plan and capture interviews and observations with the people who live the problem.',
  },
  {
    id: 'sense-making',
    position: 4,
    name: 'Research Sense Making',
    description: 'Cluster the research into themes, insights and the tensions behind them.',
  },
  {
    id: 'persona',
    position: 5,
    name: 'Persona Development',
    description: 'Condense the insights into personas with goals, frustrations and context.',
  },
  {
    id: 'journey-mapping',
    position: 6,
    name: 'Journey Mapping',
    description:
      "Walk through the persona's current journey, stage by stage, and find the moments that hurt.",
  },
  {
    id: 'reframe',
    position: 7,
    name: 'Reframing the Challenge',
    description: 'Restate the challenge as "How might we…" questions grounded in what was learned.',
  },
  {
    id: 'ideation',
    position: 8,
    name: 'Ideation',
    description: 'Generate many ideas for the reframed challenge, then cluster and shortlist them.',
  },
  {
    id: 'concept',
    position: 9,
    name: 'Concept Development',
    description: 'Shape the chosen idea into a concept: what it is, who it serves, how it works.',
  },
  {
    id: 'validate',
    position: 10,
    name: 'Validate',
    description:
      'Define how to test the concept with real users and what result would prove it right or wrong.',
  },
];

export const STEP_COUNT = STEP_DEFINITIONS.length;
export const STEP_IDS: readonly string[] = STEP_DEFINITIONS.map((definition) => definition.id);
