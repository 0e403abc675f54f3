import { CookieJar } from 'tough-cookie';

export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

/**
 * A person's browser, reduced to what a sign-in needs: a cookie jar, redirects followed one at a
 * time (so tests can stop at the client's callback), and forms submitted as a browser would.
 */
export class Browser {
  readonly jar = new CookieJar();
  readonly headers: Record<string, string>;

  constructor(headers: Record<string, string> = {}) {
    this.headers = {
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36',
      ...headers,
    };
  }

  async request(
    url: string,
    init: {
      method?: string;
      form?: Record<string, string>;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.cookie = cookie;
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const value of response.headers.getSetCookie()) await this.jar.setCookie(value, url);
    return response;
  }

  /**
   * Follows redirects until a page is shown or a URL matching `stopAt` is reached (the client's
   * callback, which the browser would hand to the application).
   */
  async visit(
    url: string,
    options: {
      stopAt?: string;
      method?: string;
      form?: Record<string, string>;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Page> {
    let response = await this.request(url, options);
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) break;
      current = new URL(location, current).href;
      if (options.stopAt && current.startsWith(options.stopAt)) {
        return { status: response.status, url: current, html: '', headers: response.headers };
      }
      response = await this.request(current);
    }
    return {
      status: response.status,
      url: current,
      html: await response.text(),
      headers: response.headers,
    };
  }

  /** Submits the form on the page whose action ends with `actionSuffix`, hidden fields included. */
  async submit(
    page: Page,
    actionSuffix: string,
    fields: Record<string, string>,
    options: { stopAt?: string } = {},
  ) {
    const form = findForm(page.html, actionSuffix);
    const action = new URL(form.action, page.url).href;
    return this.visit(action, { ...options, form: { ...form.hidden, ...fields } });
  }
}

export function findForm(html: string, actionSuffix: string) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  for (const [, attributes, inner] of forms) {
    const action = /action="([^"]*)"/.exec(attributes!)?.[1];
    if (!action || !decode(action).endsWith(actionSuffix)) continue;
    const hidden: Record<string, string> = {};
    for (const [, tag] of inner!.matchAll(/<input\b([^>]*)>/g)) {
      if (!/type="hidden"/.test(tag!)) continue;
      const name = /name="([^"]*)"/.exec(tag!)?.[1];
      const value = /value="([^"]*)"/.exec(tag!)?.[1] ?? '';
      if (name) hidden[name] = decode(value);
    }
    return { action: decode(action), hidden };
  }
  throw new Error(`no form posting to …${actionSuffix} on the page:\n${html.slice(0, 2000)}`);
}

function decode(value: string) {
  return value
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The visible text of a page, for assertions on what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&#34;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
