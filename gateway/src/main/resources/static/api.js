// The only calls the SPA makes: the BFF's session, login, logout and sessions endpoints, and the relayed profile API.
// Unsafe methods send the XSRF token in X-XSRF-TOKEN, the header axios and Angular use; not the XSRF-TOKEN cookie's
// value when they are sent, as those do, but the token of the session whose user the page shows (pin).

const JSON_TYPES = 'application/json, application/problem+json';

// The gateway's answer to an unsafe call whose token is not its session's.
const FORGED = 'https://porter.example/problems/csrf';

// How many times session() asks before it gives up knowing the token (see session()).
const SESSION_READS = 3;

// The token every unsafe call sends: that of the session whose user the page shows, read when /bff/session answered
// for it. The cookie jar is the browser's, shared by every tab: a sign-in in another one puts another session's cookie
// and token there at any moment, and a call sent with both would be made as that other user, for a page that shows
// this one. With the shown session's token it is refused as forged instead (refusedAsForged).
let pinned = '';

// Each answer of session() → the XSRF token of the session it is about ('' when not known).
const tokens = new WeakMap();

/** An answer that was not a success, carrying the problem+json body when there is one. */
export class ProblemError extends Error {
	constructor(status, problem, headers) {
		super(problem.title || `HTTP ${status}`);
		this.status = status;
		this.problem = problem;
		this.headers = headers;
	}
}

function xsrfCookie() {
	const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
	return cookie ? decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) : '';
}

async function call(method, path, body) {
	const headers = { Accept: JSON_TYPES };
	if (method !== 'GET') {
		headers['X-XSRF-TOKEN'] = pinned;
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

/**
 * {authenticated:true,user:{…}} or {authenticated:false,login_url}. The XSRF token of that session is kept with the
 * answer, for pin(): the XSRF-TOKEN cookie when it is the same before the call and after its answer. Read only after,
 * it may be of a session signed in by another tab while the answer was on its way back; when it differs, the session
 * is asked again (a few times, then the token is not known: a change sent without it is refused, never made as
 * another user).
 */
export async function session() {
	for (let read = 1; ; read++) {
		const before = xsrfCookie();
		const { json } = await call('GET', '/bff/session');
		const after = xsrfCookie();
		if (before === after || read === SESSION_READS) {
			tokens.set(json, json.authenticated && before === after ? after : '');
			return json;
		}
	}
}

/**
 * Every unsafe call sends the XSRF token of `session` (an answer of session()) from now on: the page shows its user.
 * null: no token (the page shows nobody).
 */
export function pin(session) {
	pinned = tokens.get(session) || '';
}

/**
 * Whether the gateway refused a call as forged: its XSRF token was not that of the session it came with, which a
 * sign-in in another tab replaced (another user's, or the same user's with a new token).
 */
export function refusedAsForged(error) {
	return error instanceof ProblemError && error.status === 403 && error.problem.type === FORGED;
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
