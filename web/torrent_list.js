// A virtualised list: only the rows in view (plus a margin) exist in the DOM, reused as the view scrolls and
// updated in place (a cell's text is written only when it changed). One listener on the container serves every row.
import { formatSize, formatRate, formatEta, formatRatio, formatPercent, stateName } from './format.js';

const OVERSCAN = 6;
const CELLS = ['name', 'size', 'progress', 'state', 'down', 'up', 'eta', 'peers', 'ratio'];

export class TorrentList {
  constructor(scroller, store, { onSelect, onOpen }) {
    this.scroller = scroller;
    this.store = store;
    this.onSelect = onSelect;
    this.onOpen = onOpen;
    this.spacer = document.createElement('div');
    this.spacer.className = 'list-spacer';
    this.scroller.append(this.spacer);
    this.rows = [];
    this.rowHeight = 0;
    this.scheduled = false;
    scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => { this.rowHeight = 0; this.schedule(); }).observe(scroller);
    scroller.addEventListener('click', (e) => this.handleClick(e));
    scroller.addEventListener('dblclick', (e) => {
      const id = this.rowId(e.target);
      if (id !== null) this.onOpen(id);
    });
  }

  rowId(target) {
    const row = target.closest('.row');
    return row && row.dataset.id ? Number(row.dataset.id) : null;
  }

  handleClick(e) {
    const id = this.rowId(e.target);
    if (id === null) return;
    const toggle = e.target.closest('.select-box');
    this.store.click(id, { ctrl: e.ctrlKey || e.metaKey || !!toggle, shift: e.shiftKey });
    this.onSelect();
    this.render();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.render(); });
  }

  makeRow() {
    const row = document.createElement('div');
    row.className = 'row';
    row.setAttribute('role', 'row');
    row.innerHTML = '<span class="select-box" aria-hidden="true"></span>' +
      '<span class="c-name"></span><span class="c-size"></span>' +
      '<span class="c-progress"><span class="bar"><span class="fill"></span></span><span class="pct"></span></span>' +
      '<span class="c-state"></span><span class="c-down"></span><span class="c-up"></span>' +
      '<span class="c-eta"></span><span class="c-peers"></span><span class="c-ratio"></span>';
    row.cells = {};
    for (const c of CELLS) row.cells[c] = row.querySelector(`.c-${c}`);
    row.fill = row.querySelector('.fill');
    row.pct = row.querySelector('.pct');
    row.shown = {};
    this.scroller.append(row);
    return row;
  }

  measure() {
    if (this.rowHeight) return;
    const probe = this.rows[0] || this.makeRow();
    if (!this.rows.length) this.rows.push(probe);
    probe.style.display = '';
    this.rowHeight = probe.offsetHeight || 40;
  }

  // Scrolls so the torrent at index i is visible.
  reveal(i) {
    this.measure();
    const top = i * this.rowHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + this.rowHeight > this.scroller.scrollTop + this.scroller.clientHeight)
      this.scroller.scrollTop = top + this.rowHeight - this.scroller.clientHeight;
  }

  render() {
    this.measure();
    const items = this.store.visible;
    const h = this.rowHeight;
    this.spacer.style.height = `${items.length * h}px`;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / h) - OVERSCAN);
    const count = Math.min(items.length - first, Math.ceil(this.scroller.clientHeight / h) + 2 * OVERSCAN);
    while (this.rows.length < count) this.rows.push(this.makeRow());
    for (let k = 0; k < this.rows.length; k++) {
      const row = this.rows[k];
      if (k >= count) { row.style.display = 'none'; row.dataset.id = ''; continue; }
      const i = first + k;
      this.fill(row, items[i], i * h);
    }
  }

  fill(row, t, top) {
    row.style.display = '';
    row.style.transform = `translateY(${top}px)`;
    const id = String(t.id);
    if (row.dataset.id !== id) { row.dataset.id = id; row.shown = {}; }
    const sel = this.store.selected.has(t.id);
    row.classList.toggle('selected', sel);
    row.setAttribute('aria-selected', sel ? 'true' : 'false');
    const state = stateName(t);
    row.dataset.state = t.error ? 'error' : String(t.status);
    // the bar is always what the torrent has (a check's own progress is in the state text)
    const progress = t.percentDone;
    const pct = formatPercent(progress);
    this.set(row, 'name', t.name);
    this.set(row, 'size', formatSize(t.sizeWhenDone));
    this.set(row, 'state', t.error ? `Error: ${t.errorString}` : state);
    this.set(row, 'down', formatRate(t.rateDownload));
    this.set(row, 'up', formatRate(t.rateUpload));
    this.set(row, 'eta', t.percentDone >= 1 ? '–' : formatEta(t.eta));
    this.set(row, 'peers', String(t.peersConnected ?? 0));
    this.set(row, 'ratio', formatRatio(t.uploadRatio));
    if (row.shown.pct !== pct) {
      row.shown.pct = pct;
      row.pct.textContent = pct;
      row.fill.style.width = `${progress * 100}%`;
    }
  }

  set(row, cell, text) {
    if (row.shown[cell] === text) return;
    row.shown[cell] = text;
    row.cells[cell].textContent = text;
    if (cell === 'name') row.title = text;  // the whole name, when the cell cuts it
  }
}
