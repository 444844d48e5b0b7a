// Full-page chat opened from a QR code: ?lieu=PLACE_ID gives the place context,
// ?reprise=TOKEN continues a conversation handed over by the town-hall kiosk.

import { GuichetChat } from '../widget/lib/chat.js';
import { privacyFooter, welcomeBlock } from '../widget/lib/privacy.js';
import { fetchPlace, redeemHandover } from './api.js';

const config = window.GUICHET_CONFIG || {};
const params = new URLSearchParams(window.location.search);
const placeId = params.get('lieu');
const token = params.get('reprise');

// The hand-over token is single use: remove it from the address bar and history.
if (token) {
  const kept = placeId ? `?lieu=${encodeURIComponent(placeId)}` : '';
  window.history.replaceState(null, '', window.location.pathname + kept);
}

const notice = document.getElementById('cp-notice');
const placeLine = document.getElementById('cp-place');
let place = null;

/** What the bot needs to greet according to the place (see actions/message_context.py). */
function placeContext({ id, label, kind, greeting }) {
  return { id, label, kind, greeting };
}

function showNotice(text, kind = 'info') {
  notice.textContent = text;
  notice.dataset.kind = kind;
}

const chat = new GuichetChat({
  container: document.getElementById('cp-chat'),
  socketUrl: config.socketUrl || 'http://localhost:5005',
  socketPath: config.socketPath,
  storageKey: 'chat',
  channel: 'qr',
  metadata: () => (place ? { place: placeContext(place) } : {}),
  welcome: welcomeBlock('Bonjour ! Posez votre question, Guichet vous répond tout de suite.', { commune: 'Villebrune' }),
  privacy: privacyFooter({
    onErase: () => {
      chat.reset();
      chat.setMeta({ lieu: place ? place.id : null, started: true });
      if (place) chat.sendPayload('/greet', null);
      chat.focus();
    },
  }),
});
window.guichetChat = chat; // handy for debugging and tests

async function continueFromKiosk() {
  const result = await redeemHandover(token);
  if (result.ok) {
    chat.adopt(result.data.session_id, result.data.transcript || []);
    showNotice('Votre conversation a bien été transférée depuis la borne. Vous pouvez la poursuivre ici.');
    return true;
  }
  showNotice(`${result.detail} Vous pouvez tout de même poser votre question ci-dessous.`, 'error');
  return false;
}

async function start() {
  const handedOver = token ? await continueFromKiosk() : false;
  if (placeId) {
    place = await fetchPlace(placeId);
    if (place && place.label) {
      placeLine.textContent = `Vous êtes : ${place.label}`;
      placeLine.hidden = false;
    }
  }
  chat.connect();
  const firstVisit = !chat.transcript.length && !chat.meta.started;
  const newPlace = place && chat.meta.lieu !== place.id;
  if (!handedOver && (firstVisit || newPlace)) {
    // Lets the bot greet the visitor according to the place (customData.place).
    chat.setMeta({ lieu: place ? place.id : null, started: true });
    chat.sendPayload('/greet', null);
  }
  document.body.dataset.ready = 'true';
}

start();
