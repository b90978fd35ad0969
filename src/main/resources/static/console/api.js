// Calls to Portico's REST API with the operator's credentials, asked once per tab.
//
// Credentials live in sessionStorage: they last as long as the tab, never reach a URL or
// localStorage. Every request says X-Requested-With: XMLHttpRequest, so a 401 comes without a
// WWW-Authenticate challenge and the browser does not pop its own login dialog over the page.

const KEY = 'portico.credentials';

const WRONG = 'Wrong user name or password: Portico refused them. Try again.';

/** A problem detail (RFC 9457) the API answered with, or a network failure. */
export class ApiError extends Error {
  constructor(status, detail, problem) {
    super(detail);
    this.status = status;
    this.problem = problem;
  }
}

/** The user closed the credentials form. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
  }
}

export class Api {

  /**
   * @param askCredentials (reason, error) => Promise<{username, password}>, rejecting with
   * Cancelled when the user gives up
   * @param onCredentialsChanged (username or null) => void
   */
  constructor(askCredentials, onCredentialsChanged) {
    this.askCredentials = askCredentials;
    this.onCredentialsChanged = onCredentialsChanged;
    this.openReads = true;
    this.credentials = load();
  }

  get username() {
    return this.credentials ? this.credentials.username : null;
  }

  signOut() {
    this.forget();
  }

  forget() {
    this.credentials = null;
    sessionStorage.removeItem(KEY);
    this.onCredentialsChanged(null);
  }

  /** Ask for credentials and check them with a harmless read before keeping them. */
  async signIn(reason) {
    let error = null;
    for (;;) {
      const given = await this.askCredentials(reason, error);
      const response = await fetch('api/console', {
        headers: { 'X-Requested-With': 'XMLHttpRequest', Authorization: 'Basic ' + base64(`${given.username}:${given.password}`) },
        cache: 'no-store',
      });
      if (response.status !== 401) {
        this.remember(given);
        return;
      }
      error = WRONG;
    }
  }

  remember(credentials) {
    this.credentials = credentials;
    sessionStorage.setItem(KEY, JSON.stringify(credentials));
    this.onCredentialsChanged(credentials.username);
  }

  /** Headers for a request; credentials go along for changes, and for reads when reads are closed. */
  headers(write, extra = {}) {
    const headers = { 'X-Requested-With': 'XMLHttpRequest', ...extra };
    if (this.credentials && (write || !this.openReads)) {
      const { username, password } = this.credentials;
      headers.Authorization = 'Basic ' + base64(`${username}:${password}`);
    }
    return headers;
  }

  /** Whether a request must wait for credentials before it is sent. */
  needsCredentials(write) {
    return !this.credentials && (write || !this.openReads);
  }

  /**
   * Ask for credentials: on a 401 after sending some, says plainly that they were wrong.
   * Resolves once new ones are kept; rejects with Cancelled.
   */
  async obtainCredentials(write, refused) {
    const reason = write ? 'Changes need the API user name and password.'
      : 'This Portico needs credentials to read.';
    const error = refused ? WRONG : null;
    const given = await this.askCredentials(reason, error);
    this.remember(given);
  }

  /**
   * Send a request; answers the Response when 2xx, else throws ApiError with the problem's detail.
   * @param options {body, type (content type), write}
   */
  async request(method, path, options = {}) {
    const write = options.write ?? !['GET', 'HEAD'].includes(method);
    let refused = false;
    for (;;) {
      if (this.needsCredentials(write) || refused) {
        await this.obtainCredentials(write, refused);
      }
      const headers = this.headers(write, { Accept: 'application/json, application/problem+json' });
      if (options.type) {
        headers['Content-Type'] = options.type;
      }
      let response;
      try {
        response = await fetch(path, { method, headers, body: options.body, cache: 'no-store' });
      }
      catch (ex) {
        throw new ApiError(0, `Portico did not answer (${ex.message}). Is it running?`, null);
      }
      if (response.status === 401) {
        // sent credentials were refused: forget them and ask again, saying so; none sent on a
        // read: reads are closed here, so send credentials with reads from now on
        refused = Boolean(headers.Authorization);
        if (refused) {
          this.forget();
        }
        if (!write) {
          this.openReads = false;
        }
        continue;
      }
      if (!response.ok) {
        throw await problemOf(response);
      }
      return response;
    }
  }

  async json(method, path, options) {
    const response = await this.request(method, path, options);
    if (response.status === 204) {
      return null;
    }
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  get(path) {
    return this.json('GET', path);
  }

}

async function problemOf(response) {
  let problem = null;
  let detail = `${response.status} ${response.statusText}`;
  try {
    const text = await response.text();
    if (text) {
      problem = JSON.parse(text);
      detail = problem.detail || problem.title || detail;
    }
  }
  catch (ex) {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, detail, problem);
}

function load() {
  try {
    const stored = sessionStorage.getItem(KEY);
    return stored ? JSON.parse(stored) : null;
  }
  catch (ex) {
    return null;
  }
}

function base64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  return btoa(binary);
}
