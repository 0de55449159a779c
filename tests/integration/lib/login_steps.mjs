// The steps of a login through the test IdP's form, shared by the end-to-end tests and `make demo`.
import { users } from './idp.mjs';

// Follows redirects from `url` until the IdP's login form (its interaction URL); returns every hop.
export const toLoginForm = (browser, url) => browser.follow(url, { stopAt: (u) => u.includes('/interaction/') });

// Fills in the IdP's login form at `interactionUrl`; returns where the IdP sends the browser next.
export async function submitLoginForm(browser, interactionUrl, user = 'alice') {
  const form = await browser.get(interactionUrl);
  if (form.status !== 200) throw new Error(`the IdP's login form answered ${form.status}`);
  const action = new URL(form.body.match(/action="([^"]+)"/)[1], form.url).toString();
  const posted = await browser.post(action, { username: user, password: users[user].password });
  if (posted.status !== 303) throw new Error(`the IdP refused the login of ${user} (${posted.status})`);
  return posted.location;
}

// From an app URL through the IdP's form and back; returns [hops to the form, hops after the form].
export async function login(browser, startUrl, user = 'alice') {
  const toIdp = await toLoginForm(browser, startUrl);
  return [toIdp, await browser.follow(await submitLoginForm(browser, toIdp.at(-1).location, user))];
}

// A login stopped just before Gatehouse's callback; returns the callback URL the IdP sent.
export async function loginUntilCallback(browser, startUrl) {
  const toIdp = await toLoginForm(browser, startUrl);
  const next = await submitLoginForm(browser, toIdp.at(-1).location);
  const hops = await browser.follow(next, { stopAt: (u) => u.includes('/oauth2/callback') });
  return hops.at(-1).location;
}
