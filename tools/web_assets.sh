#!/usr/bin/env bash
# Copy the JavaScript that the reading copy and the slides load (reveal.js, require.js, jQuery, MathJax 2)
# into DEST/_static, from the npm registry, so that site/ and slides/ work with no network.
# Prints the nbtools option that points the pages at them. The pages then load nothing from another host: the
# reveal.js themes' web-font imports are removed (the slides use the system's fonts).
set -euo pipefail
dest=${1:?usage: web_assets.sh DEST}
command -v npm >/dev/null 2>&1 || {
  echo "npm not found: the reading copy and the slides need reveal.js and MathJax from the npm registry once." >&2
  echo "Install Node.js and npm (Debian/Ubuntu: apt install npm; elsewhere: nodejs.org), then run this again." >&2
  exit 1
}
web=build/web/node_modules
if [ ! -d "$web/mathjax" ]; then
  echo "Fetching reveal.js, require.js, jQuery and MathJax from the npm registry (once)" >&2
  mkdir -p build/web
  npm install --silent --no-audit --no-fund --prefix build/web \
    reveal.js@4.0.2 requirejs@2.3.7 jquery@3.7.1 mathjax@2.7.7 >&2
fi
mkdir -p "$dest/_static/mathjax"
static=$(cd "$dest/_static" && pwd)
cp -r "$web/reveal.js" "$static/reveal.js"
# the themes import web fonts from a font CDN: leave them out, the system's fonts are used instead
sed -i.bak -E '/@import url\((["'"'"']?)(https?:)?\/\//d' "$static"/reveal.js/dist/theme/*.css
rm -f "$static"/reveal.js/dist/theme/*.css.bak
cp "$web/requirejs/require.js" "$static/require.js"
cp "$web/jquery/dist/jquery.min.js" "$static/jquery.min.js"
# MathJax 2, trimmed to what the pages use: TeX input, CommonHTML output, its TeX fonts (woff)
mj="$web/mathjax"
mkdir -p "$static/mathjax/config" "$static/mathjax/jax/input" "$static/mathjax/jax/output" \
  "$static/mathjax/fonts/HTML-CSS/TeX"
cp "$mj/MathJax.js" "$static/mathjax/"
cp "$mj/config/TeX-AMS_CHTML-full.js" "$mj/config/Safe.js" "$static/mathjax/config/"
cp -r "$mj/extensions" "$static/mathjax/"
cp -r "$mj/jax/element" "$static/mathjax/jax/"
cp -r "$mj/jax/input/TeX" "$static/mathjax/jax/input/"
cp -r "$mj/jax/output/CommonHTML" "$static/mathjax/jax/output/"
cp -r "$mj/fonts/HTML-CSS/TeX/woff" "$static/mathjax/fonts/HTML-CSS/TeX/"
echo "--static _static"
