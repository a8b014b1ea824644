// The only calls the SPA makes: the BFF's session, login, logout and sessions endpoints, and the relayed profile API.
// Unsafe methods echo the XSRF-TOKEN cookie in X-XSRF-TOKEN, the convention axios and Angular follow.

const JSON_TYPES = 'application/json, application/problem+json';

/** An answer that was not a success, carrying the problem+json body when there is one. */
export class ProblemError extends Error {
	constructor(status, problem, headers) {
		super(problem.title || `HTTP ${status}`);
		this.status = status;
		this.problem = problem;
		this.headers = headers;
	}
}

function xsrfToken() {
	const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
	return cookie ? decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) : '';
}

async function call(method, path, body) {
	const headers = { Accept: JSON_TYPES };
	if (method !== 'GET') {
		headers['X-XSRF-TOKEN'] = xsrfToken();
	}
	if (body !== undefined) {
		// Not merge-patch+json: profile-service replaces an object value whole, as Auth0
		// does, and refuses one sent under RFC 7396's promise of a key-by-key merge.
		headers['Content-Type'] = 'application/json';
	}
	const response = await fetch(path, {
		method,
		headers,
		credentials: 'same-origin',
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json = {};
	try {
		json = text ? JSON.parse(text) : {};
	}
	catch {
		json = { title: `HTTP ${response.status}` };
	}
	if (!response.ok) {
		throw new ProblemError(response.status, json, response.headers);
	}
	return { json, headers: response.headers, status: response.status };
}

/** {authenticated:true,user:{…}} or {authenticated:false,login_url}. */
export async function session() {
	return (await call('GET', '/bff/session')).json;
}

/** Full-page navigation: the login is a redirect dance with the IdP, never an XHR. */
export function login(loginUrl = '/bff/login') {
	const returnTo = window.location.pathname || '/';
	window.location.assign(`${loginUrl}?returnTo=${encodeURIComponent(returnTo)}`);
}

/** Ends the session; answers the IdP's logout URL, where the browser goes next to end the IdP's session too. */
export async function logout() {
	const { json } = await call('POST', '/bff/logout');
	return json.redirect || '/';
}

/** The user's sessions: [{id, created_at, last_seen_at, user_agent, current}], the current one first. */
export async function sessions() {
	return (await call('GET', '/bff/sessions')).json.sessions;
}

/** Ends one of the user's other sessions (the current one ends with logout()). */
export async function endSession(id) {
	await call('DELETE', `/bff/sessions/${encodeURIComponent(id)}`);
}

/** Ends every session of the user but this one; answers how many ended. */
export async function endOtherSessions() {
	return (await call('DELETE', '/bff/sessions?others=true')).json.ended;
}

/** The merged profile, and whether it was served stale (Cache-Status … detail=stale…). */
export async function profile() {
	const { json, headers } = await call('GET', '/me');
	return { profile: json, stale: isStale(headers.get('Cache-Status')) };
}

/** Auth0 semantics: each top-level key replaces the stored value whole (objects too); null deletes it. */
export async function patchMetadata(delta) {
	const { json, headers, status } = await call('PATCH', '/me/metadata', delta);
	if (status === 204) {
		// Applied, but the profile is too large to show (another client grew it): what
		// GET /me answers now is the truth, an error included.
		return profile();
	}
	return { profile: json, stale: isStale(headers.get('Cache-Status')) };
}

function isStale(cacheStatus) {
	return /;\s*detail=stale/.test(cacheStatus || '');
}
