# azd postdeploy hook (Windows): subscribes IngestUpload to blob-created events in the lake's incoming container.
# Same steps and reasons as postdeploy.sh: the webhook needs the host's blobs_extension system key, which exists
# only after the code is deployed, so infra/app/blob-subscription.bicep is deployed here, once the key exists.
# The key is read by ARM (listKeys) inside the deployment and is never printed or passed on a command line.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME',
                  'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME', 'AZURE_HOST_STORAGE_ACCOUNT_NAME', 'AZURE_EVENTGRID_DEADLETTER_CONTAINER') {
    if (-not [Environment]::GetEnvironmentVariable($name)) {
        throw "postdeploy: $name is not set; run this through azd (azd up / azd deploy) after 'azd provision'."
    }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw "postdeploy: the Azure CLI (az) is not installed. Install it (see docs/deploy.md, Prerequisites) and run 'azd deploy' again."
}

$subscription = $env:AZURE_SUBSCRIPTION_ID
$group = $env:AZURE_RESOURCE_GROUP
$app = $env:AZURE_FUNCTION_APP_NAME
$template = Join-Path $PSScriptRoot '../app/blob-subscription.bicep'

# Only whether the key exists is printed, never the key.
$hasKey = 'false'
for ($attempt = 1; $attempt -le 30; $attempt++) {
    # 'Continue' in a child scope: errors while the host starts are expected and retried.
    $hasKey = & {
        $ErrorActionPreference = 'Continue'
        az functionapp keys list --subscription $subscription -g $group -n $app `
            --query 'systemKeys.blobs_extension != `null`' -o tsv --only-show-errors 2>$null
    }
    if ($LASTEXITCODE -eq 0 -and "$hasKey".Trim() -eq 'true') { $hasKey = 'true'; break }
    Write-Host "postdeploy: waiting for the Functions host of $app to create its blobs_extension key (attempt $attempt/30)..."
    Start-Sleep -Seconds 10
}
if ($hasKey -ne 'true') {
    throw "postdeploy: $app has no blobs_extension key. The host has not started with the blob extension: check that 'az functionapp function list --subscription $subscription -g $group -n $app' lists IngestUpload, and Application Insights > Failures for start-up errors. Then run 'azd deploy' again."
}

# Event Grid's validation handshake can time out while the app is cold; retry a few times.
for ($attempt = 1; $attempt -le 3; $attempt++) {
    az deployment group create --subscription $subscription -g $group `
        --name ingest-upload-subscription --template-file $template `
        --parameters functionAppName=$app `
                     systemTopicName=$($env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME) `
                     deadLetterStorageAccountName=$($env:AZURE_HOST_STORAGE_ACCOUNT_NAME) `
                     deadLetterContainerName=$($env:AZURE_EVENTGRID_DEADLETTER_CONTAINER) `
        -o none --only-show-errors
    if ($LASTEXITCODE -eq 0) {
        Write-Host "postdeploy: Event Grid subscription 'ingest-upload' on $($env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME) is in place."
        exit 0
    }
    Write-Host "postdeploy: subscription deployment failed (attempt $attempt/3); retrying in 30 s..."
    Start-Sleep -Seconds 30
}
throw "postdeploy: could not create the Event Grid subscription. See the error above and docs/deploy.md, Troubleshooting."
