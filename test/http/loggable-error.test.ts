import { describe, expect, it } from 'vitest';
import { loggableError } from '../../src/http/loggable-error';
import { loggablePath } from '../../src/middleware/request-log';

describe('loggableError', () => {
  it('keeps class names, codes and frames, and no message, even one that imitates a stack frame', () => {
    const cause = Object.assign(new Error('duplicate key value (share_token)=(secret-token)'), {
      name: 'NeonDbError',
      code: '23505',
    });
    const error = new Error('Failed query: insert …\nparams: secret-note\n    at forged (secret.js:1:1)', {
      cause,
    });
    const logged = loggableError(error);
    expect(logged.chain).toEqual([{ name: 'Error' }, { name: 'NeonDbError', code: '23505' }]);
    expect(logged.frames?.[0]).toMatch(/^at /);
    expect(JSON.stringify(logged)).not.toMatch(/secret|Failed query|forged/);
  });

  it('leaves out a code that is not a short machine code', () => {
    const error = Object.assign(new Error('x'), { code: 'user text with spaces' });
    expect(loggableError(error).chain).toEqual([{ name: 'Error' }]);
  });
});

describe('loggablePath', () => {
  it.each([
    ['/api/shared/q3Vx2F0c4m9bR7yT1kLpW8eN5sA6dJ0hG2uZ4iO7xQw', '/api/shared/:shareToken'],
    ['/API/Shared/q3Vx2F0c4m9bR7yT1kLpW8eN5sA6dJ0hG2uZ4iO7xQw/more', '/api/shared/:shareToken/more'],
    ['/api/workshops/ws_abc/share', '/api/workshops/ws_abc/share'],
  ])('logs %s as %s', (path, logged) => {
    expect(loggablePath(path)).toBe(logged);
  });
});
