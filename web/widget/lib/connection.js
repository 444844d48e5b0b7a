// Talks to Rasa's socket.io channel with the rasa-webchat protocol:
// emit session_request {session_id} -> receive session_confirm,
// emit user_uttered {message, session_id, customData} -> receive bot_uttered.

import { io } from '../../vendor/socket.io.esm.min.js';
import { Emitter } from './emitter.js';

const MAX_QUEUE = 20;

export class BotConnection extends Emitter {
  /**
   * @param {{url: string, path?: string, userEvent?: string, botEvent?: string}} options
   * Events: 'session' (id), 'message' (bot message), 'delivered' (text sent),
   * 'status' ('connecting'|'online'|'offline').
   */
  constructor({ url, path = '/socket.io', userEvent = 'user_uttered', botEvent = 'bot_uttered' }) {
    super();
    this.url = url;
    this.path = path;
    this.userEvent = userEvent;
    this.botEvent = botEvent;
    this.socket = null;
    this.sessionId = null;
    this.ready = false;
    this.queue = [];
  }

  start(sessionId = null) {
    this.stop();
    this.sessionId = sessionId;
    this.emit('status', 'connecting');
    const socket = io(this.url, {
      path: this.path,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      timeout: 10000,
      forceNew: true,
    });
    this.socket = socket;
    socket.on('connect', () => {
      socket.emit('session_request', { session_id: this.sessionId });
    });
    socket.on('session_confirm', (data) => {
      const id = typeof data === 'string' ? data : data && data.session_id;
      if (!id) return;
      this.sessionId = id;
      this.ready = true;
      this.emit('session', id);
      this.emit('status', 'online');
      this.flush();
    });
    socket.on(this.botEvent, (message) => {
      if (message && typeof message === 'object') this.emit('message', message);
    });
    socket.on('disconnect', (reason) => {
      this.ready = false;
      this.emit('status', 'offline');
      // The server closed the socket on purpose: socket.io does not retry by itself.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', () => {
      this.ready = false;
      this.emit('status', 'offline');
    });
  }

  /** Sends now when the session is confirmed, otherwise as soon as it is. */
  send(message, customData = {}) {
    this.queue.push({ message, customData });
    if (this.queue.length > MAX_QUEUE) this.queue.shift();
    if (this.ready) this.flush();
    return this.ready;
  }

  flush() {
    while (this.ready && this.socket && this.queue.length) {
      const { message, customData } = this.queue.shift();
      this.socket.emit(this.userEvent, { message, session_id: this.sessionId, customData });
      this.emit('delivered', message);
    }
  }

  stop() {
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
    }
    this.socket = null;
    this.ready = false;
    this.queue = [];
  }
}
