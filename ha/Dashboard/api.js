// The admin API: the bearer token comes from the URL fragment (#token=…), which the server never
// sees, and is kept in sessionStorage so it leaves the address bar and is gone with the tab.

const TOKEN_KEY = 'istore.adminToken';

/** Moves a #token=… from the address into sessionStorage; returns the rest of the fragment (a view name). */
export function takeTokenFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  fragment.delete('token');
  const rest = [...fragment.keys()][0] ?? '';
  if (token) history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  return rest;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ? `${status} ${problem.title}${problem.detail ? ': ' + problem.detail : ''}` : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** One call; resolves to { status, body } for 2xx, throws ApiError (with the problem details) otherwise. */
export async function call(method, path, body) {
  const headers = { Authorization: 'Bearer ' + (sessionStorage.getItem(TOKEN_KEY) ?? '') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', signal: AbortSignal.timeout(10000),
  });
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  if (!response.ok) throw new ApiError(response.status, typeof parsed === 'object' ? parsed : { title: response.statusText, detail: parsed });
  return { status: response.status, body: parsed };
}

export const get = async path => (await call('GET', path)).body;
