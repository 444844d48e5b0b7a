// Minimal event emitter used by the connection and the chat controller.

export class Emitter {
  constructor() {
    this.listeners = new Map();
  }

  on(event, listener) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(listener);
    return () => this.listeners.get(event).delete(listener);
  }

  emit(event, ...args) {
    for (const listener of this.listeners.get(event) || []) {
      try {
        listener(...args);
      } catch (error) {
        console.error('[guichet]', error); // eslint-disable-line no-console
      }
    }
  }
}
