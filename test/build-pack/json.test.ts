import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { renderJson, renderJsonText } from '../../src/build-pack/json';
import { BuildPackDocumentSchema } from '../../src/schemas/build-pack-document';
import { FIXTURES, halfDoneWorkshop, STEP_DEFINITIONS } from './fixtures';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(Object.entries(FIXTURES))('renderJson: %s workshop', (_name, source) => {
  const document = renderJson(source);
  const overTheWire = BuildPackDocumentSchema.parse(JSON.parse(JSON.stringify(document)));

  it('matches the published schema, also after a JSON round trip', () => {
    expect(BuildPackDocumentSchema.parse(document)).toEqual(document);
    expect(overTheWire).toEqual(document);
  });

  it('is version 1 with the pack, workshop and progress', () => {
    expect(document.schemaVersion).toBe(1);
    expect(document.pack).toEqual({
      id: source.pack.id,
      title: source.pack.title,
      format: source.pack.format,
      createdAt: source.pack.createdAt.toISOString(),
      updatedAt: source.pack.updatedAt.toISOString(),
    });
    expect(document.workshop).toEqual({
      id: source.workshop.id,
      title: source.workshop.title,
      originalIdea: source.workshop.originalIdea,
      status: source.workshop.status,
      createdAt: source.workshop.createdAt.toISOString(),
      updatedAt: source.workshop.updatedAt.toISOString(),
    });
    expect(document.progress).toEqual({
      completed: source.steps.filter((step) => step.status === 'complete').length,
      total: 10,
    });
  });

  it('lists the ten steps in order with outputs exactly as stored', () => {
    expect(overTheWire.steps.map((step) => step.id)).toEqual(STEP_DEFINITIONS.map((step) => step.id));
    source.steps.forEach((step, index) => {
      expect(overTheWire.steps[index]?.output).toEqual(step.output);
      expect(overTheWire.steps[index]).toMatchObject({
        position: step.position,
        name: step.name,
        description: step.description,
        status: step.status,
        completion: step.completion,
      });
    });
  });

  it('writes every timestamp as ISO 8601 UTC', () => {
    const timestamps = [
      document.pack.createdAt,
      document.pack.updatedAt,
      document.workshop.createdAt,
      document.workshop.updatedAt,
      ...document.steps.flatMap((step) => [step.startedAt, step.completedAt, step.updatedAt]),
    ].filter((value): value is string => value !== null);
    for (const timestamp of timestamps) expect(timestamp).toMatch(ISO_UTC);
    source.steps.forEach((step, index) => {
      expect(document.steps[index]?.startedAt).toBe(step.startedAt?.toISOString() ?? null);
      expect(document.steps[index]?.completedAt).toBe(step.completedAt?.toISOString() ?? null);
    });
  });

  it('serialises identically every time', () => {
    expect(JSON.stringify(renderJson(source))).toBe(JSON.stringify(document));
  });
});

describe('renderJson: ordering', () => {
  it('puts steps in position order whatever order they arrive in', () => {
    const shuffled = { ...halfDoneWorkshop, steps: [...halfDoneWorkshop.steps].reverse() };
    expect(renderJson(shuffled).steps.map((step) => step.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('BuildPackDocumentSchema in OpenAPI', () => {
  it('is registered as the BuildPackDocument component with field descriptions', () => {
    const app = new OpenAPIHono();
    app.openapi(
      createRoute({
        method: 'get',
        path: '/content',
        responses: {
          200: { description: 'pack', content: { 'application/json': { schema: BuildPackDocumentSchema } } },
        },
      }),
      (c) => c.json(renderJson(halfDoneWorkshop), 200),
    );
    const spec = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'test', version: '1' } });
    const component = JSON.stringify(spec.components?.schemas?.BuildPackDocument);
    expect(component).toContain('schemaVersion');
    expect(component).toContain('Version of this document shape');
    expect(spec.components?.schemas?.BuildPackDocumentStep).toBeDefined();
  });
});

describe('renderJsonText', () => {
  /** The deepest output a step may hold (64 levels), then thousands of tiny leaves at the bottom. */
  const deepOutput = () => {
    let value: unknown = Array.from({ length: 20_000 }, () => 0);
    for (let level = 0; level < 63; level++) value = [value];
    return { deep: value };
  };
  const source = {
    ...halfDoneWorkshop,
    steps: halfDoneWorkshop.steps.map((step) => ({ ...step, output: deepOutput() })),
  };

  it('is the document of renderJson, outputs in their written key order', () => {
    const ordered = {
      ...halfDoneWorkshop,
      steps: halfDoneWorkshop.steps.map((step) => ({ ...step, output: { zebra: 1, apple: { b: 2, a: 1 } } })),
    };
    const text = renderJsonText(ordered);
    expect(JSON.parse(text)).toEqual(renderJson(ordered));
    expect(text).toContain('"output": {"zebra":1,"apple":{"b":2,"a":1}}');
  });

  it('grows with its input, not with how deeply the outputs nest', () => {
    const compact = JSON.stringify(renderJson(source)).length;
    const text = renderJsonText(source);
    expect(JSON.parse(text)).toEqual(renderJson(source));
    expect(text.length).toBeLessThan(compact + 10_000);
  });

  it('keeps a title that spells out the placeholder as text', () => {
    const tricky = {
      ...source,
      pack: { ...source.pack, title: '\\u0000output 0\\u0000 "\\u0000output 1\\u0000"' },
    };
    expect(JSON.parse(renderJsonText(tricky))).toEqual(renderJson(tricky));
  });
});
