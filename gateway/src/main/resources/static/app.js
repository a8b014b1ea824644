import * as api from './api.js';
import { ProblemError } from './api.js';

const $ = (id) => document.getElementById(id);

// The profile fields shown, in order; everything else in /me is left out of the table.
const FIELDS = [
	['sub', 'User id'], ['nickname', 'Nickname'], ['given_name', 'Given name'], ['family_name', 'Family name'],
	['email_verified', 'Email verified'], ['locale', 'Locale'], ['created_at', 'Created'],
	['last_login', 'Last login'], ['logins_count', 'Logins'], ['updated_at', 'Updated'],
];

let loginUrl = '/bff/login';

// Whose data the page shows: their sub, null on the signed-out view, undefined while that is not known (starting,
// or the "unavailable" view). The session cookie may change under the page at any time (a sign-out or sign-in in
// another tab, the session idling out or ended from another device), so this is compared with the session's user
// whenever the page comes back into view and before every change is sent.
let shownSub;

// The SPA's other tabs and windows: each says whom it shows once it knows, so that the others check too.
const otherTabs = 'BroadcastChannel' in window ? new BroadcastChannel('porter-session') : null;

const VIEWS = ['loading', 'signed-out', 'signed-in', 'unavailable'];

// A service behind the gateway (or its store) down or too slow: the part of the page is unavailable for now, and a
// change may have been applied before the failure.
const OUTAGE_STATUSES = [502, 503, 504];

function show(view) {
	for (const v of VIEWS) {
		$(v).hidden = v !== view;
	}
	document.body.dataset.view = view;
}

// Empties everything shown of the user before: nothing of one user may stay in the page (hidden or not) once it
// shows another, or nobody.
function forgetUser() {
	shownSub = undefined;
	api.pin(null);
	for (const id of ['user-name', 'user-email', 'avatar', 'profile', 'metadata', 'metadata-error', 'sessions']) {
		$(id).replaceChildren();
	}
	for (const id of ['metadata-status', 'sessions-status']) {
		$(id).textContent = '';
	}
	for (const id of ['banner-stale', 'banner-unavailable', 'banner-user-changed', 'metadata-error', 'profile-missing',
		'sign-out-others']) {
		$(id).hidden = true;
	}
	$('metadata-add').reset();
	delete document.body.dataset.profile;
	delete document.body.dataset.sessions;
}

function renderUser(user) {
	$('user-name').textContent = user.name || user.email || user.sub;
	$('user-email').textContent = user.email || '';
	renderAvatar(user);
}

// Initials first; the picture replaces them only once it has loaded (it may live on a host we cannot reach).
function renderAvatar(user) {
	const avatar = $('avatar');
	const initials = (user.name || user.email || '?').split(/\s+/).map((w) => w[0]).join('').slice(0, 2);
	avatar.textContent = initials.toUpperCase();
	if (user.picture) {
		const img = new Image();
		img.alt = '';
		// the picture may arrive after the page moved on to someone else
		img.addEventListener('load', () => shownSub === user.sub && avatar.replaceChildren(img));
		img.src = user.picture;
	}
}

function display(value) {
	if (value === null || value === undefined) {
		return '—';
	}
	return typeof value === 'string' ? value : JSON.stringify(value);
}

function renderProfile(profile) {
	renderUser(profile);
	const rows = [];
	for (const [key, label] of FIELDS) {
		if (profile[key] !== undefined) {
			rows.push(fieldRow(key, label, display(profile[key])));
		}
	}
	for (const identity of profile.identities || []) {
		const text = `${identity.provider} · ${identity.connection}${identity.isSocial ? ' (social)' : ''}`;
		rows.push(fieldRow('identity', 'Identity', text));
	}
	if (profile.app_metadata) {
		rows.push(fieldRow('app_metadata', 'App metadata', JSON.stringify(profile.app_metadata)));
	}
	$('profile').replaceChildren(...rows.flat());
	renderMetadata(profile.user_metadata || {});
}

function fieldRow(key, label, text) {
	const dt = document.createElement('dt');
	dt.textContent = label;
	const dd = document.createElement('dd');
	dd.textContent = text;
	dd.dataset.test = `field-${key}`;
	return [dt, dd];
}

function renderMetadata(metadata) {
	const keys = Object.keys(metadata).sort();
	$('metadata').replaceChildren(...keys.map((key) => metadataRow(key, metadata[key])));
	$('metadata-empty').hidden = keys.length > 0;
}

function metadataRow(key, value) {
	const li = document.createElement('li');
	li.dataset.test = 'metadata-row';
	li.dataset.key = key;
	const name = document.createElement('span');
	name.className = 'key';
	name.textContent = key;
	const input = document.createElement('input');
	input.value = display(value);
	input.setAttribute('aria-label', `Value of ${key}`);
	input.dataset.test = 'metadata-value';
	const save = button('Save', 'metadata-save', () => saveEdited(key, input.value, value));
	const remove = button('Remove', 'metadata-remove', () => saveMetadata(key, null));
	li.append(name, input, save, remove);
	return li;
}

// A value that was not a string is edited as JSON (text in double quotes makes it a string); a string stays a string.
function parseValue(text, original) {
	if (typeof original !== 'string') {
		let parsed;
		try {
			parsed = JSON.parse(text);
		}
		catch {
			// Saving the text instead would turn an object or a number into a string without a word.
			throw new SyntaxError('not valid JSON; nothing was saved');
		}
		if (!allFinite(parsed)) {
			// JSON.parse reads 1e999 as Infinity, which JSON.stringify sends as null: a deletion.
			throw new RangeError('is a number too large for JSON; nothing was saved');
		}
		return parsed;
	}
	return text;
}

function allFinite(value) {
	if (typeof value === 'number') {
		return Number.isFinite(value);
	}
	if (value !== null && typeof value === 'object') {
		return Object.values(value).every(allFinite);
	}
	return true;
}

function saveEdited(key, text, original) {
	let value;
	try {
		value = parseValue(text, original);
	}
	catch (error) {
		clearMetadataError();
		$('metadata-status').textContent = '';
		showMetadataError({ errors: [{ pointer: `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: error.message }] });
		return Promise.resolve(false);
	}
	return saveMetadata(key, value);
}

function button(label, test, onClick) {
	const b = document.createElement('button');
	b.type = 'button';
	b.textContent = label;
	b.dataset.test = test;
	b.addEventListener('click', onClick);
	return b;
}

async function saveMetadata(key, value) {
	clearMetadataError();
	$('metadata-status').textContent = 'Saving…';
	const sub = shownSub;
	try {
		const saved = await sendAsShownUser(() => api.patchMetadata({ [key]: value }), 'metadata-status');
		if (saved === WITHHELD || shownSub !== sub) {
			return false;
		}
		const { profile, stale } = saved;
		showProfile(profile, stale);
		$('metadata-status').textContent = value === null ? `Removed “${key}”.` : `Saved “${key}”.`;
		return true;
	}
	catch (error) {
		if (shownSub !== sub) {
			return false;
		}
		if (error instanceof ProblemError && OUTAGE_STATUSES.includes(error.status)) {
			// The change may have reached the directory before the failure (the detail says whether): show what it
			// holds now before saying the change failed.
			await loadProfile();
			if (shownSub !== sub) {
				return false;
			}
			$('metadata-status').textContent = '';
			showMetadataError({ detail: withRetryAfter(error.problem.detail || error.message, error) });
			return false;
		}
		$('metadata-status').textContent = '';
		handleError(error, 'editor');
		return false;
	}
}

function withRetryAfter(text, error) {
	const retryAfter = error.headers.get('Retry-After');
	return retryAfter ? `${text.replace(/\.$/, '')}; try again in ${retryAfter} s.` : text;
}

// What sendAsShownUser answers when it sent nothing; the page says why already.
const WITHHELD = Symbol('withheld');

// Sends a change (send: a call of api's) for the user the page shows, only while the browser's session is theirs, and
// with their session's XSRF token: the session cookie may have become that of a sign-in in another tab (another
// user's), and the change would be made with it. The session is looked at first; a sign-in in the moment between that
// look and the change leaves the change with a token that is not the session's, and the gateway refuses it as forged.
// The page then looks again: another user, or nobody, is shown and the change is not sent again; the same user
// (signed in again elsewhere: a new token) gets it sent once more, with the new token. statusLine: the id of the
// element that said "Saving…", emptied when nothing is sent because the session cannot be checked. evenSignedOut:
// also sent when nobody is signed in (the sign-out, which goes on to the IdP's logout).
async function sendAsShownUser(send, statusLine, { evenSignedOut = false } = {}) {
	const sub = shownSub;
	for (let attempt = 1; ; attempt++) {
		const session = await checkedSession(statusLine);
		if (session === undefined) {
			return WITHHELD;
		}
		const user = session.authenticated ? session.user.sub : null;
		if (!((user === sub && shownSub === sub) || (user === null && evenSignedOut))) {
			// Also when the page shows the session's user already (another tab said so while the change was on its
			// way): the change was asked for on the page of sub, and is not sent.
			await showSession(session, { withheld: true, shownBefore: sub });
			return WITHHELD;
		}
		// No await between the pin and the send, which reads the token at once: nothing else may pin another
		// session's token in between.
		api.pin(session);
		try {
			return await send();
		}
		catch (error) {
			if (attempt > 1 || !api.refusedAsForged(error)) {
				throw error;
			}
		}
	}
}

// /bff/session's answer; undefined when it could not be had, which the page then says (emptying statusLine, when
// given: the element that said "Saving…").
async function checkedSession(statusLine) {
	try {
		const session = await api.session();
		hideUnavailable('session-check');
		return session;
	}
	catch (error) {
		if (statusLine) {
			$(statusLine).textContent = '';
		}
		handleError(error, 'session-check');
		return undefined;
	}
}

function clearMetadataError() {
	$('metadata-error').hidden = true;
	$('metadata-error').replaceChildren();
}

// problem+json: one line per bad field, named from its JSON pointer (/theme → theme).
function showMetadataError(problem) {
	const lines = [];
	for (const error of problem.errors || []) {
		const field = (error.pointer || '').split('/').slice(1)
			.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
		const line = document.createElement('p');
		line.dataset.test = 'metadata-error-field';
		line.dataset.field = field;
		line.textContent = field ? `${field}: ${error.detail}` : error.detail;
		lines.push(line);
	}
	if (lines.length === 0) {
		const line = document.createElement('p');
		line.textContent = problem.detail || problem.title || 'The change was refused.';
		lines.push(line);
	}
	$('metadata-error').replaceChildren(...lines);
	$('metadata-error').hidden = false;
}

// What is unavailable, by the part of the page whose call failed.
const UNAVAILABLE = {
	profile: 'The profile service is unavailable',
	// the metadata editor's changes: saveMetadata shows an outage itself, but every source handleError takes is a key
	editor: 'The profile service is unavailable',
	sessions: 'Your sessions cannot be shown or ended right now',
	'sign-out': 'Signing out did not complete',
	'session-check': 'Whether you are still signed in cannot be checked right now, so nothing was sent',
};


// source: the part of the page whose call failed (a key of UNAVAILABLE).
function handleError(error, source) {
	if (!(error instanceof ProblemError)) {
		showUnavailable('The gateway cannot be reached.', source);
		return;
	}
	if (error.status === 401 && error.problem.login_url) {
		// The gateway's own "sign in" answer. A 401 without it is the profile service refusing the token the
		// session holds even once the gateway renewed it (a configuration fault): signing in again would not help.
		showSignedOut(error.problem.login_url);
	}
	else if (error.status === 429) {
		showUnavailable(withRetryAfter('Too many requests.', error), source);
	}
	else if (OUTAGE_STATUSES.includes(error.status)) {
		showUnavailable(withRetryAfter(`${UNAVAILABLE[source]}.`, error), source);
	}
	else if (source === 'editor') {
		showMetadataError(error.problem);
	}
	else {
		showUnavailable(error.problem.detail || error.message, source);
	}
}

function showUnavailable(text, source) {
	$('banner-unavailable-text').textContent = text;
	$('banner-unavailable').dataset.source = source === 'editor' ? 'profile' : source;
	$('banner-unavailable').hidden = false;
}

// Once a call of the part that failed succeeds, its banner is out of date; another part's stays.
function hideUnavailable(source) {
	if ($('banner-unavailable').dataset.source === source) {
		$('banner-unavailable').hidden = true;
	}
}

function showProfile(profile, stale) {
	renderProfile(profile);
	$('banner-stale').hidden = !stale;
	hideUnavailable('profile');
	$('profile-missing').hidden = true;
	document.body.dataset.profile = 'loaded';
}

async function loadProfile() {
	document.body.dataset.profile = 'loading';
	const sub = shownSub;
	try {
		const { profile, stale } = await api.profile();
		if (shownSub !== sub) {
			return;
		}
		showProfile(profile, stale);
	}
	catch (error) {
		if (shownSub !== sub) {
			return;
		}
		$('profile-missing').hidden = $('profile').children.length > 0;
		document.body.dataset.profile = 'failed';
		handleError(error, 'profile');
	}
}

function when(iso) {
	return new Date(iso).toLocaleString();
}

function sessionRow(session) {
	const li = document.createElement('li');
	li.dataset.test = 'session-row';
	li.dataset.current = String(session.current);
	const device = document.createElement('span');
	device.className = 'device';
	device.textContent = session.user_agent || 'Unknown browser';
	const times = document.createElement('span');
	times.className = 'muted small';
	times.textContent = `Signed in ${when(session.created_at)} · last active ${when(session.last_seen_at)}`;
	li.append(device, times);
	if (session.current) {
		const badge = document.createElement('span');
		badge.className = 'badge';
		badge.dataset.test = 'session-current';
		badge.textContent = 'This device';
		li.append(badge);
	}
	else {
		const signOut = button('Sign out', 'session-sign-out', () => endSessions(() => api.endSession(session.id),
			'Signed out that device.'));
		signOut.setAttribute('aria-label', `Sign out ${device.textContent}, signed in ${when(session.created_at)}`);
		li.append(signOut);
	}
	return li;
}

async function loadSessions() {
	document.body.dataset.sessions = 'loading';
	const sub = shownSub;
	try {
		const sessions = await api.sessions();
		if (shownSub !== sub) {
			return;
		}
		$('sessions').replaceChildren(...sessions.map(sessionRow));
		$('sign-out-others').hidden = !sessions.some((s) => !s.current);
		hideUnavailable('sessions');
		document.body.dataset.sessions = 'loaded';
	}
	catch (error) {
		if (shownSub !== sub) {
			return;
		}
		document.body.dataset.sessions = 'failed';
		handleError(error, 'sessions');
	}
}

async function endSessions(end, done) {
	$('sessions-status').textContent = 'Signing out…';
	const sub = shownSub;
	try {
		if (await sendAsShownUser(end, 'sessions-status') === WITHHELD) {
			return;
		}
		$('sessions-status').textContent = done;
	}
	catch (error) {
		$('sessions-status').textContent = '';
		handleError(error, 'sessions');
	}
	if (shownSub === sub) {
		await loadSessions();
	}
}

// The gateway sends a login that did not complete (denied consent, an expired or replayed callback, a bad returnTo) to
// /?login=failed, and a "Sign in" it could not start because the IdP or the session store is down to
// /?login=unavailable. Either is for the first view only: an older session may still hold, and end much later.
const LOGIN_OUTCOMES = ['failed', 'unavailable'];

function takeLoginOutcome() {
	const url = new URL(window.location.href);
	const outcome = url.searchParams.get('login');
	if (!LOGIN_OUTCOMES.includes(outcome)) {
		return null;
	}
	url.searchParams.delete('login');
	window.history.replaceState(null, '', url.pathname + url.search + url.hash);
	return outcome;
}

function showSignedOut(url, loginOutcome = null) {
	forgetUser();
	shownSub = null;
	loginUrl = url || loginUrl;
	$('login-failed').hidden = loginOutcome !== 'failed';
	$('login-unavailable').hidden = loginOutcome !== 'unavailable';
	show('signed-out');
	otherTabs?.postMessage({ sub: null });
}

// What /bff/session answered. withheld: a change was not sent because the session is no longer the shown user's.
// shownBefore: the user whose page that change was asked on (the page shows them, or showed them until just now).
async function showSession(session, { loginOutcome = null, withheld = false, shownBefore = shownSub } = {}) {
	if (!session.authenticated) {
		showSignedOut(session.login_url, loginOutcome);
		return;
	}
	const changed = shownBefore !== undefined && shownBefore !== null && shownBefore !== session.user.sub;
	forgetUser();
	shownSub = session.user.sub;
	api.pin(session);
	renderUser(session.user);
	$('banner-user-changed').hidden = !changed;
	$('banner-user-changed-withheld').hidden = !withheld;
	show('signed-in');
	otherTabs?.postMessage({ sub: shownSub });
	await Promise.all([loadProfile(), loadSessions()]);
}

async function start(options) {
	show('loading');
	forgetUser();
	let session;
	try {
		session = await api.session();
	}
	catch (error) {
		showStartFailed(error);
		return;
	}
	await showSession(session, options);
}

// Whether anyone is signed in is not known: neither view would be true.
function showStartFailed(error) {
	let text = 'The gateway cannot be reached, so whether you are signed in is not known.';
	if (error instanceof ProblemError) {
		text = error.status === 429 ? 'Too many requests.'
			: `Whether you are signed in cannot be checked right now (HTTP ${error.status}).`;
		text = withRetryAfter(text, error);
	}
	$('unavailable-text').textContent = text;
	show('unavailable');
}

// The page is back in view (another tab, a restore from the back/forward cache) or another tab changed whom it
// shows: the session may have ended or changed user meanwhile. Only then, never on a timer: each look at
// /bff/session counts as a use of the session and keeps it from idling out.
let checking = false;
async function checkSession() {
	if (shownSub === undefined || checking) {
		return;
	}
	checking = true;
	try {
		const session = await api.session();
		if ((session.authenticated ? session.user.sub : null) !== shownSub) {
			await showSession(session);
		}
	}
	catch {
		// Not known now; the next change checks again before it is sent.
	}
	finally {
		checking = false;
	}
}

document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && checkSession());
window.addEventListener('pageshow', (event) => event.persisted && checkSession());
otherTabs?.addEventListener('message', (event) => event.data.sub !== shownSub && checkSession());

$('sign-in').addEventListener('click', () => api.login(loginUrl));
$('sign-out').addEventListener('click', async () => {
	try {
		// Not when the session is someone else's: signing out would end theirs. Also when the gateway's session had
		// ended already: the IdP's may not have.
		const redirect = await sendAsShownUser(api.logout, null, { evenSignedOut: true });
		if (redirect === WITHHELD) {
			return;
		}
		otherTabs?.postMessage({ sub: null });
		window.location.assign(redirect);
	}
	catch (error) {
		handleError(error, 'sign-out');
	}
});
$('retry').addEventListener('click', () => start());
$('unavailable-retry').addEventListener('click', () => start());
$('sign-out-others').addEventListener('click', () => endSessions(api.endOtherSessions,
	'Signed out every other device.'));
$('metadata-add').addEventListener('submit', async (event) => {
	event.preventDefault();
	const key = $('metadata-add-key').value;
	if (await saveMetadata(key, $('metadata-add-value').value)) {
		$('metadata-add').reset();
	}
});

start({ loginOutcome: takeLoginOutcome() });
