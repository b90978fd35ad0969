// Portico web console: live listeners from GET /api/events, and every operation of the REST API.

import { Api, ApiError, Cancelled } from './api.js';
import { readEvents } from './events.js';
import { RateChart } from './charts.js';
import * as fmt from './format.js';

const $ = (selector, root = document) => root.querySelector(selector);
const enc = encodeURIComponent;

/* ---------- credentials form ---------- */

const dialog = $('#credentials');
const credentialsForm = $('#credentials-form');
let pendingCredentials = null;

function askCredentials(reason, error) {
  $('#credentials-reason').textContent = reason || '';
  const errorBox = $('#credentials-error');
  errorBox.textContent = error || '';
  errorBox.hidden = !error;
  if (pendingCredentials) {
    return pendingCredentials.promise;
  }
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  pendingCredentials = { promise, resolve, reject };
  credentialsForm.elements.password.value = '';
  if (!dialog.open) {
    dialog.showModal();
  }
  const first = credentialsForm.elements.username.value ? credentialsForm.elements.password
    : credentialsForm.elements.username;
  first.focus();
  return promise;
}

function settleCredentials(value) {
  const pending = pendingCredentials;
  pendingCredentials = null;
  if (dialog.open) {
    dialog.close();
  }
  if (pending) {
    if (value) {
      pending.resolve(value);
    }
    else {
      pending.reject(new Cancelled());
    }
  }
}

credentialsForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const username = credentialsForm.elements.username.value.trim();
  const password = credentialsForm.elements.password.value;
  if (!username || !password) {
    const errorBox = $('#credentials-error');
    errorBox.textContent = 'Enter both the user name and the password.';
    errorBox.hidden = false;
    return;
  }
  settleCredentials({ username, password });
});
dialog.addEventListener('cancel', (event) => {
  event.preventDefault();
  settleCredentials(null);
});

function showUser(username) {
  const who = $('#signed-in');
  who.hidden = !username;
  who.textContent = username ? `Signed in as ${username}` : '';
  $('[data-action="sign-in"]').hidden = Boolean(username);
  $('[data-action="sign-out"]').hidden = !username;
}

const api = new Api(askCredentials, showUser);
showUser(api.username);

/* ---------- notices ---------- */

let noticeTimer = null;

function notice(text, kind = 'info') {
  const box = $('#notice');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(noticeTimer);
  if (kind !== 'error') {
    noticeTimer = setTimeout(() => { box.hidden = true; }, 10000);
  }
}

/** Run an operation; a cancelled sign-in or a problem from the API becomes a notice. */
async function run(operation, errorBox) {
  try {
    await operation();
    return true;
  }
  catch (ex) {
    if (ex instanceof Cancelled) {
      notice('Not signed in: nothing was changed.');
    }
    else if (errorBox) {
      errorBox.textContent = ex.message;
      errorBox.hidden = false;
    }
    else {
      notice(ex.message, 'error');
    }
    return false;
  }
}

/* ---------- listeners ---------- */

const template = $('#listener-template');
const list = $('#listener-list');
const views = new Map();
let windowSeconds = 300;
let serverOffset = 0;
const pendingHistory = new Map();

function setField(root, path, text, value = text) {
  for (const element of root.querySelectorAll(`[data-field="${path}"]`)) {
    if (element.textContent !== String(text)) {
      element.textContent = text;
    }
    element.dataset.value = value;
  }
}

class ListenerView {

  constructor(status) {
    this.name = status.name;
    this.element = template.content.firstElementChild.cloneNode(true);
    this.element.dataset.listener = status.name;
    this.element.setAttribute('aria-label', `Listener ${status.name}`);
    this.samples = [];
    this.chart = null;
    this.update(status);
  }

  attach(before) {
    list.insertBefore(this.element, before);
    const chartBox = $('.chart', this.element);
    chartBox.setAttribute('aria-label', `Bytes per second in and out of ${this.name}, last ${Math.round(windowSeconds / 60)} minutes`);
    this.chart = new RateChart(chartBox, windowSeconds);
    this.redraw();
  }

  update(status) {
    this.status = status;
    const e = this.element;
    this.element.dataset.type = status.type;
    this.element.dataset.state = status.state;
    setField(e, 'name', status.name);
    setField(e, 'state', status.state);
    setField(e, 'type', status.type);
    setField(e, 'transport', status.transport);
    setField(e, 'bind', status.bind);
    setField(e, 'port', status.port);
    const failure = $('[data-field="failure"]', e);
    failure.hidden = !status.failure;
    setField(e, 'failure', status.failure || '');
    setField(e, 'connections.active', fmt.count(status.connections.active), status.connections.active);
    setField(e, 'connections.accepted', fmt.count(status.connections.accepted), status.connections.accepted);
    setField(e, 'connections.rejected', fmt.count(status.connections.rejected), status.connections.rejected);
    setField(e, 'bytes.received', fmt.bytes(status.bytes.received), status.bytes.received);
    setField(e, 'bytes.sent', fmt.bytes(status.bytes.sent), status.bytes.sent);
    setField(e, 'queue.bytes', fmt.bytes(status.queue.bytes), status.queue.bytes);
    setField(e, 'queue.messages', fmt.count(status.queue.messages), status.queue.messages);
    setField(e, 'errors', fmt.count(status.errors), status.errors);
    const running = status.state === 'RUNNING';
    $('[data-action="start"]', e).disabled = running;
    $('[data-action="stop"]', e).disabled = !running;
    $('[data-action="connections"]', e).hidden = status.transport !== 'tcp';
  }

  /** @param sample [time, bytesIn, bytesOut, messagesIn, messagesOut] */
  addSample(sample) {
    const last = this.samples[this.samples.length - 1];
    if (last && sample[0] <= last[0]) {
      return;
    }
    this.samples.push(sample);
    const oldest = sample[0] - (windowSeconds + 5) * 1000;
    while (this.samples.length > 2 && this.samples[0][0] < oldest) {
      this.samples.shift();
    }
    this.redraw();
  }

  setHistory(samples) {
    this.samples = samples.map((s) => s.slice(0, 5));
    this.redraw();
  }

  redraw() {
    const points = [];
    for (let i = 1; i < this.samples.length; i++) {
      const [t0, bi0, bo0] = this.samples[i - 1];
      const [t1, bi1, bo1] = this.samples[i];
      const seconds = (t1 - t0) / 1000;
      if (seconds > 0) {
        // a counter that went down means the listener restarted its totals: no negative rate
        points.push([t1, Math.max(0, (bi1 - bi0) / seconds), Math.max(0, (bo1 - bo0) / seconds)]);
      }
    }
    const n = this.samples.length;
    let rates = [0, 0, 0, 0];
    if (n >= 2) {
      const [t0, ...a] = this.samples[n - 2];
      const [t1, ...b] = this.samples[n - 1];
      const seconds = (t1 - t0) / 1000;
      rates = b.map((value, i) => Math.max(0, (value - a[i]) / seconds));
    }
    const e = this.element;
    setField(e, 'rates.bytes.received', fmt.bytesPerSecond(rates[0]), rates[0].toFixed(1));
    setField(e, 'rates.bytes.sent', fmt.bytesPerSecond(rates[1]), rates[1].toFixed(1));
    setField(e, 'rates.messages.received', fmt.perSecond(rates[2], 'msg'), rates[2].toFixed(1));
    setField(e, 'rates.messages.sent', fmt.perSecond(rates[3], 'msg'), rates[3].toFixed(1));
    if (this.chart) {
      this.chart.update(points);
    }
  }

  remove() {
    if (this.chart) {
      this.chart.destroy();
    }
    this.element.remove();
  }

}

function sampleOf(time, status) {
  return [time, status.bytes.received, status.bytes.sent, status.messages.received, status.messages.sent];
}

/** Show a listener's status, creating its card when it is new. */
function upsert(status) {
  let view = views.get(status.name);
  if (!view) {
    view = new ListenerView(status);
    views.set(status.name, view);
    view.attach(null);
    const history = pendingHistory.get(status.name);
    if (history) {
      view.setHistory(history);
      pendingHistory.delete(status.name);
    }
  }
  else {
    view.update(status);
  }
  $('#listeners-empty').hidden = views.size > 0;
  return view;
}

function removeView(name) {
  const view = views.get(name);
  if (view) {
    view.remove();
    views.delete(name);
  }
  if (connections.name === name) {
    hideConnections();
  }
  $('#listeners-empty').hidden = views.size > 0;
}

function onListeners(statuses, id) {
  const time = Number(id) || Date.now();
  serverOffset = time - Date.now();
  const names = new Set(statuses.map((s) => s.name));
  for (const name of [...views.keys()]) {
    if (!names.has(name)) {
      removeView(name);
    }
  }
  for (const status of statuses) {
    upsert(status).addSample(sampleOf(time, status));
  }
}

function onChange(change) {
  for (const name of change.removed) {
    const stillThere = change.listeners.some((s) => s.name === name);
    if (!stillThere) {
      removeView(name);
    }
    else {
      views.get(name)?.setHistory([]);
    }
  }
  for (const status of change.listeners) {
    upsert(status);
  }
  if (connections.name && change.connections.some((c) => c.listener === connections.name)) {
    refreshConnections();
  }
}

function onHistory(history) {
  for (const [name, samples] of Object.entries(history.listeners)) {
    const view = views.get(name);
    if (view) {
      view.setHistory(samples);
    }
    else {
      pendingHistory.set(name, samples);
    }
  }
}

function viewOf(element) {
  const card = element.closest('[data-listener]');
  return card ? views.get(card.dataset.listener) : null;
}

async function lifecycle(view, action) {
  const status = await api.json('POST', `api/listeners/${enc(view.name)}/${action}`);
  upsert(status);
  notice(`Listener ${status.name} is ${status.state}${status.state === 'RUNNING' ? ` on port ${status.port}` : ''}.`);
}

async function deleteListener(view) {
  await api.json('DELETE', `api/listeners/${enc(view.name)}`);
  removeView(view.name);
  notice(`Listener ${view.name} deleted.`);
  $('#listeners').focus();
}

/* ---------- create form ---------- */

const createForm = $('#create-form');
createForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const errorBox = $('#create-error');
  errorBox.hidden = true;
  const form = createForm.elements;
  const body = { name: form.name.value.trim(), type: form.type.value };
  const port = form.port.value.trim();
  if (port !== '') {
    body.port = /^\d+$/.test(port) ? Number(port) : port;
  }
  if (form.bind.value.trim() !== '') {
    body.bind = form.bind.value.trim();
  }
  let options = {};
  if (form.options.value.trim() !== '') {
    try {
      options = JSON.parse(form.options.value);
    }
    catch (ex) {
      options = null;
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      errorBox.textContent = 'Options must be a JSON object, such as {"max-connections": 100}.';
      errorBox.hidden = false;
      form.options.focus();
      return;
    }
  }
  if (!form.autostart.checked) {
    options.autostart = false;
  }
  if (Object.keys(options).length > 0) {
    body.options = options;
  }
  const done = await run(async () => {
    const status = await api.json('POST', 'api/listeners', { body: JSON.stringify(body), type: 'application/json' });
    upsert(status);
    notice(`Listener ${status.name} created (${status.state}, port ${status.port}).`);
  }, errorBox);
  if (done) {
    form.name.value = '';
    form.port.value = '';
    form.options.value = '';
  }
});

/* ---------- connections of one listener ---------- */

const connections = { name: null, rows: new Map(), list: [], busy: false, again: false, timer: null };
const CONNECTION_ROWS = 200;

function showConnections(name) {
  const view = views.get(name);
  if (!view) {
    return;
  }
  connections.name = name;
  connections.rows.forEach((row) => row.remove());
  connections.rows.clear();
  connections.list = [];
  const section = $('#connections');
  section.dataset.listener = name;
  setField(section, 'connections-of', name);
  $('#push-form').hidden = view.status.type !== 'multiconn';
  section.hidden = false;
  section.scrollIntoView({ block: 'nearest' });
  section.focus();
  clearInterval(connections.timer);
  connections.timer = setInterval(tickConnections, 1000);
  refreshConnections();
}

function hideConnections() {
  const section = $('#connections');
  section.hidden = true;
  delete section.dataset.listener;
  connections.name = null;
  clearInterval(connections.timer);
}

let connectionTicks = 0;

function tickConnections() {
  renderAges();
  // byte counts move without opening or closing: look again every other second
  if (++connectionTicks % 2 === 0) {
    refreshConnections();
  }
}

async function refreshConnections() {
  const name = connections.name;
  if (!name) {
    return;
  }
  if (connections.busy) {
    connections.again = true;
    return;
  }
  connections.busy = true;
  try {
    const list = await api.get(`api/listeners/${enc(name)}/connections`);
    if (connections.name === name) {
      renderConnections(list);
    }
  }
  catch (ex) {
    if (!(ex instanceof Cancelled) && connections.name === name) {
      setField($('#connections'), 'connections-summary', ex.message);
    }
  }
  finally {
    connections.busy = false;
    if (connections.again) {
      connections.again = false;
      refreshConnections();
    }
  }
}

function cell(label, field) {
  const td = document.createElement('td');
  td.dataset.label = label;
  td.dataset.field = field;
  return td;
}

function renderConnections(list) {
  connections.list = list.slice(0, CONNECTION_ROWS);
  const body = $('#connection-table tbody');
  const multiconn = views.get(connections.name)?.status.type === 'multiconn';
  const ids = new Set(connections.list.map((c) => c.id));
  for (const [id, row] of connections.rows) {
    if (!ids.has(id)) {
      row.remove();
      connections.rows.delete(id);
    }
  }
  for (const connection of connections.list) {
    let row = connections.rows.get(connection.id);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.connection = connection.id;
      row.append(cell('Remote address', 'remoteAddress'), cell('Age', 'age'), cell('Bytes in', 'bytesIn'),
        cell('Bytes out', 'bytesOut'), cell('Queued', 'queuedBytes'));
      const actions = document.createElement('td');
      actions.className = 'actions-cell';
      if (multiconn) {
        actions.append(button('Push', 'push', `Push the message to ${connection.remoteAddress}`));
      }
      actions.append(button('Close', 'close-connection', `Close the connection from ${connection.remoteAddress}`, 'danger'));
      row.append(actions);
      body.append(row);
      connections.rows.set(connection.id, row);
    }
    row.dataset.openedAt = connection.openedAt;
    setField(row, 'remoteAddress', connection.remoteAddress);
    setField(row, 'bytesIn', fmt.bytes(connection.bytesIn), connection.bytesIn);
    setField(row, 'bytesOut', fmt.bytes(connection.bytesOut), connection.bytesOut);
    setField(row, 'queuedBytes', fmt.bytes(connection.queuedBytes), connection.queuedBytes);
  }
  renderAges();
  const shown = connections.list.length;
  const summary = list.length === 0 ? 'No open connections.'
    : (list.length > shown ? `Showing the first ${shown} of ${fmt.count(list.length)} open connections.`
      : `${fmt.count(list.length)} open connection${list.length === 1 ? '' : 's'}.`);
  setField($('#connections'), 'connections-summary', summary, list.length);
}

function renderAges() {
  const now = Date.now() + serverOffset;
  for (const row of connections.rows.values()) {
    const opened = Date.parse(row.dataset.openedAt);
    setField(row, 'age', fmt.age(now - opened));
  }
}

function button(text, action, label, className) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.dataset.action = action;
  if (label) {
    element.setAttribute('aria-label', label);
  }
  if (className) {
    element.className = className;
  }
  return element;
}

function pushBody() {
  const form = $('#push-form').elements;
  const text = form.message.value;
  if (text === '') {
    throw new ApiError(0, 'Type a message to push first.', null);
  }
  return form.newline.checked ? `${text}\n` : text;
}

async function push(id) {
  const body = pushBody();
  const answer = await api.json('POST', `api/listeners/${enc(connections.name)}/connections/${enc(id)}/messages`,
    { body, type: 'text/plain;charset=UTF-8' });
  notice(`Queued ${fmt.count(answer.bytes)} bytes to one connection of ${answer.listener}.`);
}

async function broadcast() {
  const body = pushBody();
  const answer = await api.json('POST', `api/listeners/${enc(connections.name)}/broadcast`,
    { body, type: 'text/plain;charset=UTF-8' });
  notice(`Queued ${fmt.count(answer.bytes)} bytes to ${answer.queued} connection(s) of ${answer.listener}`
    + (answer.full ? `; ${answer.full} skipped with a full queue.` : '.'));
}

async function closeConnection(id) {
  await api.json('DELETE', `api/listeners/${enc(connections.name)}/connections/${enc(id)}`);
  connections.rows.get(id)?.remove();
  connections.rows.delete(id);
  notice('Connection closed.');
  refreshConnections();
}

/* ---------- search index ---------- */

const entryForm = $('#entry-form');
let entries = {};

async function loadEntries() {
  const note = $('#search-unavailable');
  try {
    entries = await api.get('api/search/entries');
    note.hidden = true;
  }
  catch (ex) {
    if (ex instanceof Cancelled) {
      return;
    }
    entries = {};
    note.textContent = ex.message;
    note.hidden = false;
  }
  const body = $('#search-table tbody');
  body.replaceChildren();
  for (const [key, value] of Object.entries(entries)) {
    const row = document.createElement('tr');
    row.dataset.entry = key;
    const keyCell = cell('Key', 'key');
    keyCell.textContent = key;
    const valueCell = cell('Answer', 'value');
    valueCell.textContent = value;
    const actions = document.createElement('td');
    actions.className = 'actions-cell';
    actions.append(button('Edit', 'edit-entry', `Edit the answer for ${key}`),
      button('Delete', 'delete-entry', `Delete the entry ${key}`, 'danger'));
    row.append(keyCell, valueCell, actions);
    body.append(row);
  }
}

function editEntry(key) {
  entryForm.elements.key.value = key;
  entryForm.elements.value.value = entries[key] ?? '';
  entryForm.dataset.editing = key;
  $('#entry-title').textContent = `Edit the entry ${key}`;
  $('[data-action="cancel-entry"]').hidden = false;
  entryForm.elements.value.focus();
}

function resetEntryForm() {
  entryForm.reset();
  delete entryForm.dataset.editing;
  $('#entry-title').textContent = 'Add an entry';
  $('[data-action="cancel-entry"]').hidden = true;
  $('#entry-error').hidden = true;
}

entryForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const errorBox = $('#entry-error');
  errorBox.hidden = true;
  const key = entryForm.elements.key.value;
  const value = entryForm.elements.value.value;
  if (key === '') {
    errorBox.textContent = 'Enter a key.';
    errorBox.hidden = false;
    entryForm.elements.key.focus();
    return;
  }
  const done = await run(async () => {
    await api.json('PUT', `api/search/entries?key=${enc(key)}`, { body: value, type: 'text/plain;charset=UTF-8' });
    notice(`Saved the entry ${key}.`);
  }, errorBox);
  if (done) {
    resetEntryForm();
    await loadEntries();
  }
});

async function deleteEntry(key) {
  await api.json('DELETE', `api/search/entries?key=${enc(key)}`);
  notice(`Deleted the entry ${key}.`);
  if (entryForm.dataset.editing === key) {
    resetEntryForm();
  }
  await loadEntries();
}

/* ---------- replicas (cluster mode) ---------- */

async function loadReplicas() {
  const section = $('#replicas');
  let cluster = null;
  try {
    const response = await fetch('api/cluster', { headers: api.headers(false, { Accept: 'application/json' }), cache: 'no-store' });
    if (response.status === 200) {
      cluster = await response.json();
    }
  }
  catch (ex) {
    cluster = null;
  }
  section.hidden = !cluster;
  if (!cluster) {
    return;
  }
  const body = $('#replica-table tbody');
  body.replaceChildren();
  for (const instance of cluster.instances || []) {
    const row = document.createElement('tr');
    row.dataset.instance = instance.id;
    const values = [['Instance', 'id', instance.id], ['Address', 'address', instance.address],
      ['Started', 'startedAt', fmt.time(instance.startedAt)], ['Last seen', 'lastSeen', fmt.time(instance.lastSeen)],
      ['Listeners', 'listeners', (instance.listeners || []).map((l) => (typeof l === 'string' ? l : l.name)).join(', ')]];
    for (const [label, field, text] of values) {
      const td = cell(label, field);
      td.textContent = text ?? '';
      row.append(td);
    }
    body.append(row);
  }
}

/* ---------- actions ---------- */

document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-action]');
  if (!target || target.disabled) {
    return;
  }
  const action = target.dataset.action;
  const view = viewOf(target);
  const row = target.closest('[data-connection]');
  const entry = target.closest('[data-entry]');
  switch (action) {
    case 'start':
    case 'stop':
      run(() => lifecycle(view, action));
      break;
    case 'delete':
      $('.confirm', view.element).hidden = false;
      $('[data-action="confirm-delete"]', view.element).focus();
      break;
    case 'cancel-delete':
      $('.confirm', view.element).hidden = true;
      $('[data-action="delete"]', view.element).focus();
      break;
    case 'confirm-delete':
      run(() => deleteListener(view));
      break;
    case 'connections':
      showConnections(view.name);
      break;
    case 'hide-connections': {
      const name = connections.name;
      hideConnections();
      views.get(name)?.element.focus();
      break;
    }
    case 'push':
      run(() => push(row.dataset.connection));
      break;
    case 'close-connection':
      run(() => closeConnection(row.dataset.connection));
      break;
    case 'broadcast':
      run(broadcast);
      break;
    case 'edit-entry':
      editEntry(entry.dataset.entry);
      break;
    case 'delete-entry':
      run(() => deleteEntry(entry.dataset.entry));
      break;
    case 'cancel-entry':
      resetEntryForm();
      break;
    case 'sign-in':
      run(async () => {
        await api.signIn('Sign in once to change listeners, connections and the search index.');
        notice(`Signed in as ${api.username}.`);
      });
      break;
    case 'sign-out':
      api.signOut();
      notice('Signed out: the next change asks for credentials again.');
      break;
    case 'cancel-credentials':
      settleCredentials(null);
      break;
    default:
      break;
  }
});

$('#push-form').addEventListener('submit', (event) => event.preventDefault());

/* ---------- start ---------- */

function showStream(state, detail) {
  const live = $('#live');
  live.dataset.state = state;
  live.textContent = state === 'live' ? 'Live' : (state === 'connecting' ? 'Connecting…' : (detail || 'Disconnected'));
}

async function start() {
  let info = { openReads: true, cluster: false, history: 300 };
  try {
    info = await api.get('api/console');
  }
  catch (ex) {
    if (!(ex instanceof Cancelled)) {
      notice(ex.message, 'error');
    }
  }
  api.openReads = api.openReads && info.openReads;
  windowSeconds = Math.max(60, info.history || 300);
  readEvents(api, {
    onState: showStream,
    onEvent: (name, data, id) => {
      if (name === 'listeners') {
        onListeners(data, id);
      }
      else if (name === 'change') {
        onChange(data);
      }
      else if (name === 'history') {
        onHistory(data);
      }
    },
  });
  loadEntries();
  if (info.cluster) {
    loadReplicas();
    setInterval(loadReplicas, 5000);
  }
}

start();
