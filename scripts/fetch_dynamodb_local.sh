#!/usr/bin/env bash
# Fetches AWS's DynamoDB Local (shipped inside the npm package amplify-dynamodb-simulator) into
# .cache/dynamodb-local/, once; prints that folder. Tests run it with Java 17:
#   java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar -inMemory -sharedDb -port PORT
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.9.30
target=.cache/dynamodb-local
if [ ! -f "$target/DynamoDBLocal.jar" ] || [ "$(cat "$target/.version" 2>/dev/null)" != "$version" ]; then
  command -v npm >/dev/null || { echo "fetch_dynamodb_local: npm is missing (scripts/setup.sh installs it)" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "amplify-dynamodb-simulator@$version" >/dev/null && tar -xzf ./*.tgz)
  rm -rf "$target"
  mkdir -p "$(dirname "$target")"
  mv "$work/package/emulator" "$target"
  echo "$version" >"$target/.version"
fi
echo "$PWD/$target"
