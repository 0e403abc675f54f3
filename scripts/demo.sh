#!/usr/bin/env bash
# The demo on embedded defaults: FerretDB under ./data, MailDev for the mail, and the example
# tenants imported (idempotently) before the provider starts.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/ensure-setup.sh"
export PATH="$root/node_modules/.bin:$PATH"

node bin/idp.js import examples/demo-realm.json >/dev/null
echo "Imported examples/demo-realm.json (tenants: demo, acme; password of every user: demo-password-1)"
echo "Account page: ${PUBLIC_URL:-http://localhost:${PORT:-3000}}/realms/demo/account"
exec node bin/idp.js serve
