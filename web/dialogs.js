// The modal dialogs: add torrents, create a torrent (with a folder picker over shoal-browse), confirm a removal.
import { bufferToBase64, base64ToBytes } from './rpc.js';
import { formatSize } from './format.js';

function $(root, sel) { return root.querySelector(sel); }

// Reads File objects (from the picker or a drop) into base64 metainfo.
export async function filesToMetainfo(files) {
  const out = [];
  for (const f of files) out.push({ name: f.name, metainfo: bufferToBase64(await f.arrayBuffer()) });
  return out;
}

export class AddDialog {
  constructor(dialog, rpc, { onAdded, onError }) {
    this.dialog = dialog;
    this.rpc = rpc;
    this.onAdded = onAdded;
    this.onError = onError;
    this.files = [];
    this.fileInput = $(dialog, 'input[type=file]');
    this.list = $(dialog, '.add-files');
    this.status = $(dialog, '.dialog-status');
    this.fileInput.addEventListener('change', () => { this.setFiles([...this.fileInput.files]); });
    const zone = $(dialog, '.drop-zone');
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      e.stopPropagation();
      zone.classList.remove('over');
      this.setFiles([...e.dataTransfer.files]);
    });
    $(dialog, 'form').addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    $(dialog, '.cancel').addEventListener('click', () => dialog.close());
  }

  // Each time: the daemon's defaults (its download-dir, and paused unless start-added-torrents).
  open(session, files = []) {
    this.fileInput.value = '';
    $(this.dialog, '[name=url]').value = '';
    $(this.dialog, '[name=downloadDir]').value = session['download-dir'] || '';
    $(this.dialog, '[name=paused]').checked = session['start-added-torrents'] === false;
    this.status.textContent = '';
    this.setFiles(files);
    if (!this.dialog.open) this.dialog.showModal();
  }

  setFiles(files) {
    this.files = files.filter((f) => f.name.endsWith('.torrent') || f.type === 'application/x-bittorrent');
    const skipped = files.length - this.files.length;
    this.list.textContent = this.files.map((f) => `${f.name} (${formatSize(f.size)})`).join(', ') ||
      'No file chosen.';
    if (skipped) this.list.textContent += ` (${skipped} not .torrent, skipped)`;
  }

  async submit() {
    const dir = $(this.dialog, '[name=downloadDir]').value.trim();
    const paused = $(this.dialog, '[name=paused]').checked;
    const urls = $(this.dialog, '[name=url]').value.split('\n').map((s) => s.trim()).filter(Boolean);
    const jobs = [];
    for (const f of await filesToMetainfo(this.files)) jobs.push({ label: f.name, args: { metainfo: f.metainfo } });
    for (const u of urls) jobs.push({ label: u, args: { filename: u } });
    if (!jobs.length) { this.status.textContent = 'Choose a .torrent file, drop one here, or paste a URL or magnet.'; return; }
    const errors = [];
    let added = 0;
    for (const job of jobs) {
      const args = { ...job.args, paused };
      if (dir) args['download-dir'] = dir;
      try {
        const reply = await this.rpc.call('torrent-add', args);
        if (reply['torrent-duplicate']) errors.push(`${job.label}: already added`);
        else added++;
      } catch (e) {
        // Transmission 3 answers a duplicate with "duplicate torrent" and the torrent under "torrent-duplicate"
        if (e.args && e.args['torrent-duplicate']) errors.push(`${job.label}: already added`);
        else errors.push(`${job.label}: ${e.message}`);
      }
    }
    this.onAdded(added);
    if (errors.length) this.status.textContent = errors.join('\n');
    else this.dialog.close();
  }
}

// Offers the base64 .torrent the daemon returned as a file download.
export function downloadTorrentFile(name, metainfoB64) {
  const blob = new Blob([base64ToBytes(metainfoB64)], { type: 'application/x-bittorrent' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${name}.torrent`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  return a.download;
}

export class CreateDialog {
  constructor(dialog, rpc, { onCreated, onError }) {
    this.dialog = dialog;
    this.rpc = rpc;
    this.onCreated = onCreated;
    this.onError = onError;
    this.status = $(dialog, '.dialog-status');
    this.browser = $(dialog, '.browser');
    this.pathInput = $(dialog, '[name=path]');
    $(dialog, '.browse').addEventListener('click', () => this.browse(this.pathInput.value.trim() || undefined));
    this.browser.addEventListener('click', (e) => this.browserClick(e));
    $(dialog, 'form').addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    $(dialog, '.cancel').addEventListener('click', () => dialog.close());
  }

  open() {
    this.status.textContent = '';
    $(this.dialog, '.created').hidden = true;
    this.browser.replaceChildren();
    if (!this.dialog.open) this.dialog.showModal();
    this.browse(undefined);
  }

  async browse(path) {
    let reply;
    try {
      reply = await this.rpc.call('shoal-browse', path ? { path } : {});
    } catch (e) {
      this.status.textContent = `Browse: ${e.message}`;
      return;
    }
    const list = document.createElement('ul');
    list.className = 'browse-list';
    const item = (label, p, dir, size) => {
      const li = document.createElement('li');
      li.dataset.path = p;
      li.dataset.directory = dir ? '1' : '0';
      li.className = dir ? 'dir' : 'file';
      li.textContent = dir ? `${label}/` : `${label} (${formatSize(size)})`;
      li.tabIndex = 0;
      list.append(li);
    };
    const here = document.createElement('p');
    here.className = 'browse-here';
    if (reply.path) {
      here.textContent = reply.path;
      const parent = reply.path.replace(/\/[^/]+\/?$/, '') || '/';
      const inRoot = (reply.roots || []).some((r) => parent === r || parent.startsWith(`${r.replace(/\/$/, '')}/`));
      if (inRoot && parent !== reply.path) item('..', parent, true, 0);
      else item('(allowed folders)', '', true, 0);
    } else {
      here.textContent = 'Allowed folders';
    }
    for (const e of reply.entries || []) item(e.name, e.path, e.directory, e.size);
    if (reply.path) this.pathInput.value = reply.path;
    this.browser.replaceChildren(here, list);
  }

  browserClick(e) {
    const li = e.target.closest('li[data-path]');
    if (!li) return;
    if (li.dataset.directory === '1') {
      this.browse(li.dataset.path || undefined);
    } else {
      this.pathInput.value = li.dataset.path;
      for (const x of this.browser.querySelectorAll('li.chosen')) x.classList.remove('chosen');
      li.classList.add('chosen');
    }
  }

  async submit() {
    const path = this.pathInput.value.trim();
    if (!path) { this.status.textContent = 'Choose a file or folder.'; return; }
    const trackers = $(this.dialog, '[name=trackers]').value.split('\n').map((s) => s.trim()).filter(Boolean);
    const args = {
      path,
      trackers,
      private: $(this.dialog, '[name=private]').checked,
      'piece-size': Number($(this.dialog, '[name=pieceSize]').value) || 0,
      comment: $(this.dialog, '[name=comment]').value,
    };
    this.status.textContent = 'Creating… (hashing the data on the daemon)';
    try {
      const reply = await this.rpc.call('torrent-create', args);
      const added = reply['torrent-added'] || {};
      this.status.textContent = `Created and seeding: ${added.name}`;
      const link = $(this.dialog, '.created');
      link.hidden = false;
      link.onclick = () => downloadTorrentFile(added.name, reply.metainfo);
      downloadTorrentFile(added.name, reply.metainfo);
      this.onCreated(added);
    } catch (e) {
      this.status.textContent = e.message;
    }
  }
}

export class RemoveDialog {
  constructor(dialog, rpc, { onRemoved, onError }) {
    this.dialog = dialog;
    this.rpc = rpc;
    this.onRemoved = onRemoved;
    this.onError = onError;
    this.ids = [];
    $(dialog, 'form').addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    $(dialog, '.cancel').addEventListener('click', () => dialog.close());
  }

  open(ids, names) {
    if (!ids.length) return;
    this.ids = ids;
    $(this.dialog, '.remove-what').textContent = ids.length === 1 ? `Remove “${names[0]}”?` : `Remove ${ids.length} torrents?`;
    $(this.dialog, '[name=deleteData]').checked = false;
    this.dialog.showModal();
  }

  async submit() {
    const withData = $(this.dialog, '[name=deleteData]').checked;
    try {
      await this.rpc.call('torrent-remove', { ids: this.ids, 'delete-local-data': withData });
      this.dialog.close();
      this.onRemoved(this.ids);
    } catch (e) {
      this.onError(e);
    }
  }
}
