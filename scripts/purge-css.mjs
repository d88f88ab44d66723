// Keeps, of the DSFR stylesheet the web app ships, only the rules whose classes the app's sources name
// (PurgeCSS), with the @font-face, keyframes and custom properties those rules use: the stylesheet
// blocks the first paint of every page, so what it does not need is bytes a slow line waits for.
//
// Usage: node scripts/purge-css.mjs DSFR.css APP.css CONTENT_GLOB... (DSFR.css is rewritten in place)
//
// The custom properties the app's own stylesheet reads (var(--…) in APP.css) are kept, with every
// property their DSFR definitions read in turn: PurgeCSS only sees the uses inside the file it purges.
// Every class of the sources is a literal (web-build.sh fails on a DSFR class used but absent), so no
// class is built at run time that this could miss.
import fs from 'node:fs';
import { PurgeCSS } from 'purgecss';

const [dsfr, app, ...content] = process.argv.slice(2);
if (!dsfr || !app || content.length === 0) {
    console.error('usage: node scripts/purge-css.mjs DSFR.css APP.css CONTENT_GLOB...');
    process.exit(2);
}
const whole = fs.readFileSync(dsfr, 'utf8');
const reads = (css) => [...css.matchAll(/var\((--[A-Za-z0-9_-]+)/g)].map((m) => m[1]);

// Every definition of each custom property (one per theme or media), to follow what a kept one reads.
const definitions = new Map();
for (const [, name, value] of whole.matchAll(/(--[A-Za-z0-9_-]+):([^;}]*)/g)) {
    definitions.set(name, `${definitions.get(name) ?? ''} ${value}`);
}
const kept = new Set();
const pending = reads(fs.readFileSync(app, 'utf8'));
while (pending.length > 0) {
    const name = pending.pop();
    if (kept.has(name)) continue;
    kept.add(name);
    pending.push(...reads(definitions.get(name) ?? ''));
}

const [result] = await new PurgeCSS().purge({
    content,
    css: [{ raw: whole }],
    fontFace: true,
    keyframes: true,
    variables: true,
    safelist: { variables: [...kept] },
    // Class names as Rust and HTML write them (`fr-btn--secondary`, `class:fr-hidden=…`).
    defaultExtractor: (text) => text.match(/[A-Za-z0-9_-]+/g) ?? [],
});
fs.writeFileSync(dsfr, result.css);
