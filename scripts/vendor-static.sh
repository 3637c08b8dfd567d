#!/usr/bin/env bash
# Refreshes the vendored front-end files in static/vendor/ from the npm registry.
# The site needs no Node to run: these files are committed. Change a version here, run this, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
BOOTSTRAP=5.3.9
BOOTSTRAP_ICONS=1.13.2
HTMX=2.0.11
ECHARTS=5.6.0
SWAGGER_UI=5.35.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "bootstrap@$BOOTSTRAP" "bootstrap-icons@$BOOTSTRAP_ICONS" "htmx.org@$HTMX" "echarts@$ECHARTS" "swagger-ui-dist@$SWAGGER_UI" >/dev/null 2>&1)
for t in "$work"/*.tgz; do mkdir -p "${t%.tgz}"; tar -xzf "$t" -C "${t%.tgz}"; done
out=static/vendor
rm -rf "$out"; mkdir -p "$out/bootstrap" "$out/bootstrap-icons/fonts" "$out/htmx" "$out/echarts" "$out/swagger-ui"
cp "$work/bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css" "$out/bootstrap/"
cp "$work/bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js" "$out/bootstrap/"
cp "$work/bootstrap-icons-$BOOTSTRAP_ICONS/package/font/bootstrap-icons.min.css" "$out/bootstrap-icons/"
cp "$work/bootstrap-icons-$BOOTSTRAP_ICONS/package/font/fonts/bootstrap-icons.woff2" \
   "$work/bootstrap-icons-$BOOTSTRAP_ICONS/package/font/fonts/bootstrap-icons.woff" "$out/bootstrap-icons/fonts/"
cp "$work/htmx.org-$HTMX/package/dist/htmx.min.js" "$out/htmx/"
cp "$work/echarts-$ECHARTS/package/dist/echarts.min.js" "$out/echarts/"
for f in swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js favicon-32x32.png; do
  cp "$work/swagger-ui-dist-$SWAGGER_UI/package/$f" "$out/swagger-ui/"
done
cat > "$out/VERSIONS" <<VERS
bootstrap $BOOTSTRAP
bootstrap-icons $BOOTSTRAP_ICONS
htmx.org $HTMX
echarts $ECHARTS
swagger-ui-dist $SWAGGER_UI
VERS
echo "vendored into $out:"; cat "$out/VERSIONS"
