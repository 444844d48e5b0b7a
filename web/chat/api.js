// Calls to the Guichet webapp used by the QR-code chat page.

const NETWORK_ERROR = 'Le service est momentanément injoignable.';

/** Returns the place {id, label, kind, …} or null when unknown/unreachable. */
export async function fetchPlace(id) {
  try {
    const response = await fetch(`/api/places/${encodeURIComponent(id)}`, { headers: { Accept: 'application/json' } });
    return response.ok ? await response.json() : null;
  } catch (error) {
    return null;
  }
}

/** Redeems a kiosk hand-over token: {ok: true, data: {session_id, transcript}} or {ok: false, detail}. */
export async function redeemHandover(token) {
  try {
    const response = await fetch(`/api/handover/${encodeURIComponent(token)}/redeem`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) return { ok: true, data: body };
    return { ok: false, detail: body.detail || 'Ce code de reprise n’est pas valable.' };
  } catch (error) {
    return { ok: false, detail: NETWORK_ERROR };
  }
}
