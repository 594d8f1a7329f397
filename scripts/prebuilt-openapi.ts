/**
 * The Worker's OpenAPI document, generated while its bundle is built, from the same source, by the same
 * function Node runs on the first request (so both serve the same bytes). With the document prebuilt the
 * Worker needs no generator: the document generators of @asteasolutions/zod-to-openapi and zod's JSON
 * Schema conversion (which `import { z } from 'zod'` keeps alive) are replaced by stubs, and the document
 * itself becomes a module of its own, loaded on the first request for it.
 */
import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';
import { exportedNames, unavailable } from './worker-stubs';

/** The module the app asks for a prebuilt document (src/routes/prebuilt-openapi-document.ts). */
const SEAM = /[\\/]src[\\/]routes[\\/]prebuilt-openapi-document\.ts$/;
/** The document, as a virtual module: a JSON module of its own, so a chunk of its own. */
const DOCUMENT_NAMESPACE = 'prebuilt';
const DOCUMENT_MODULE = 'openapi-document';

const ZOD_TO_OPENAPI = '@asteasolutions/zod-to-openapi';
/** What generates a document; the registry and `.openapi()` stay, since routes register themselves at start-up. */
const GENERATORS = new Set(['OpenApiGeneratorV3', 'OpenApiGeneratorV31', 'OpenApiGeneratorV32']);

/** zod's JSON Schema conversion, used by nothing but a document generator. */
const ZOD_JSON_SCHEMA =
  /[\\/]zod[\\/]v4[\\/]core[\\/](to-json-schema|json-schema-processors|json-schema-generator)\.js$/;
/**
 * Called whenever zod makes a schema's `~standard` property (validators read it), so these return the
 * throwing function rather than throw.
 */
const ZOD_JSON_SCHEMA_FACTORIES = new Set(['createToJSONSchemaMethod', 'createStandardJSONSchemaMethod']);

async function generateDocument(): Promise<string> {
  const { createApp } = await import('../src/app');
  const { generateOpenApiDocument } = await import('../src/routes/openapi');
  return JSON.stringify(generateOpenApiDocument(createApp()));
}

function zodJsonSchemaStub(path: string): string {
  const names = exportedNames(path);
  return unavailable(
    names.filter((name) => !ZOD_JSON_SCHEMA_FACTORIES.has(name)),
    'zod ',
    names.filter((name) => ZOD_JSON_SCHEMA_FACTORIES.has(name)),
  );
}

export async function prebuiltOpenApi(): Promise<Plugin> {
  const document = await generateDocument();
  return {
    name: 'prebuilt-openapi',
    setup(builder) {
      builder.onLoad({ filter: SEAM }, () => ({
        contents: `export async function loadPrebuiltOpenApiDocument() {
  return (await import(${JSON.stringify(`${DOCUMENT_NAMESPACE}:${DOCUMENT_MODULE}`)})).default;
}`,
        loader: 'js',
      }));
      builder.onResolve({ filter: new RegExp(`^${DOCUMENT_NAMESPACE}:${DOCUMENT_MODULE}$`) }, () => ({
        path: DOCUMENT_MODULE,
        namespace: DOCUMENT_NAMESPACE,
      }));
      builder.onLoad({ filter: /.*/, namespace: DOCUMENT_NAMESPACE }, () => ({
        contents: document,
        loader: 'json',
      }));

      builder.onResolve({ filter: /^@asteasolutions\/zod-to-openapi$/ }, async (args) => {
        if (args.pluginData === 'real') return undefined;
        const real = await builder.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: 'real',
        });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace: 'without-generators' };
      });
      builder.onLoad({ filter: /.*/, namespace: 'without-generators' }, (args) => {
        const kept = exportedNames(args.path).filter((name) => !GENERATORS.has(name));
        return {
          contents: `export { ${kept.join(', ')} } from ${JSON.stringify(args.path)};
${unavailable([...GENERATORS], `${ZOD_TO_OPENAPI} `)}`,
          loader: 'js',
          resolveDir: dirname(args.path),
        };
      });

      builder.onLoad({ filter: ZOD_JSON_SCHEMA }, (args) => ({
        contents: zodJsonSchemaStub(args.path),
        loader: 'js',
      }));
    },
  };
}
