// Number formatting for the console: binary units, tabular figures.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB". */
export function bytes(value) {
  let n = Number(value) || 0;
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  const whole = Number.isInteger(n) || Math.abs(n) >= 10;
  const digits = whole ? 0 : 1;
  return `${n.toFixed(digits)} ${UNITS[unit]}`;
}

export function bytesPerSecond(value) {
  return `${bytes(value)}/s`;
}

export function perSecond(value, unit) {
  const n = Number(value) || 0;
  const text = (n === 0 || n >= 100) ? Math.round(n).toLocaleString('en') : n.toFixed(1);
  return `${text} ${unit}/s`;
}

export function count(value) {
  return (Number(value) || 0).toLocaleString('en');
}

/** Milliseconds -> "3 s", "4 min 10 s", "2 h 5 min". */
export function age(millis) {
  const s = Math.max(0, Math.floor(millis / 1000));
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  if (s < 86400) {
    return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  }
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function time(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleTimeString('en-GB');
}
