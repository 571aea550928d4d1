// Human-readable sizes, rates, durations and torrent states.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatSize(bytes) {
  if (!(bytes > 0)) return '0 B';
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[i]}`;
}

export function formatRate(bytesPerSecond) {
  return bytesPerSecond > 0 ? `${formatSize(bytesPerSecond)}/s` : '–';
}

export function formatEta(seconds) {
  if (seconds === undefined || seconds < 0) return '∞';
  if (seconds === 0) return '–';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export function formatRatio(r) {
  if (r === -2) return '∞';
  if (r === undefined || r < 0) return '–';
  return r.toFixed(2);
}

export function formatPercent(fraction) {
  return `${(Math.floor(fraction * 1000) / 10).toFixed(1)}%`;
}

export function formatDate(unixSeconds) {
  return unixSeconds > 0 ? new Date(unixSeconds * 1000).toLocaleString() : '–';
}

// Transmission's status codes (rpc-spec 3.3).
export const STATUS = { STOPPED: 0, CHECK_WAIT: 1, CHECK: 2, DOWNLOAD_WAIT: 3, DOWNLOAD: 4, SEED_WAIT: 5, SEED: 6 };

export function stateName(t) {
  if (t.error) return 'Error';
  switch (t.status) {
    case STATUS.STOPPED: return t.percentDone >= 1 ? 'Finished' : 'Stopped';
    case STATUS.CHECK_WAIT: return 'Queued to check';
    case STATUS.CHECK: return `Checking ${formatPercent(t.recheckProgress || 0)}`;
    case STATUS.DOWNLOAD_WAIT: return 'Queued';
    case STATUS.DOWNLOAD:  // a magnet link fetches its metadata (the file list) before any data
      return t.metadataPercentComplete < 1 ? `Fetching metadata ${formatPercent(t.metadataPercentComplete)}` : 'Downloading';
    case STATUS.SEED_WAIT: return 'Queued to seed';
    case STATUS.SEED: return 'Seeding';
    default: return `Status ${t.status}`;
  }
}

// The filter names of the state menu.
export function matchesFilter(t, filter) {
  switch (filter) {
    case 'all': return true;
    case 'downloading': return t.status === STATUS.DOWNLOAD || t.status === STATUS.DOWNLOAD_WAIT;
    case 'seeding': return t.status === STATUS.SEED || t.status === STATUS.SEED_WAIT;
    case 'stopped': return t.status === STATUS.STOPPED;
    case 'checking': return t.status === STATUS.CHECK || t.status === STATUS.CHECK_WAIT;
    case 'active': return t.rateDownload > 0 || t.rateUpload > 0;
    case 'error': return !!t.error;
    default: return true;
  }
}
