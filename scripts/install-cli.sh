#!/usr/bin/env bash
# Installs the operator CLI from this checkout as the .NET tool `replicator`:
#   scripts/install-cli.sh                    # for this user: ~/.dotnet/tools/replicator
#   scripts/install-cli.sh --tool-path DIR    # into DIR instead
# It packs src/Replicator.Cli into artifacts/tool and installs from there: no package feed is needed.
set -euo pipefail

repository="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$repository/artifacts/tool"
package=KinesisReplicator.Cli

if [ $# -eq 0 ]; then
  set -- --global
fi

rm -rf "$feed"
dotnet pack "$repository/src/Replicator.Cli" -c Release -o "$feed" -nologo

# `dotnet tool update` keeps an installed copy of the same version, so a rebuild would not replace it:
# remove whatever is installed, then install.
dotnet tool uninstall "$package" "$@" >/dev/null 2>&1 || true
dotnet tool install "$package" --add-source "$feed" "$@"
