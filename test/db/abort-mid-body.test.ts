/**
 * A deadline that fires after the database's headers arrived ends the round trip at once, even in a runtime
 * whose fetch goes on reading the body after its signal aborted (Node's did, once in a few runs under
 * load: the read went on until the held body arrived 20 s later). The runtime's fetch is replaced here by
 * one that does exactly that: its body never ends and ignores the abort.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDeadline } from '../../src/db/deadline';
import { resilientFetch } from '../../src/db/resilient-fetch';

const realFetch = globalThis.fetch;

afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Headers at once, the first bytes of a body, then nothing, whatever the request's signal says. */
function fetchThatIgnoresAbortMidBody(): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"rows":['));
        },
      }),
      { status: 200, headers: { 'Content-Type': 'application/json' } },
    );
}

describe('a deadline mid-body', () => {
  it('rejects the round trip with the deadline, without waiting for the body', async () => {
    globalThis.fetch = fetchThatIgnoresAbortMidBody();
    const deadline = startDeadline(50);
    const outcome = await Promise.race([
      resilientFetch('http://127.0.0.1:1/sql', { method: 'POST', signal: deadline.signal }).then(
        () => 'answered',
        (error: unknown) => (error instanceof DOMException ? error.name : String(error)),
      ),
      new Promise((resolve) => setTimeout(() => resolve('still reading after 10 s'), 10_000)),
    ]);
    deadline.clear();
    expect(outcome).toBe('TimeoutError');
  });
});
