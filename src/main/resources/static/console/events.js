// Reads GET /api/events (Server-Sent Events) with fetch rather than EventSource, because
// EventSource cannot send the Authorization header a Portico with closed reads asks for.
// Reconnects by itself, after the delay the server advises, and when the stream goes silent.

import { Cancelled } from './api.js';

/**
 * @param api the Api (headers, credentials)
 * @param handlers { onEvent(name, data, id), onState('connecting' | 'live' | 'down', detail) }
 * @returns a function that stops reading
 */
export function readEvents(api, handlers) {
  let stopped = false;
  let controller = null;
  let retry = 2000;
  let silenceTimer = null;
  // the server sends figures every second and pings every few seconds: this much silence means a dead link
  const SILENCE_MILLIS = 20000;

  function armSilence() {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => controller && controller.abort(), SILENCE_MILLIS);
  }

  async function loop() {
    while (!stopped) {
      controller = new AbortController();
      try {
        if (api.needsCredentials(false)) {
          await api.obtainCredentials(false, false);
        }
        handlers.onState('connecting', null);
        const response = await fetch('api/events', {
          headers: api.headers(false, { Accept: 'text/event-stream' }),
          cache: 'no-store',
          signal: controller.signal,
        });
        if (response.status === 401) {
          const refused = Boolean(api.headers(false).Authorization);
          api.openReads = false;
          if (refused) {
            api.forget();
          }
          await api.obtainCredentials(false, refused);
          continue;
        }
        if (!response.ok) {
          let detail = `${response.status} ${response.statusText}`;
          try {
            detail = (await response.json()).detail || detail;
          }
          catch (ex) {
            // keep the status line
          }
          handlers.onState('down', detail);
        }
        else {
          handlers.onState('live', null);
          armSilence();
          await readStream(response.body);
          handlers.onState('down', 'The event stream ended; reconnecting.');
        }
      }
      catch (ex) {
        if (ex instanceof Cancelled) {
          handlers.onState('down', 'Sign in to see live figures.');
          return;
        }
        if (!stopped) {
          handlers.onState('down', 'Lost the event stream; reconnecting.');
        }
      }
      finally {
        clearTimeout(silenceTimer);
      }
      if (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, retry));
      }
    }
  }

  async function readStream(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      armSilence();
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  function dispatch(block) {
    let name = 'message';
    let id = null;
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = (colon < 0) ? line : line.slice(0, colon);
      let value = (colon < 0) ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'event') {
        name = value;
      }
      else if (field === 'data') {
        data.push(value);
      }
      else if (field === 'id') {
        id = value;
      }
      else if (field === 'retry' && /^\d+$/.test(value)) {
        retry = Number(value);
      }
    }
    if (data.length > 0) {
      let parsed;
      try {
        parsed = JSON.parse(data.join('\n'));
      }
      catch (ex) {
        return;
      }
      handlers.onEvent(name, parsed, id);
    }
  }

  loop();
  return () => {
    stopped = true;
    if (controller) {
      controller.abort();
    }
  };
}
