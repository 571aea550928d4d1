// The daemon's HTTP contract: Transmission RPC (409 session-id handshake) plus /whoami, /login, /logout.
// Every request carries X-Shoal-Web: 1 so a 401 comes without WWW-Authenticate (our form, not the browser's).

export const RPC_PATH = '/transmission/rpc';

export class AuthRequired extends Error {
  constructor() { super('login required'); this.name = 'AuthRequired'; }
}

export class RpcError extends Error {
  constructor(method, result, args = {}) {
    super(`${method}: ${result}`);
    this.name = 'RpcError';
    this.result = result;
    this.args = args;  // a failed reply may still carry arguments (torrent-add: "torrent-duplicate")
  }
}

export class RpcClient {
  constructor() {
    this.sessionId = '';
    this.onAuthRequired = () => {};
  }

  async call(method, args = {}) {
    const body = JSON.stringify({ method, arguments: args });
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await fetch(RPC_PATH, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-Shoal-Web': '1',
                   'X-Transmission-Session-Id': this.sessionId },
        body,
      });
      if (res.status === 409) {  // the CSRF handshake: retry with the id the daemon just gave
        this.sessionId = res.headers.get('X-Transmission-Session-Id') || '';
        continue;
      }
      if (res.status === 401) {
        this.onAuthRequired();
        throw new AuthRequired();
      }
      if (!res.ok) throw new RpcError(method, `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
      const reply = await res.json();
      if (reply.result !== 'success') throw new RpcError(method, reply.result, reply.arguments || {});
      return reply.arguments || {};
    }
    throw new RpcError(method, 'the daemon kept refusing the session id (409)');
  }

  // A daemon without /whoami (e.g. transmission-daemon) needs no login of ours.
  async whoami() {
    try {
      const res = await fetch('/whoami', { headers: { 'X-Shoal-Web': '1' }, credentials: 'same-origin' });
      if (res.status === 401) return { auth_required: true, username: null };
      if (!res.ok) return { auth_required: false, username: null };
      return await res.json();
    } catch {
      return { auth_required: false, username: null };
    }
  }

  async login(username, password) {
    const res = await fetch('/login', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Shoal-Web': '1' },
      body: JSON.stringify({ username, password }),
    });
    let reply = {};
    try { reply = await res.json(); } catch { /* a non-JSON body: reported below */ }
    if (!res.ok || !reply.ok) throw new Error(reply.error || `login failed (HTTP ${res.status})`);
    return reply;
  }

  async logout() {
    await fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-Shoal-Web': '1' } });
    this.sessionId = '';
  }
}

// base64 of an ArrayBuffer, in chunks (String.fromCharCode on a whole big buffer overflows the stack).
export function bufferToBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
