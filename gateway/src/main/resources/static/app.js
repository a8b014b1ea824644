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

function show(view) {
	$('loading').hidden = view !== 'loading';
	$('signed-out').hidden = view !== 'signed-out';
	$('signed-in').hidden = view !== 'signed-in';
	document.body.dataset.view = view;
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
		img.addEventListener('load', () => avatar.replaceChildren(img));
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
	try {
		const { profile, stale } = await api.patchMetadata({ [key]: value });
		renderProfile(profile);
		setStale(stale);
		$('metadata-status').textContent = value === null ? `Removed “${key}”.` : `Saved “${key}”.`;
		return true;
	}
	catch (error) {
		$('metadata-status').textContent = '';
		handleError(error, true);
		return false;
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

function setStale(stale) {
	$('banner-stale').hidden = !stale;
}

function handleError(error, fromEditor) {
	if (!(error instanceof ProblemError)) {
		showUnavailable('The gateway cannot be reached.');
		return;
	}
	if (error.status === 401 && error.problem.login_url) {
		// The gateway's own "sign in" answer. A 401 without it is the profile service refusing the token the
		// session holds (a configuration fault): signing in again would not help.
		loginUrl = error.problem.login_url;
		show('signed-out');
	}
	else if (error.status === 429) {
		const retryAfter = error.headers.get('Retry-After');
		showUnavailable(`Too many requests${retryAfter ? `; try again in ${retryAfter} s` : ''}.`);
	}
	else if (error.status === 503 || error.status === 502 || error.status === 504) {
		const retryAfter = error.headers.get('Retry-After');
		showUnavailable(`The profile service is unavailable${retryAfter ? `; try again in ${retryAfter} s` : ''}.`);
	}
	else if (fromEditor) {
		showMetadataError(error.problem);
	}
	else {
		showUnavailable(error.problem.detail || error.message);
	}
}

function showUnavailable(text) {
	$('banner-unavailable-text').textContent = text;
	$('banner-unavailable').hidden = false;
}

async function loadProfile() {
	$('banner-unavailable').hidden = true;
	document.body.dataset.profile = 'loading';
	try {
		const { profile, stale } = await api.profile();
		renderProfile(profile);
		setStale(stale);
		$('profile-missing').hidden = true;
		document.body.dataset.profile = 'loaded';
	}
	catch (error) {
		$('profile-missing').hidden = $('profile').children.length > 0;
		document.body.dataset.profile = 'failed';
		handleError(error, false);
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
	try {
		const sessions = await api.sessions();
		$('sessions').replaceChildren(...sessions.map(sessionRow));
		$('sign-out-others').hidden = !sessions.some((s) => !s.current);
		document.body.dataset.sessions = 'loaded';
	}
	catch (error) {
		document.body.dataset.sessions = 'failed';
		handleError(error, false);
	}
}

async function endSessions(end, done) {
	$('sessions-status').textContent = 'Signing out…';
	try {
		await end();
		$('sessions-status').textContent = done;
	}
	catch (error) {
		$('sessions-status').textContent = '';
		handleError(error, false);
	}
	await loadSessions();
}

// The gateway sends a login that did not complete (denied consent, an expired or replayed callback) to /?login=failed.
function takeLoginOutcome() {
	const url = new URL(window.location.href);
	if (url.searchParams.get('login') !== 'failed') {
		return;
	}
	$('login-failed').hidden = false;
	url.searchParams.delete('login');
	window.history.replaceState(null, '', url.pathname + url.search + url.hash);
}

async function start() {
	takeLoginOutcome();
	try {
		const session = await api.session();
		if (!session.authenticated) {
			loginUrl = session.login_url || loginUrl;
			show('signed-out');
			return;
		}
		renderUser(session.user);
		show('signed-in');
		await Promise.all([loadProfile(), loadSessions()]);
	}
	catch (error) {
		show('signed-in');
		handleError(error, false);
	}
}

$('sign-in').addEventListener('click', () => api.login(loginUrl));
$('sign-out').addEventListener('click', async () => {
	try {
		await api.logout();
	}
	catch (error) {
		handleError(error, false);
	}
});
$('retry').addEventListener('click', loadProfile);
$('sign-out-others').addEventListener('click', () => endSessions(api.endOtherSessions,
	'Signed out every other device.'));
$('metadata-add').addEventListener('submit', async (event) => {
	event.preventDefault();
	const key = $('metadata-add-key').value;
	if (await saveMetadata(key, $('metadata-add-value').value)) {
		$('metadata-add').reset();
	}
});

start();
