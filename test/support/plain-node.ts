import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MARKER = '__vercel_bundle_results__';

/** Imports the bundle in a fresh `node` and prints `status body` for each path. */
export async function requestInPlainNode(
  bundle: string,
  env: Record<string, string>,
  requests: [string, Record<string, string>][],
) {
  const script = `
    const { default: app } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const MARKER = ${JSON.stringify(MARKER)};
    const out = [];
    for (const [path, headers] of ${JSON.stringify(requests)}) {
      const response = await app.fetch(new Request('https://workshop-api.vercel.test' + path, { headers }));
      out.push({ path, status: response.status, body: await response.json() });
    }
    process.stdout.write('\\n' + MARKER + JSON.stringify(out) + '\\n');`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 90_000, // a hang detector, with room for a busy machine
  });
  // Other output (Clerk's telemetry notice) may share stdout: the results are the marked line.
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(MARKER));
  if (!line) throw new Error(`no results from the bundle; stdout: ${stdout}`);
  return JSON.parse(line.slice(MARKER.length)) as {
    path: string;
    status: number;
    body: Record<string, unknown>;
  }[];
}
