// Shoal's web UI: wires the RPC client, the torrent store and list, the dialogs, the inspector and statistics.
import { RpcClient, AuthRequired } from './rpc.js';
import { TorrentStore, LIST_FIELDS } from './torrent_store.js';
import { TorrentList } from './torrent_list.js';
import { Inspector } from './inspector.js';
import { AddDialog, CreateDialog, RemoveDialog } from './dialogs.js';
import { RateGraph } from './rate_graph.js';
import { formatRate, formatSize } from './format.js';
import { applyTheme, cycleTheme } from './theme.js';

const POLL_MS = 2000;
const HIDDEN_POLL_MS = 10000;  // a background tab polls less
const $ = (sel) => document.querySelector(sel);

class App {
  constructor() {
    this.rpc = new RpcClient();
    this.rpc.onAuthRequired = () => this.showLogin();
    this.store = new TorrentStore();
    this.session = {};
    this.timer = null;
    this.polling = false;
    this.pollAgain = false;
    this.haveFullList = false;
    this.list = new TorrentList($('#list'), this.store, {
      onSelect: () => this.selectionChanged(),
      onOpen: (id) => this.inspector.show(id),
    });
    this.inspector = new Inspector($('#inspector'), this.rpc, (e) => this.error(e));
    this.graph = new RateGraph($('#rate-graph'));
    const refresh = () => this.poll();
    this.addDialog = new AddDialog($('#add-dialog'), this.rpc, {
      onAdded: (n) => { if (n) this.message(`${n} torrent${n > 1 ? 's' : ''} added`); refresh(); },
      onError: (e) => this.error(e),
    });
    this.createDialog = new CreateDialog($('#create-dialog'), this.rpc, {
      onCreated: (t) => { this.message(`created ${t.name}; seeding`); refresh(); },
      onError: (e) => this.error(e),
    });
    this.removeDialog = new RemoveDialog($('#remove-dialog'), this.rpc, {
      onRemoved: (ids) => { this.store.applyDelta([], ids); this.render(); refresh(); },
      onError: (e) => this.error(e),
    });
    this.bindControls();
    applyTheme();
  }

  async start() {
    const who = await this.rpc.whoami();
    if (who.auth_required && !who.username) { this.showLogin(); return; }
    this.showApp(who);
  }

  showLogin() {
    clearTimeout(this.timer);
    this.timer = null;
    this.pollAgain = false;
    this.haveFullList = false;
    $('#app').hidden = true;
    $('#login').hidden = false;
    for (const d of document.querySelectorAll('dialog[open]')) d.close();
    $('#login [name=username]').focus();
  }

  showApp(who) {
    $('#login').hidden = true;
    $('#app').hidden = false;
    const logout = $('[data-action=logout]');
    logout.hidden = !who.auth_required;
    logout.title = who.username ? `Log out ${who.username}` : 'Log out';
    this.loadSession();
    this.poll();
  }

  async login(form) {
    const err = form.querySelector('.login-error');
    err.textContent = '';
    try {
      await this.rpc.login(form.username.value, form.password.value);
      form.password.value = '';
      this.showApp(await this.rpc.whoami());
    } catch (e) {
      err.textContent = e.message;
    }
  }

  async logout() {
    try { await this.rpc.logout(); } catch (e) { this.error(e); }
    this.store.replaceAll([]);
    this.inspector.close();
    this.showLogin();
  }

  async loadSession() {
    try {
      this.session = await this.rpc.call('session-get', {});
    } catch (e) { this.error(e); }
  }

  // The full list once, then only what changed ("recently-active" with "removed").
  async poll() {
    if (this.polling) { this.pollAgain = true; return; }  // one poll at a time, one timer chain
    this.polling = true;
    clearTimeout(this.timer);
    try {
      if (!this.haveFullList) {
        const reply = await this.rpc.call('torrent-get', { fields: LIST_FIELDS });
        this.store.replaceAll(reply.torrents || []);
        this.haveFullList = true;
      } else {
        const reply = await this.rpc.call('torrent-get', { ids: 'recently-active', fields: LIST_FIELDS });
        this.store.applyDelta(reply.torrents || [], reply.removed || []);
      }
      this.render();
      await this.pollStats();
      if (this.inspector.open) await this.inspector.refresh();
      $('#message').classList.remove('error');
    } catch (e) {
      this.polling = false;
      if (e instanceof AuthRequired) return;  // the login form is up; polling resumes after login
      this.error(e);
    }
    this.polling = false;
    if (this.pollAgain) {
      this.pollAgain = false;
      this.poll();
      return;
    }
    this.timer = setTimeout(() => this.poll(), document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  async pollStats() {
    const s = await this.rpc.call('session-stats', {});
    this.graph.push(s.downloadSpeed || 0, s.uploadSpeed || 0);
    $('#rates').textContent = `↓ ${formatRate(s.downloadSpeed)}  ↑ ${formatRate(s.uploadSpeed)}`;
    if ($('#stats').hidden) return;
    this.graph.draw();
    const rows = [['', 'This run', 'All time']];
    const cur = s['current-stats'] || {};
    const all = s['cumulative-stats'] || {};
    rows.push(['Downloaded', formatSize(cur.downloadedBytes), formatSize(all.downloadedBytes)]);
    rows.push(['Uploaded', formatSize(cur.uploadedBytes), formatSize(all.uploadedBytes)]);
    rows.push(['Files added', String(cur.filesAdded ?? '–'), String(all.filesAdded ?? '–')]);
    rows.push(['Active time', `${Math.round((cur.secondsActive || 0) / 60)} min`, `${Math.round((all.secondsActive || 0) / 60)} min`]);
    rows.push(['Torrents', `${s.activeTorrentCount} active`, `${s.torrentCount} in all (${s.pausedTorrentCount} stopped)`]);
    const table = document.createElement('table');
    table.className = 'data';
    for (const r of rows) {
      const tr = table.insertRow();
      for (const c of r) tr.insertCell().textContent = c;
    }
    $('#stats .stats-body').replaceChildren(table);
  }

  render() {
    this.list.render();
    const tot = this.store.totals();
    $('#count').textContent = tot.shown === tot.count ? `${tot.count} torrents` : `${tot.shown} of ${tot.count} torrents`;
    const empty = $('#empty');
    empty.hidden = tot.shown > 0;
    empty.textContent = tot.count === 0 ? 'No torrents. Add one with “Add” or drop a .torrent file here.'
      : 'No torrent matches the search and filter.';
    this.selectionChanged();
  }

  selectionChanged() {
    const none = this.store.selected.size === 0;
    for (const b of document.querySelectorAll('[data-needs-selection]')) b.disabled = none;
  }

  async act(method) {
    const ids = this.store.selectedIds();
    if (!ids.length) return;
    try {
      await this.rpc.call(method, { ids });
      this.message(`${method.replace('torrent-', '')}: ${ids.length} torrent${ids.length > 1 ? 's' : ''}`);
    } catch (e) { this.error(e); }
    this.poll();
  }

  remove() {
    const ids = this.store.selectedIds();
    this.removeDialog.open(ids, ids.map((id) => this.store.byId.get(id)?.name ?? String(id)));
  }

  inspect() {
    const ids = this.store.selectedIds();
    if (ids.length) this.inspector.show(ids[ids.length - 1]);
  }

  toggleStats() {
    const s = $('#stats');
    s.hidden = !s.hidden;
    if (!s.hidden) this.pollStats().catch((e) => this.error(e));
  }

  message(text) {
    const m = $('#message');
    m.classList.remove('error');
    m.textContent = text;
  }

  error(e) {
    if (e instanceof AuthRequired) return;
    const m = $('#message');
    m.classList.add('error');
    m.textContent = e.message || String(e);
  }

  bindControls() {
    $('#login form').addEventListener('submit', (e) => { e.preventDefault(); this.login(e.target); });
    const actions = {
      add: () => this.addDialog.open(this.session),
      create: () => this.createDialog.open(),
      start: () => this.act('torrent-start'),
      stop: () => this.act('torrent-stop'),
      verify: () => this.act('torrent-verify'),
      remove: () => this.remove(),
      inspect: () => this.inspect(),
      stats: () => this.toggleStats(),
      theme: () => { const t = cycleTheme(); this.message(`theme: ${t}`); this.graph.draw(); },
      logout: () => this.logout(),
      'close-inspector': () => this.inspector.close(),
    };
    document.addEventListener('click', (e) => {
      const b = e.target.closest('[data-action]');
      if (b && !b.disabled && actions[b.dataset.action]) actions[b.dataset.action]();
    });
    const search = $('#search');
    const searchChanged = () => { this.store.search = search.value; this.store.refresh(); this.render(); };
    search.addEventListener('input', searchChanged);
    search.addEventListener('search', searchChanged);
    $('#filter').addEventListener('change', (e) => { this.store.filter = e.target.value; this.store.refresh(); this.render(); });
    $('#sort').addEventListener('change', (e) => { this.store.sort = e.target.value; this.store.refresh(); this.render(); });
    this.bindDrop();
    document.addEventListener('visibilitychange', () => { if (!document.hidden && this.timer) this.poll(); });
    this.bindKeys(actions);
  }

  // A .torrent dropped anywhere on the page opens the add dialog with it.
  bindDrop() {
    const overlay = $('#drop-overlay');
    const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    document.addEventListener('dragover', (e) => {
      if (!hasFiles(e) || $('#app').hidden) return;
      e.preventDefault();
      overlay.hidden = false;
    });
    document.addEventListener('dragleave', (e) => { if (e.target === overlay || !e.relatedTarget) overlay.hidden = true; });
    document.addEventListener('drop', (e) => {
      overlay.hidden = true;
      if (!hasFiles(e) || $('#app').hidden) return;
      e.preventDefault();
      this.addDialog.open(this.session, [...e.dataTransfer.files]);
    });
  }

  bindKeys(actions) {
    document.addEventListener('keydown', (e) => {
      if ($('#app').hidden || document.querySelector('dialog[open]')) return;
      const typing = e.target.closest('input, textarea, select');
      if (e.key === 'Escape') {
        if (typing) { e.preventDefault(); e.target.blur(); return; }
        if (!$('#stats').hidden) { $('#stats').hidden = true; return; }
        if (this.inspector.open) { this.inspector.close(); return; }
        this.store.selected.clear();
        this.render();
        return;
      }
      if (typing) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
        e.preventDefault();
        this.store.selectAll();
        this.render();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const keys = {
        '/': () => $('#search').focus(), a: actions.add, c: actions.create, s: actions.start, p: actions.stop,
        v: actions.verify, Delete: actions.remove, i: actions.inspect, Enter: actions.inspect, t: actions.stats,
        '?': () => $('#help-dialog').showModal(),
        ArrowDown: () => { this.list.reveal(this.store.step(1)); this.render(); },
        ArrowUp: () => { this.list.reveal(this.store.step(-1)); this.render(); },
      };
      const f = keys[e.key];
      if (f) { e.preventDefault(); f(); }
    });
  }
}

const app = new App();
window.shoal = app;  // for the console and the browser tests
app.start();
