// Town-hall lobby kiosk: démarche tiles, large chat, inactivity reset and
// hand-over to the visitor's phone. Reuses the widget's chat core.

import { GuichetChat } from '../widget/lib/chat.js';
import { welcomeBlock } from '../widget/lib/privacy.js';
import { HandoverDialog } from './handover.js';
import { IdleTimer, seconds } from './idle.js';

const config = window.GUICHET_CONFIG || {};
const app = document.getElementById('k-app');
const params = new URLSearchParams(window.location.search);
const idleTimeout = seconds(params.get('idle'), seconds(app.dataset.idleTimeout, 90));
const idleWarning = Math.min(seconds(params.get('warn'), seconds(app.dataset.idleWarning, 15)), idleTimeout);
const handoverButton = document.getElementById('k-handover');
const endButton = document.getElementById('k-end');
const idleDialog = document.getElementById('k-idle-dialog');
const idleCount = document.getElementById('k-idle-count');

const chat = new GuichetChat({
  container: document.getElementById('k-chat'),
  socketUrl: config.socketUrl || 'http://localhost:5005',
  socketPath: config.socketPath,
  storageKey: 'kiosk',
  storage: window.sessionStorage,
  channel: 'kiosk',
  metadata: { kiosk_id: app.dataset.kioskId || 'accueil-mairie' },
  linkMode: 'text',
  focusAfterReply: false, // a focused input would pop up the on-screen keyboard
  welcome: welcomeBlock('Touchez une démarche ou écrivez votre question.', {
    commune: 'Villebrune',
    retention: 'La conversation est effacée de cette borne dès que vous avez terminé.',
  }),
});
window.guichetKiosk = chat; // handy for debugging and tests

const idle = new IdleTimer({
  timeout: idleTimeout,
  warning: idleWarning,
  onWarn: (left) => {
    idleCount.textContent = String(Math.round(left));
    if (!idleDialog.open) idleDialog.showModal();
  },
  onTick: (left) => {
    idleCount.textContent = String(left);
  },
  onExpire: () => resetKiosk(),
});

const handover = new HandoverDialog({
  dialog: document.getElementById('k-handover-dialog'),
  getConversation: () => ({ sessionId: chat.sessionId, transcript: chat.transcript }),
  onRedeemed: () => resetKiosk(),
  pollMs: seconds(app.dataset.handoverPoll, 2) * 1000,
  resetDelayMs: seconds(params.get('handoverDelay'), seconds(app.dataset.handoverResetDelay, 4)) * 1000,
});

function refreshButtons() {
  handoverButton.disabled = !(chat.sessionId && chat.transcript.length);
}

/** Wipes the screen and the storage and starts a brand-new session for the next visitor. */
function resetKiosk() {
  idle.stop();
  if (idleDialog.open) idleDialog.close();
  handover.close({ notify: false });
  chat.reset();
  refreshButtons();
  app.dataset.resets = String(Number(app.dataset.resets || 0) + 1);
  document.getElementById('k-tiles').scrollTop = 0;
  window.scrollTo(0, 0);
}

// While the warning is shown only an explicit answer counts: closing the dialog on
// pointerdown would let the click land on whatever lies beneath it.
function activity() {
  if (idleDialog.open) return;
  if (idle.running) idle.poke();
  else idle.start(); // e.g. a visitor who typed without sending must not leave it behind
}

function stillHere() {
  if (idleDialog.open) idleDialog.close();
  idle.poke();
}

document.querySelectorAll('[data-tile]').forEach((tile) => {
  tile.addEventListener('click', () => {
    const label = tile.querySelector('.k-tile-label').textContent.trim();
    chat.sendPayload(tile.dataset.payload || tile.dataset.message || label, label);
  });
});

chat.on('sent', () => {
  if (!idle.running) idle.start();
  refreshButtons();
});
chat.on('message', refreshButtons);
chat.on('session', refreshButtons);

for (const type of ['pointerdown', 'keydown', 'input', 'wheel']) {
  document.addEventListener(type, activity, { capture: true, passive: true });
}
document.getElementById('k-idle-continue').addEventListener('click', stillHere);
document.getElementById('k-idle-end').addEventListener('click', () => resetKiosk());
idleDialog.addEventListener('click', (event) => {
  if (event.target === idleDialog) stillHere(); // a touch on the backdrop
});
idleDialog.addEventListener('cancel', (event) => {
  event.preventDefault();
  stillHere();
});
handoverButton.addEventListener('click', () => handover.open());
endButton.addEventListener('click', () => resetKiosk());

// A kiosk never shows what a previous visitor left: start clean at every load.
chat.reset();
refreshButtons();
app.dataset.ready = 'true';
