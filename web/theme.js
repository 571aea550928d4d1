// Dark mode: follows prefers-color-scheme ("auto") unless the user picked dark or light (kept in localStorage).
const ORDER = ['auto', 'dark', 'light'];
const KEY = 'shoal-theme';

function stored() {
  try { return localStorage.getItem(KEY) || 'auto'; } catch { return 'auto'; }
}

export function applyTheme(theme = stored()) {
  document.documentElement.dataset.theme = ORDER.includes(theme) ? theme : 'auto';
}

export function cycleTheme() {
  const next = ORDER[(ORDER.indexOf(stored()) + 1) % ORDER.length];
  try { localStorage.setItem(KEY, next); } catch { /* private mode: only this page */ }
  applyTheme(next);
  return next;
}
