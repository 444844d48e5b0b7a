// Kiosk side of the hand-over API (see webapp/api_handover.py).

async function call(method, url, body) {
  try {
    const response = await fetch(url, {
      method,
      headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  } catch (error) {
    return { ok: false, status: 0, data: { detail: 'Le service est momentanément injoignable. Veuillez réessayer.' } };
  }
}

/** -> {ok, data: {token, url, qr_url, expires_in} | {detail}} */
export function createHandover(sessionId, transcript) {
  return call('POST', '/api/handover', { session_id: sessionId, transcript });
}

/** -> 'pending' | 'redeemed' | 'expired' | 'unknown' | 'error' */
export async function handoverStatus(token) {
  const result = await call('GET', `/api/handover/${encodeURIComponent(token)}`);
  if (result.ok) return result.data.status;
  return result.status === 404 ? 'unknown' : 'error';
}

export function cancelHandover(token) {
  return call('DELETE', `/api/handover/${encodeURIComponent(token)}`);
}
