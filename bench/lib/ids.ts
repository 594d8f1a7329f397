import { newId } from '../../src/domain/ids';

/** A session id of the shape the app accepts in X-Session-Id (the app's own generator). */
export const newSessionId = (): string => newId('session');
