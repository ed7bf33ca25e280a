/**
 * One handler per contract request. Payloads arrive here already validated (core.ts parses them with the contract's
 * schemas); a handler only calls the store or the session manager.
 */
import type { AppInfo, RequestKey, RequestPayload, RequestResult } from '../../common/contract';
import { ContractError } from '../../common/contract';
import type { SessionManager } from './sessions/sessionManager';
import type { Store } from './store/types';
import type { ClientConnection } from './transport';

export type Handlers = {
  [K in RequestKey]: (payload: RequestPayload<K>, client: ClientConnection) => Promise<RequestResult<K>>;
};

export function createHandlers(deps: { store: Store; sessions: SessionManager; appInfo: AppInfo }): Handlers {
  const { store, sessions } = deps;
  return {
    'app.info': async () => deps.appInfo,
    'pods.list': async ({ query }) => store.pods.list(query),
    'pods.get': async ({ id }) => {
      const pod = store.pods.get(id);
      if (!pod) throw new ContractError('notFound', `No pod record with id ${id}; it may have been deleted.`);
      return pod;
    },
    'pods.save': async (request) => store.pods.save(request),
    'pods.delete': async ({ id }) => ({ deleted: store.pods.delete(id) }),
    'sessions.open': async ({ podId, size }, client) => ({ sessionId: sessions.open(podId, size, client) }),
    'sessions.close': async ({ sessionId }, client) => ({ closed: await sessions.close(sessionId, client) }),
    'sessions.answerHostKey': async ({ sessionId, promptId, decision }, client) => ({
      accepted: sessions.answerHostKey(sessionId, promptId, decision, client),
    }),
  };
}
