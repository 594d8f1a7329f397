/*
 * Build-pack rendering at its worst: every renderer on the largest outputs a user can store (ten steps
 * at the step output limit), for each adversarial kind of text, against a typical pack; how the time
 * grows when the input doubles; and how /api/health/live answers while the app renders a worst-case PDF.
 */

import { renderJson } from '../src/build-pack/json';
import { renderMarkdown } from '../src/build-pack/markdown';
import { renderPdf } from '../src/build-pack/pdf';
import type { BuildPackSource } from '../src/build-pack/source';
import { STEP_IDS } from '../src/domain/step-catalogue';
import { STEP_OUTPUT_LIMIT_BYTES } from '../src/domain/storage-limits';
import { type AdversarialKind, adversarialOutput } from '../test/support/adversarial-outputs';
import type { BenchEnvironment } from './environment';
import type { HttpClient } from './lib/http';
import { median, percentile, round } from './lib/stats';
import { type Fixture, stepOutput } from './seed';
import { type Row, verdict } from './table';

export interface RenderingSettings {
  kinds: readonly AdversarialKind[];
  /** Timed renders per format and input, of which the median counts. */
  repetitions: number;
}

export const RENDERERS = ['markdown', 'json', 'pdf'] as const;
type Renderer = (typeof RENDERERS)[number];

const LIVENESS_TARGET_MS = 100;
/** Doubling the input may cost a little more than double (page furniture, GC), never four times. */
const LINEAR_GROWTH_LIMIT = 2.5;

interface Timing {
  ms: number;
  outcome: string;
}

export interface RendererResult {
  renderer: Renderer;
  typicalMs: number;
  typicalBytes: number;
  perKind: Record<string, Timing>;
  worstKind: AdversarialKind;
  worstBytes: number;
  worstMs: number;
  worstOutcome: string;
  halfSizeMs: number;
  growth: number;
}

export interface LivenessResult {
  kind: AdversarialKind;
  renderMs: number;
  renderStatus: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface RenderingResult {
  renderers: RendererResult[];
  liveness: LivenessResult;
}

const at = (day: number) => new Date(Date.UTC(2026, 10, day, 9, 30));

function packSource(outputs: readonly Record<string, unknown>[]): BuildPackSource {
  return {
    pack: { id: 'bp_bench', title: 'Bench pack', format: 'pdf', createdAt: at(20), updatedAt: at(20) },
    workshop: {
      id: 'ws_bench',
      title: 'Meals for night-shift nurses',
      originalIdea: 'An app that plans healthy meals around rotating night shifts.',
      status: 'completed',
      createdAt: at(1),
      updatedAt: at(19),
    },
    steps: STEP_IDS.map((id, index) => ({
      id,
      position: index + 1,
      name: id,
      description: `What step ${index + 1} is for.`,
      status: 'complete',
      completion: 'ai_confirmed',
      startedAt: at(index + 2),
      completedAt: at(index + 2),
      updatedAt: at(index + 2),
      output: outputs[index] ?? null,
    })),
    progress: { completed: STEP_IDS.length, skipped: 0, total: STEP_IDS.length },
  };
}

const jsonBytes = (source: BuildPackSource) =>
  source.steps.reduce((sum, step) => sum + Buffer.byteLength(JSON.stringify(step.output)), 0);

async function renderWith(renderer: Renderer, source: BuildPackSource): Promise<string> {
  switch (renderer) {
    case 'markdown':
      return `${renderMarkdown(source).length} chars`;
    case 'json':
      return `${JSON.stringify(renderJson(source), null, 2).length} chars`;
    case 'pdf':
      try {
        return `${((await renderPdf(source)).byteLength / 2 ** 20).toFixed(1)} MiB PDF`;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'pack_too_large_to_render') return 'refused: over the page limit';
        throw error;
      }
  }
}

async function time(renderer: Renderer, source: BuildPackSource, repetitions: number): Promise<Timing> {
  const samples: number[] = [];
  let outcome = '';
  for (let run = 0; run < repetitions; run++) {
    const started = performance.now();
    outcome = await renderWith(renderer, source);
    samples.push(performance.now() - started);
  }
  return { ms: median(samples), outcome };
}

const worstSource = (kind: AdversarialKind, bytes = STEP_OUTPUT_LIMIT_BYTES) =>
  packSource(STEP_IDS.map(() => adversarialOutput(kind, bytes)));

async function measureRenderer(renderer: Renderer, settings: RenderingSettings): Promise<RendererResult> {
  const typical = packSource(STEP_IDS.map((id, index) => stepOutput(id, index + 1)));
  await time(renderer, typical, 1);
  const typicalMs = (await time(renderer, typical, Math.max(3, settings.repetitions))).ms;
  const perKind: Record<string, Timing> = {};
  let worstKind = settings.kinds[0] ?? 'unbroken-token';
  for (const kind of settings.kinds) {
    perKind[kind] = await time(renderer, worstSource(kind), settings.repetitions);
    if ((perKind[kind]?.ms ?? 0) > (perKind[worstKind]?.ms ?? 0)) worstKind = kind;
  }
  const worst = perKind[worstKind] ?? { ms: Number.NaN, outcome: '' };
  const halfSizeMs = (
    await time(renderer, worstSource(worstKind, STEP_OUTPUT_LIMIT_BYTES / 2), settings.repetitions)
  ).ms;
  return {
    renderer,
    typicalMs,
    typicalBytes: jsonBytes(typical),
    perKind,
    worstKind,
    worstBytes: jsonBytes(worstSource(worstKind)),
    worstMs: worst.ms,
    worstOutcome: worst.outcome,
    halfSizeMs,
    growth: worst.ms / halfSizeMs,
  };
}

/**
 * Through the app in its own process: a workshop with ten worst-case outputs, its PDF downloaded while
 * this process asks /api/health/live again and again until the download ends.
 */
async function measureLiveness(
  env: BenchEnvironment,
  fixture: Fixture,
  kind: AdversarialKind,
): Promise<LivenessResult> {
  const client: HttpClient = env.app;
  const auth = fixture.main.owner.auth;
  const workshop = await client.json<{ id: string }>(
    {
      method: 'POST',
      path: '/api/workshops',
      headers: auth,
      body: { originalIdea: 'Worst-case build pack' },
    },
    [201],
  );
  const output = adversarialOutput(kind);
  for (const [index, stepId] of STEP_IDS.entries()) {
    const step = `/api/workshops/${workshop.id}/steps/${stepId}`;
    await client.expect({ method: 'PUT', path: `${step}/output`, headers: auth, body: { output } }, [200]);
    if (index < STEP_IDS.length - 1)
      await client.expect(
        { method: 'POST', path: `${step}/complete`, headers: auth, body: { by: 'ai' } },
        [200],
      );
  }
  const pack = await client.json<{ id: string }>(
    {
      method: 'POST',
      path: `/api/workshops/${workshop.id}/build-packs`,
      headers: auth,
      body: { format: 'pdf' },
    },
    [201],
  );
  let rendering = true;
  const download = client
    .send({
      method: 'GET',
      path: `/api/workshops/${workshop.id}/build-packs/${pack.id}/content`,
      headers: auth,
    })
    .finally(() => {
      rendering = false;
    });
  const samples: number[] = [];
  while (rendering) {
    const live = await client.expect({ method: 'GET', path: '/api/health/live' }, [200]);
    if (rendering) samples.push(live.ms);
  }
  const rendered = await download;
  await client.expect(
    { method: 'DELETE', path: `/api/workshops/${workshop.id}?confirm=true`, headers: auth },
    [204],
  );
  return {
    kind,
    renderMs: rendered.ms,
    renderStatus: rendered.status,
    samples: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
  };
}

export async function measureRendering(
  env: BenchEnvironment,
  fixture: Fixture,
  settings: RenderingSettings,
): Promise<RenderingResult> {
  const renderers: RendererResult[] = [];
  for (const renderer of RENDERERS) renderers.push(await measureRenderer(renderer, settings));
  const pdf = renderers.find((result) => result.renderer === 'pdf');
  const liveness = await measureLiveness(env, fixture, pdf?.worstKind ?? 'unbroken-token');
  return { renderers, liveness };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function renderingRows(result: RenderingResult): Row[] {
  const rows: Row[] = result.renderers.map((r) => ({
    section: 'build-pack rendering (worst input a user can store)',
    figure: `${r.renderer}: 10 × 256 KiB worst case (${r.worstKind}) → render time`,
    target: `linear: 2× input → ≤ ${LINEAR_GROWTH_LIMIT}× time`,
    measured:
      `${mib(r.worstBytes)} → ${round(r.worstMs, 0)} ms (${r.worstOutcome}); 2× input → ${round(r.growth, 2)}× time; ` +
      `${round(r.worstMs / r.typicalMs, 0)}× a typical pack (${round(r.typicalBytes / 1024, 0)} KiB, ${round(r.typicalMs, 1)} ms)`,
    verdict: verdict(r.growth <= LINEAR_GROWTH_LIMIT),
    note: `median render time per kind: ${Object.entries(r.perKind)
      .map(([kind, timing]) => `${kind} ${round(timing.ms, 0)} ms`)
      .join(', ')}`,
  }));
  const live = result.liveness;
  rows.push({
    section: 'build-pack rendering (worst input a user can store)',
    figure: `p99 of /api/health/live during a worst-case PDF render (${live.kind})`,
    target: `≤ ${LIVENESS_TARGET_MS} ms`,
    measured: `p99 ${round(live.p99, 1)} ms, p50 ${round(live.p50, 1)} ms, max ${round(live.max, 1)} ms (${live.samples} requests during a ${round(live.renderMs / 1000, 1)} s render answered ${live.renderStatus})`,
    verdict: verdict(live.samples > 0 && live.p99 <= LIVENESS_TARGET_MS),
    note: 'the app renders the PDF in its own process while the bench asks /api/health/live one request after another',
  });
  return rows;
}
