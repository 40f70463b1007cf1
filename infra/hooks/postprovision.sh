#!/usr/bin/env bash
# azd postprovision hook: makes sure Key Vault holds the pseudonymisation key (secret "pseudonym-key").
#
# Why here and not in Bicep: a key written in a template or parameter file ends up in source control
# or in the deployment history; a Bicep-generated value (newGuid) would change on every provision
# and silently re-key every pseudonym. So the key is generated once, on this machine, and sent
# straight to Key Vault: never a command-line argument, an azd environment value or a log line.
# An existing key is never replaced; rotating it is a deliberate step (docs/deploy.md).
set -euo pipefail

: "${AZURE_SUBSCRIPTION_ID:?is not set; run this through azd (azd up / azd provision)}"
: "${AZURE_RESOURCE_GROUP:?is not set; run this through azd (azd up / azd provision)}"
: "${AZURE_KEY_VAULT_NAME:?is not set; run this through azd (azd up / azd provision)}"
: "${AZURE_FUNCTION_APP_NAME:?is not set; run this through azd (azd up / azd provision)}"

secret_name="pseudonym-key"

for tool in az openssl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "postprovision: '$tool' is not installed. Install it (see docs/deploy.md, Prerequisites) and run 'azd provision' again." >&2
    exit 1
  fi
done

# The Key Vault Secrets Officer role was granted by this very provision; Entra can take a few
# minutes to honour it, so a 403 is retried rather than reported.
count=""
for attempt in $(seq 1 20); do
  if count="$(az keyvault secret list --subscription "$AZURE_SUBSCRIPTION_ID" --vault-name "$AZURE_KEY_VAULT_NAME" \
      --query "length([?name=='$secret_name'])" -o tsv --only-show-errors 2>&1)"; then
    break
  fi
  echo "postprovision: Key Vault $AZURE_KEY_VAULT_NAME not readable yet (attempt $attempt/20), waiting for role assignment to propagate..."
  count=""
  sleep 15
done

if [ -z "$count" ]; then
  echo "postprovision: cannot list secrets in $AZURE_KEY_VAULT_NAME. Check that 'az login' uses the same account as 'azd auth login' and that it holds 'Key Vault Secrets Officer' on the vault. With network isolation on, the vault accepts only the VNet and the operator IP ranges: run this from inside the VNet or add your address to them (docs/deploy.md, section 13)." >&2
  exit 1
fi

if [ "$count" != "0" ]; then
  echo "postprovision: $secret_name already exists in $AZURE_KEY_VAULT_NAME; left unchanged."
  exit 0
fi

umask 077
key_file="$(mktemp)"
trap 'rm -f "$key_file"' EXIT
# 32 random bytes (256 bits), base64-encoded.
openssl rand -base64 32 | tr -d '\n' > "$key_file"

az keyvault secret set --subscription "$AZURE_SUBSCRIPTION_ID" --vault-name "$AZURE_KEY_VAULT_NAME" --name "$secret_name" \
  --file "$key_file" --encoding utf-8 --content-type "base64; 32 random bytes" -o none --only-show-errors
echo "postprovision: created $secret_name in $AZURE_KEY_VAULT_NAME."

# The app may already have started and failed to resolve the Key Vault reference; a restart makes it
# read the new secret now instead of at the platform's next periodic refresh.
if ! az functionapp restart --subscription "$AZURE_SUBSCRIPTION_ID" -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" -o none --only-show-errors; then
  echo "postprovision: could not restart $AZURE_FUNCTION_APP_NAME; the next deployment or restart picks up the key." >&2
fi
