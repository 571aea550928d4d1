// The inspector of one torrent: overview, files, peers, trackers and the piece map, refreshed while open.
import { formatSize, formatRate, formatPercent, formatDate, formatRatio, stateName } from './format.js';
import { drawPieceMap } from './piece_map.js';

export const INSPECTOR_FIELDS = [
  'id', 'name', 'hashString', 'status', 'error', 'errorString', 'percentDone', 'recheckProgress', 'sizeWhenDone',
  'totalSize', 'downloadDir', 'addedDate', 'doneDate', 'dateCreated', 'creator', 'comment', 'isPrivate',
  'uploadedEver', 'downloadedEver', 'uploadRatio', 'corruptEver', 'pieceCount', 'pieceSize', 'pieces', 'files',
  'fileStats', 'peers', 'trackerStats', 'magnetLink',
];

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function table(headers, rows) {
  const t = el('table', 'data');
  const head = t.createTHead().insertRow();
  for (const h of headers) head.append(el('th', '', h));
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const cell of r) tr.insertCell().append(cell instanceof Node ? cell : document.createTextNode(cell));
  }
  return t;
}

function progressCell(fraction) {
  const wrap = el('span', 'mini-progress');
  const bar = el('span', 'bar');
  const fill = el('span', 'fill');
  fill.style.width = `${fraction * 100}%`;
  bar.append(fill);
  wrap.append(bar, el('span', 'pct', formatPercent(fraction)));
  return wrap;
}

export class Inspector {
  constructor(root, rpc, onError) {
    this.root = root;
    this.rpc = rpc;
    this.onError = onError;
    this.id = null;
    this.tab = 'overview';
    this.title = root.querySelector('.inspector-title');
    this.body = root.querySelector('.inspector-body');
    root.querySelector('.inspector-tabs').addEventListener('click', (e) => {
      const b = e.target.closest('[data-tab]');
      if (!b) return;
      this.tab = b.dataset.tab;
      this.refresh();
    });
  }

  get open() { return this.id !== null; }

  show(id) {
    this.id = id;
    this.root.hidden = false;
    document.body.classList.add('inspecting');
    this.refresh();
  }

  close() {
    this.id = null;
    this.root.hidden = true;
    document.body.classList.remove('inspecting');
  }

  async refresh() {
    if (this.id === null) return;
    const id = this.id;
    let t;
    try {
      const reply = await this.rpc.call('torrent-get', { ids: [id], fields: INSPECTOR_FIELDS });
      t = reply.torrents && reply.torrents[0];
    } catch (e) {
      this.onError(e);
      return;
    }
    if (this.id !== id) return;
    if (!t) { this.close(); return; }
    for (const b of this.root.querySelectorAll('[data-tab]'))
      b.setAttribute('aria-selected', b.dataset.tab === this.tab ? 'true' : 'false');
    this.title.textContent = t.name;
    const scroll = this.body.scrollTop;
    this.body.replaceChildren(this[`render_${this.tab}`](t));
    this.body.scrollTop = scroll;
  }

  render_overview(t) {
    const dl = el('dl', 'overview');
    const add = (k, v) => { dl.append(el('dt', '', k), el('dd', '', v)); };
    add('State', t.error ? `Error: ${t.errorString}` : stateName(t));
    add('Progress', formatPercent(t.percentDone));
    add('Size', `${formatSize(t.sizeWhenDone)} (${t.pieceCount} pieces of ${formatSize(t.pieceSize)})`);
    add('Downloaded', formatSize(t.downloadedEver));
    add('Uploaded', `${formatSize(t.uploadedEver)} (ratio ${formatRatio(t.uploadRatio)})`);
    add('Corrupt', formatSize(t.corruptEver));
    add('Location', t.downloadDir);
    add('Hash', t.hashString);
    add('Private', t.isPrivate ? 'yes' : 'no');
    add('Added', formatDate(t.addedDate));
    add('Completed', formatDate(t.doneDate));
    add('Created', `${formatDate(t.dateCreated)}${t.creator ? ` by ${t.creator}` : ''}`);
    if (t.comment) add('Comment', t.comment);
    if (t.magnetLink) add('Magnet', t.magnetLink);
    return dl;
  }

  render_files(t) {
    const files = t.files || [];
    const rows = files.map((f, i) => {
      const st = (t.fileStats || [])[i] || {};
      const done = f.length > 0 ? f.bytesCompleted / f.length : 1;
      return [f.name, formatSize(f.length), progressCell(done), st.wanted === false ? 'skip' : 'get'];
    });
    const wrap = el('div', 'tab-files');
    wrap.append(table(['Name', 'Size', 'Done', 'Wanted'], rows));
    return wrap;
  }

  render_peers(t) {
    const peers = t.peers || [];
    const wrap = el('div', 'tab-peers');
    if (!peers.length) { wrap.append(el('p', 'empty', 'No peers connected.')); return wrap; }
    wrap.append(table(['Address', 'Client', 'Down', 'Up', 'Progress', 'Flags'], peers.map((p) => [
      `${p.address}:${p.port}`, p.clientName || '?', formatRate(p.rateToClient), formatRate(p.rateToPeer),
      progressCell(p.progress || 0), p.flagStr || '',
    ])));
    return wrap;
  }

  render_trackers(t) {
    const trackers = t.trackerStats || [];
    const wrap = el('div', 'tab-trackers');
    if (!trackers.length) { wrap.append(el('p', 'empty', 'No trackers.')); return wrap; }
    const count = (n) => (n === undefined || n < 0 ? '–' : String(n));
    for (const tr of trackers) {
      const card = el('div', 'tracker');
      card.append(el('p', 'announce', tr.announce));
      const dl = el('dl', 'overview');
      const add = (k, v) => { dl.append(el('dt', '', k), el('dd', '', v)); };
      add('Tier', String(tr.tier));
      add('Last announce', formatDate(tr.lastAnnounceTime));
      add('Result', tr.lastAnnounceResult || (tr.lastAnnounceSucceeded ? 'Success' : '–'));
      add('Peers got', count(tr.lastAnnouncePeerCount));
      add('Seeders / leechers', `${count(tr.seederCount)} / ${count(tr.leecherCount)}`);
      add('Next announce', formatDate(tr.nextAnnounceTime));
      card.append(dl);
      wrap.append(card);
    }
    return wrap;
  }

  render_pieces(t) {
    const wrap = el('div', 'tab-pieces');
    const canvas = el('canvas', 'piece-map');
    const caption = el('p', 'piece-caption');
    wrap.append(canvas, caption);
    requestAnimationFrame(() => {
      const have = drawPieceMap(canvas, t.pieces, t.pieceCount || 0);
      caption.textContent = `${have} of ${t.pieceCount} pieces (${formatSize(t.pieceSize)} each)`;
    });
    return wrap;
  }
}
