#!/usr/bin/env bash
# The browser test of the HTML report (tests/test_html_report.py) runs the system's
# headless Chromium through Playwright; Playwright never downloads a browser here.
# Install Chromium from the system's packages when it is missing (Debian/Ubuntu, as root
# or with passwordless sudo); otherwise say how, and let the test fail with that message.
set -euo pipefail
if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/ensure-chromium.sh: no Chromium and no apt-get: install Chromium from" \
         "your system's packages (the browser test needs it)" >&2
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "scripts/ensure-chromium.sh: no Chromium: run 'sudo apt-get install -y chromium'" \
         "(the browser test needs it)" >&2
    exit 0
fi
echo "installing chromium from the system's packages (apt-get) for the browser test" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    chromium >/dev/null
