#!/usr/bin/env bash
# Builds the web app into crates/web-ui/dist, split by route (docs/decisions/008-route-splitting.md):
#   1. cargo builds the release wasm (profile wasm-release; `.cargo/config.toml` links it with
#      --emit-relocs, which wasm-split needs);
#   2. wasm-split-cli (crate wasm_split_cli_support) cuts the code behind Leptos' `#[lazy]` /
#      `#[lazy_route]` split points into chunks loaded on demand, plus the loader `__wasm_split.js`;
#   3. wasm-bindgen writes the JS glue of the main module; wasm-opt -Oz shrinks every wasm file;
#   4. everything lands in `dist/pkg-<content hash>/` (cached for good by `tdb serve`), `app-<hash>.css`
#      beside it, and `index.html` names them. DSFR assets are copied from npm (never committed);
#   5. each wasm and JS file gets its brotli copy (`FILE.br`, scripts/brotli.mjs), sent as it is.
# Prints the size of the wasm downloaded before the login page renders (the main module, gzipped), the
# chunks, and fails above the budget (TDB_WASM_BUDGET_KB gzipped, docs/decisions/008).
# TDB_WASM_NAMES=1 keeps the functions' names in every wasm file (wasm-opt -g), for a CPU profile of
# the app by function (docs/web-ui.md); the files are then larger, over the budget: never ship it.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's wasm-opt (binaryen) first, as the justfile does, so the script also works when run on its own.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

web=crates/web-ui
dist=$web/dist
name=tdb-web-ui
target_dir=${CARGO_TARGET_DIR:-target}
budget_kb=${TDB_WASM_BUDGET_KB:-400}

cargo build --quiet -p "$name" --bin "$name" --target wasm32-unknown-unknown --profile wasm-release

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/split" "$work/pkg"
wasm-split-cli "$target_dir/wasm32-unknown-unknown/wasm-release/$name.wasm" "$work/split" \
    --target web --out-name "$name"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-name "$name" --out-dir "$work/pkg" "$work/split/$name.wasm"
rm "$work/split/$name.wasm"
mv "$work/split"/* "$work/pkg/"
# wasm-opt on every module, as many at once as there are cores. Its "unknown name subsection"
# warnings (names wasm-split writes) are noise; any other message, or a failure, is shown.
export WASM_OPT_NAMES=--strip-debug
if [ "${TDB_WASM_NAMES:-0}" = 1 ]; then WASM_OPT_NAMES=-g; budget_kb=100000; fi
optimise() {
    # shellcheck disable=SC2086 # one flag
    wasm-opt -Oz $WASM_OPT_NAMES --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$1" -o "$1.opt" 2> >(grep -v "unknown name subsection" >&2) && mv "$1.opt" "$1"
}
export -f optimise
printf '%s\0' "$work/pkg"/*.wasm | xargs -0 -P "$(nproc)" -n 1 bash -c 'optimise "$0"'

hash16() { find "$@" -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16; }
pkg="pkg-$(hash16 "$work/pkg")"
css="app-$(hash16 "$web/style/app.css").css"

rm -rf "$dist"
mkdir -p "$dist/dsfr"
mv "$work/pkg" "$dist/$pkg"
cp "$web/style/app.css" "$dist/$css"
dsfr=node_modules/@gouvfr/dsfr/dist
# The icons the CSS references (badges, alerts, links…): without them `/dsfr/icons/…` is a 404.
cp -r "$dsfr/fonts" "$dsfr/favicon" "$dsfr/icons" "$dist/dsfr/"
# Only the DSFR the app uses (its core and these components; docs/decisions/008, « DSFR subset »): 494 KB
# of CSS to parse instead of 717 (61 KB gzipped instead of 92), render-blocking on every page. The
# relative URLs of the core and the components are rewritten for the file's place beside `fonts/` and
# `icons/`.
components="button alert badge input form table link header pagination select notice modal footer callout \
toggle upload skiplink checkbox logo card navigation"
{
    sed -e 's|url(\.\./|url(|g' "$dsfr/core/core.min.css"
    for component in $components; do
        sed -e 's|url(\.\./\.\./|url(|g' "$dsfr/component/$component/$component.min.css"
    done
} > "$dist/dsfr/dsfr.tdb.min.css"
# A DSFR class the app starts using whose component is not in the list above fails the build, and so
# does a file the subset references (font, icon) that is not beside it.
python3 - "$dsfr/dsfr.min.css" "$dist/dsfr/dsfr.tdb.min.css" "$web" <<'PY'
import pathlib, re, sys
whole, subset, web = (pathlib.Path(a) for a in sys.argv[1:])
absent = sorted({u for u in re.findall(r'url\("?([^")]+)"?\)', subset.read_text())
                 if not u.startswith("data:") and not (subset.parent / u).is_file()})
if absent:
    sys.exit("web-build: files referenced by dsfr.tdb.min.css are missing: " + ", ".join(absent))
used = set()
for path in [*web.joinpath("src").rglob("*.rs"), web / "index.html", *web.joinpath("style").glob("*.css")]:
    used.update(re.findall(r"fr-[a-z0-9]+(?:[-_]{1,2}[a-z0-9]+)*", path.read_text()))
defined = lambda css: set(re.findall(r"\.(fr-[a-z0-9]+(?:[-_]{1,2}[a-z0-9]+)*)", css.read_text()))
missing = sorted((used & defined(whole)) - defined(subset))
if missing:
    sys.exit("web-build: DSFR classes used but left out of dsfr.tdb.min.css (add their component): " + ", ".join(missing))
PY
# Then only the rules whose classes the app names (PurgeCSS, scripts/purge-css.mjs; docs/decisions/008,
# « DSFR rules the app names »): 61 KB gzipped before, 18 KB after.
node scripts/purge-css.mjs "$dist/dsfr/dsfr.tdb.min.css" "$web/style/app.css" \
    "$web/src/**/*.rs" "$web/index.html"
# A custom property read by what is left or by the app's stylesheet must keep its DSFR definition.
python3 - "$dsfr/dsfr.min.css" "$dist/dsfr/dsfr.tdb.min.css" "$web" <<'PY'
import pathlib, re, sys
whole, subset, web = (pathlib.Path(a).read_text() if a.endswith(".css") else pathlib.Path(a) for a in sys.argv[1:])
reads = lambda css: set(re.findall(r"var\((--[A-Za-z0-9_-]+)", css))
defines = lambda css: set(re.findall(r"(--[A-Za-z0-9_-]+):", css))
read = reads(subset) | reads("".join(p.read_text() for p in web.joinpath("style").glob("*.css")))
dangling = sorted((read & defines(whole)) - defines(subset))
if dangling:
    sys.exit("web-build: custom properties read but left out of dsfr.tdb.min.css: " + ", ".join(dangling))
PY
# The files each group of pages loads (its split module and the chunks it shares with other groups), read
# from the loader wasm-split wrote: index.html preloads those of the page it opens on, beside the main
# module, instead of after it has started (docs/decisions/008, « Preloading the page's group »).
preloads=$(python3 - "$dist/$pkg/__wasm_split.js" <<'PY'
import json, re, sys
loader = open(sys.argv[1]).read()
chunks = dict(re.findall(r'const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\./([^"]+)"', loader))
groups = {}
for group, module, deps in re.findall(
    r'export const __wasm_split_load_([a-z_]+?)_\d+ = wrapAsyncCb\(makeLoad\(\(\) => \{\s*'
    r'const src = fetch\(new URL\("\./([^"]+)"[\s\S]*?\}\s*, \[([^\]]*)\]\)\);', loader):
    groups[group] = [module] + [chunks[d.strip()] for d in deps.split(",") if d.strip()]
if not groups:
    sys.exit("web-build: no split module found in __wasm_split.js")
print(json.dumps(groups, separators=(",", ":"), sort_keys=True))
PY
)
sed -e "s|{{pkg}}|/$pkg|g" -e "s|{{name}}|$name|g" -e "s|{{css}}|/$css|g" -e "s|{{preloads}}|$preloads|g" \
    "$web/index.html" > "$dist/index.html"

# Each wasm and JS file of the build gets its brotli copy (FILE.br, highest quality): `tdb serve` sends
# it to a browser that accepts brotli, a fifth smaller than compressing on the fly (src/spa.rs).
node scripts/brotli.mjs "$dist/$pkg"/*.wasm "$dist/$pkg"/*.js > "$work/brotli.txt"

main_wasm="$dist/$pkg/${name}_bg.wasm"
main_br=$(awk -v f="$main_wasm" '$1 == f { print $2 }' "$work/brotli.txt")
gz() { gzip -9 -c "$1" | wc -c; }
raw=$(stat -c %s "$main_wasm")
main_gz=$(gz "$main_wasm")
chunks_gz=0
count=0
for chunk in "$dist/$pkg"/*.wasm; do
    [ "$chunk" = "$main_wasm" ] && continue
    chunks_gz=$((chunks_gz + $(gz "$chunk")))
    count=$((count + 1))
done
printf 'web app built: %s — first load: wasm %d KB raw, %d KB gzipped (budget %d KB gzipped), %d KB as sent to a browser that accepts brotli; %d chunks loaded on demand, %d KB gzipped in all\n' \
    "$dist/$pkg" $((raw / 1024)) $((main_gz / 1024)) "$budget_kb" $((main_br / 1024)) "$count" $((chunks_gz / 1024))
if [ "$main_gz" -gt $((budget_kb * 1024)) ]; then
    echo "web-build: the gzipped wasm of the first load ($((main_gz / 1024)) KB) is over the budget of $budget_kb KB" >&2
    exit 1
fi
