// Persists one conversation (session id, transcript, small metadata) in Web Storage.

const PREFIX = 'guichet:';
export const MAX_MESSAGES = 200;

function emptyState() {
  return { sessionId: null, transcript: [], meta: {} };
}

/** Storage that falls back to memory when Web Storage is blocked (private mode, policies). */
function usableStorage(storage) {
  try {
    const probe = `${PREFIX}probe`;
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch (error) {
    const memory = new Map();
    return {
      getItem: (key) => (memory.has(key) ? memory.get(key) : null),
      setItem: (key, value) => memory.set(key, String(value)),
      removeItem: (key) => memory.delete(key),
    };
  }
}

export class ConversationStore {
  constructor(name, storage = window.localStorage) {
    this.key = PREFIX + name;
    this.storage = usableStorage(storage);
  }

  load() {
    try {
      const raw = JSON.parse(this.storage.getItem(this.key) || 'null');
      if (!raw || typeof raw !== 'object') return emptyState();
      return {
        sessionId: typeof raw.sessionId === 'string' ? raw.sessionId : null,
        transcript: Array.isArray(raw.transcript) ? raw.transcript : [],
        meta: raw.meta && typeof raw.meta === 'object' ? raw.meta : {},
      };
    } catch (error) {
      return emptyState();
    }
  }

  save(state) {
    const transcript = state.transcript.slice(-MAX_MESSAGES);
    try {
      this.storage.setItem(this.key, JSON.stringify({ ...state, transcript }));
    } catch (error) {
      // Quota exceeded: keep the conversation going without persistence.
    }
  }

  clear() {
    try {
      this.storage.removeItem(this.key);
    } catch (error) {
      // Nothing to clear.
    }
  }
}
