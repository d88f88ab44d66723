// Lighthouse (npm `lighthouse`, pinned in package.json) on the pages of the web app, mobile profile with
// its default (simulated) throttling, in Debian's Chromium, offline on a local `tdb serve`:
// performance, accessibility and best practices of each page, printed as a table and written as JSON.
//
// Usage: node scripts/lighthouse.mjs BASE_URL OUT.json
// Environment: LIGHTHOUSE_ESMS / LIGHTHOUSE_ARS ("email:password" of the demo accounts),
// LIGHTHOUSE_YEAR (the campaign in collecte), LIGHTHOUSE_FINESS (the esms user's structure),
// LIGHTHOUSE_FLOORS ("accessibility=100,best-practices=95": exit 1 when a page scores below),
// CHROMIUM (default /usr/bin/chromium).
// Signed-in pages: the script signs in through the login page in the same browser, then Lighthouse
// loads each page with the session cookie (storage is not reset, so the session stays).
import fs from 'node:fs';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [base, out] = process.argv.slice(2);
if (!base || !out) {
    console.error('usage: node scripts/lighthouse.mjs BASE_URL OUT.json');
    process.exit(2);
}
const year = Number(process.env.LIGHTHOUSE_YEAR);
const previous = year - 1;
const finess = process.env.LIGHTHOUSE_FINESS;
const account = (name) => {
    const [email, ...rest] = (process.env[name] || '').split(':');
    return { email, password: rest.join(':') };
};
const categories = ['performance', 'accessibility', 'best-practices'];

async function launch() {
    return puppeteer.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run'],
    });
}

async function signIn(browser, { email, password }) {
    const page = await browser.newPage();
    await page.goto(base, { waitUntil: 'networkidle0' });
    await page.waitForSelector('#login-email');
    await page.type('#login-email', email);
    await page.type('#login-password', password);
    await Promise.all([
        page.waitForSelector('[data-testid=login-form]', { hidden: true, timeout: 30000 }),
        page.click('[data-testid=login-form] button[type=submit]'),
    ]);
    await page.close();
}

// Lighthouse sometimes fails to record the trace of a load (NO_NAVSTART, NO_FCP: « Please run
// Lighthouse again »); such a run has no scores, so it is run again, up to three times.
const ATTEMPTS = 3;

async function audit(browser, name, path) {
    const port = Number(new URL(browser.wsEndpoint()).port);
    let lhr;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
        const result = await lighthouse(`${base}${path}`, {
            port,
            output: 'json',
            logLevel: 'error',
            onlyCategories: categories,
            disableStorageReset: true,
        });
        lhr = result.lhr;
        if (!lhr.runtimeError) break;
        console.error(`lighthouse: ${name}, attempt ${attempt}: ${lhr.runtimeError.code}`);
    }
    // LIGHTHOUSE_REPORTS=DIR keeps each page's whole report (DIR/<page>.json) to see where the time goes.
    if (process.env.LIGHTHOUSE_REPORTS) {
        fs.mkdirSync(process.env.LIGHTHOUSE_REPORTS, { recursive: true });
        fs.writeFileSync(`${process.env.LIGHTHOUSE_REPORTS}/${name}.json`, JSON.stringify(lhr));
    }
    const scores = Object.fromEntries(
        categories.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
    );
    const failing = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
        .map((a) => a.id);
    if (lhr.runtimeError) {
        failing.unshift(`runtime error ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    }
    const ms = (id) => Math.round(lhr.audits[id]?.numericValue ?? 0);
    return {
        page: name,
        path,
        ...scores,
        fcp_ms: ms('first-contentful-paint'),
        lcp_ms: ms('largest-contentful-paint'),
        tbt_ms: ms('total-blocking-time'),
        si_ms: ms('speed-index'),
        cls: Math.round((lhr.audits['cumulative-layout-shift']?.numericValue ?? 0) * 1000) / 1000,
        // What moved: the elements of the largest layout shifts, for a CLS worth looking at.
        shifted: (lhr.audits['layout-shifts']?.details?.items ?? [])
            .slice(0, 3)
            .map((i) => `${i.node?.selector ?? '?'} (${Math.round((i.score ?? 0) * 1000) / 1000})`),
        requests: lhr.audits['network-requests']?.details?.items?.length ?? 0,
        failing,
    };
}

const results = [];
{
    const browser = await launch();
    results.push(await audit(browser, 'connexion', '/'));
    await signIn(browser, account('LIGHTHOUSE_ESMS'));
    results.push(await audit(browser, 'accueil', '/'));
    results.push(await audit(browser, 'formulaire', `/formulaire/${year}/${finess}`));
    results.push(await audit(browser, 'restitution', `/restitution/${previous}/${finess}`));
    results.push(await audit(browser, 'fiche', `/fiche/${previous}/${finess}`));
    await browser.close();
}
{
    const browser = await launch();
    await signIn(browser, account('LIGHTHOUSE_ARS'));
    results.push(await audit(browser, 'territoire', `/territoire/${previous}`));
    results.push(await audit(browser, 'cpom', '/cpom'));
    await browser.close();
}

fs.writeFileSync(out, JSON.stringify(results, null, 2));
console.log('| page | performance | accessibility | best practices | FCP (ms) | LCP (ms) | TBT (ms) | SI (ms) | CLS | requests | binary audits failed |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
    console.log(`| ${r.page} | ${r.performance} | ${r.accessibility} | ${r['best-practices']} | ${r.fcp_ms} | ${r.lcp_ms} | ${r.tbt_ms} | ${r.si_ms} | ${r.cls} | ${r.requests} | ${r.failing.join(', ') || '—'} |`);
}
for (const r of results.filter((r) => r.cls >= 0.1)) {
    console.log(`layout shifts of ${r.page}: ${r.shifted.join('; ')}`);
}
const floors = (process.env.LIGHTHOUSE_FLOORS || '')
    .split(',')
    .filter(Boolean)
    .map((f) => f.split('='))
    .map(([category, floor]) => [category, Number(floor)]);
const below = results.flatMap((r) =>
    floors.filter(([c, floor]) => r[c] < floor).map(([c, floor]) => `${r.page}: ${c} ${r[c]} < ${floor}`),
);
// LIGHTHOUSE_CLS_MAX (e.g. 0.1, Google's « good » bound, what `just test` enforces): the most any page
// may move under the reader while it loads.
const clsMax = Number(process.env.LIGHTHOUSE_CLS_MAX || 'NaN');
if (!Number.isNaN(clsMax)) {
    below.push(...results.filter((r) => r.cls > clsMax).map((r) => `${r.page}: CLS ${r.cls} > ${clsMax} (${r.shifted.join('; ')})`));
}
if (below.length > 0) {
    console.error(`lighthouse: below the floors:\n${below.join('\n')}`);
    process.exit(1);
}
