#!/usr/bin/env bash
# azd postdeploy hook: subscribes IngestUpload to blob-created events in the lake's incoming container.
#
# Why after deploy and not in main.bicep: the Event Grid webhook URL must carry the Functions host's
# "blobs_extension" system key, which the host creates only when it first starts with the deployed
# code, and Event Grid validates the webhook (a handshake the blob extension answers) at creation.
# Neither is possible during `azd provision`, which runs before the code exists.
#
# The subscription itself (filters, retries, dead-lettering) is declared in infra/app/blob-subscription.bicep;
# this script only waits for the key and deploys that template. The key is read by ARM (listKeys) inside
# the deployment, so it is never printed, stored in the azd environment or passed on a command line.
# Re-running is safe: the deployment updates the same subscription.
set -euo pipefail

: "${AZURE_SUBSCRIPTION_ID:?is not set; run this through azd (azd up / azd deploy)}"
: "${AZURE_RESOURCE_GROUP:?is not set; run this through azd (azd up / azd deploy)}"
: "${AZURE_FUNCTION_APP_NAME:?is not set; run this through azd (azd up / azd deploy)}"
: "${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:?is not set; run 'azd provision' first}"
: "${AZURE_HOST_STORAGE_ACCOUNT_NAME:?is not set; run 'azd provision' first}"
: "${AZURE_EVENTGRID_DEADLETTER_CONTAINER:?is not set; run 'azd provision' first}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template="$here/../app/blob-subscription.bicep"

if ! command -v az >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI (az) is not installed. Install it (see docs/deploy.md, Prerequisites) and run 'azd deploy' again." >&2
  exit 1
fi

# Only whether the key exists is printed, never the key.
has_key="false"
for attempt in $(seq 1 30); do
  # shellcheck disable=SC2016 # the backticks are a JMESPath literal, not a shell expansion
  has_key="$(az functionapp keys list --subscription "$AZURE_SUBSCRIPTION_ID" -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
    --query 'systemKeys.blobs_extension != `null`' -o tsv --only-show-errors 2>/dev/null || echo false)"
  if [ "$has_key" = "true" ]; then
    break
  fi
  echo "postdeploy: waiting for the Functions host of $AZURE_FUNCTION_APP_NAME to create its blobs_extension key (attempt $attempt/30)..."
  sleep 10
done

if [ "$has_key" != "true" ]; then
  echo "postdeploy: $AZURE_FUNCTION_APP_NAME has no blobs_extension key. The host has not started with the blob extension: check that 'az functionapp function list --subscription $AZURE_SUBSCRIPTION_ID -g $AZURE_RESOURCE_GROUP -n $AZURE_FUNCTION_APP_NAME' lists IngestUpload, and Application Insights > Failures for start-up errors. Then run 'azd deploy' again." >&2
  exit 1
fi

# Event Grid's validation handshake can time out while the app is cold; retry a few times.
for attempt in 1 2 3; do
  if az deployment group create --subscription "$AZURE_SUBSCRIPTION_ID" -g "$AZURE_RESOURCE_GROUP" \
      --name ingest-upload-subscription --template-file "$template" \
      --parameters functionAppName="$AZURE_FUNCTION_APP_NAME" \
                   systemTopicName="$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" \
                   deadLetterStorageAccountName="$AZURE_HOST_STORAGE_ACCOUNT_NAME" \
                   deadLetterContainerName="$AZURE_EVENTGRID_DEADLETTER_CONTAINER" \
      -o none --only-show-errors; then
    echo "postdeploy: Event Grid subscription 'ingest-upload' on $AZURE_EVENTGRID_SYSTEM_TOPIC_NAME is in place."
    exit 0
  fi
  echo "postdeploy: subscription deployment failed (attempt $attempt/3); retrying in 30 s..."
  sleep 30
done

echo "postdeploy: could not create the Event Grid subscription. See the error above and docs/deploy.md, Troubleshooting." >&2
exit 1
