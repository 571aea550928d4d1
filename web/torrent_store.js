// The torrents the UI knows: a full list once, then the deltas of "recently-active" (changed ones and removed ids).
import { matchesFilter } from './format.js';

export const LIST_FIELDS = [
  'id', 'name', 'hashString', 'status', 'error', 'errorString', 'percentDone', 'recheckProgress', 'sizeWhenDone',
  'totalSize', 'leftUntilDone', 'rateDownload', 'rateUpload', 'eta', 'peersConnected', 'uploadRatio',
  'uploadedEver', 'downloadDir', 'addedDate', 'isFinished', 'queuePosition', 'metadataPercentComplete',
];

const SORTERS = {
  name: (a, b) => a.name.localeCompare(b.name) || a.id - b.id,
  added: (a, b) => b.addedDate - a.addedDate || a.id - b.id,
  progress: (a, b) => b.percentDone - a.percentDone || a.id - b.id,
  size: (a, b) => b.sizeWhenDone - a.sizeWhenDone || a.id - b.id,
  down: (a, b) => b.rateDownload - a.rateDownload || a.id - b.id,
  up: (a, b) => b.rateUpload - a.rateUpload || a.id - b.id,
  ratio: (a, b) => b.uploadRatio - a.uploadRatio || a.id - b.id,
};

export class TorrentStore {
  constructor() {
    this.byId = new Map();
    this.visible = [];   // the filtered and sorted torrents, as the list shows them
    this.filter = 'all';
    this.search = '';
    this.sort = 'name';
    this.selected = new Set();
    this.anchor = null;  // the last clicked id, for shift-click ranges
  }

  replaceAll(torrents) {
    this.byId.clear();
    for (const t of torrents) this.byId.set(t.id, t);
    this.pruneSelection();
    this.refresh();
  }

  applyDelta(torrents, removed = []) {
    for (const t of torrents) {
      const old = this.byId.get(t.id);
      this.byId.set(t.id, old ? Object.assign(old, t) : t);
    }
    for (const id of removed) this.byId.delete(id);
    if (removed.length) this.pruneSelection();
    this.refresh();
  }

  pruneSelection() {
    for (const id of this.selected) if (!this.byId.has(id)) this.selected.delete(id);
  }

  refresh() {
    const needle = this.search.trim().toLowerCase();
    const out = [];
    for (const t of this.byId.values()) {
      if (!matchesFilter(t, this.filter)) continue;
      if (needle && !t.name.toLowerCase().includes(needle)) continue;
      out.push(t);
    }
    out.sort(SORTERS[this.sort] || SORTERS.name);
    this.visible = out;
  }

  // Click semantics of a file manager: plain = only this one, ctrl/meta = toggle, shift = range from the anchor.
  click(id, { ctrl = false, shift = false } = {}) {
    if (shift && this.anchor !== null) {
      const a = this.visible.findIndex((t) => t.id === this.anchor);
      const b = this.visible.findIndex((t) => t.id === id);
      if (a >= 0 && b >= 0) {
        if (!ctrl) this.selected.clear();
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) this.selected.add(this.visible[i].id);
        return;
      }
    }
    if (ctrl) {
      if (this.selected.has(id)) this.selected.delete(id); else this.selected.add(id);
    } else {
      this.selected.clear();
      this.selected.add(id);
    }
    this.anchor = id;
  }

  selectAll() {
    for (const t of this.visible) this.selected.add(t.id);
  }

  // Moves the selection one row up or down (arrow keys); returns the new index.
  step(delta) {
    if (!this.visible.length) return -1;
    let i = this.visible.findIndex((t) => t.id === this.anchor);
    i = i < 0 ? 0 : Math.max(0, Math.min(this.visible.length - 1, i + delta));
    this.click(this.visible[i].id);
    return i;
  }

  selectedIds() {
    return [...this.selected];
  }

  totals() {
    let down = 0;
    let up = 0;
    for (const t of this.byId.values()) { down += t.rateDownload || 0; up += t.rateUpload || 0; }
    return { count: this.byId.size, shown: this.visible.length, down, up };
  }
}
