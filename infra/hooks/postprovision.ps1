# azd postprovision hook (Windows): makes sure Key Vault holds the pseudonymisation key (secret "pseudonym-key").
# Same steps and reasons as postprovision.sh: the key is generated once, here, sent straight to Key Vault
# (never a command-line argument, azd environment value or log line), and never replaced by this hook.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP', 'AZURE_KEY_VAULT_NAME', 'AZURE_FUNCTION_APP_NAME') {
    if (-not [Environment]::GetEnvironmentVariable($name)) {
        throw "postprovision: $name is not set; run this through azd (azd up / azd provision)."
    }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw "postprovision: the Azure CLI (az) is not installed. Install it (see docs/deploy.md, Prerequisites) and run 'azd provision' again."
}

$subscription = $env:AZURE_SUBSCRIPTION_ID
$vault = $env:AZURE_KEY_VAULT_NAME
$secretName = 'pseudonym-key'

# The Key Vault Secrets Officer role was granted by this very provision; a 403 is retried while it propagates.
$count = $null
for ($attempt = 1; $attempt -le 20; $attempt++) {
    # 'Continue' in a child scope: a 403 on stderr is expected here and must not stop the script.
    $output = & {
        $ErrorActionPreference = 'Continue'
        az keyvault secret list --subscription $subscription --vault-name $vault `
            --query "length([?name=='$secretName'])" -o tsv --only-show-errors 2>$null
    }
    if ($LASTEXITCODE -eq 0) { $count = "$output".Trim(); break }
    Write-Host "postprovision: Key Vault $vault not readable yet (attempt $attempt/20), waiting for role assignment to propagate..."
    Start-Sleep -Seconds 15
}
if ($null -eq $count) {
    throw "postprovision: cannot list secrets in $vault. Check that 'az login' uses the same account as 'azd auth login' and that it holds 'Key Vault Secrets Officer' on the vault. With network isolation on, the vault accepts only the VNet and the operator IP ranges: run this from inside the VNet or add your address to them (docs/deploy.md, section 13)."
}
if ($count -ne '0') {
    Write-Host "postprovision: $secretName already exists in $vault; left unchanged."
    exit 0
}

# 32 random bytes (256 bits), base64-encoded, written to a file only this user can read.
$keyFile = [System.IO.Path]::GetTempFileName()
try {
    [System.IO.File]::WriteAllText($keyFile, [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)))
    az keyvault secret set --subscription $subscription --vault-name $vault --name $secretName `
        --file $keyFile --encoding utf-8 --content-type 'base64; 32 random bytes' -o none --only-show-errors
    if ($LASTEXITCODE -ne 0) { throw "postprovision: could not create $secretName in $vault." }
}
finally {
    Remove-Item -LiteralPath $keyFile -Force -ErrorAction SilentlyContinue
}
Write-Host "postprovision: created $secretName in $vault."

# Make an already-running app resolve the Key Vault reference now rather than at the next periodic refresh.
az functionapp restart --subscription $subscription -g $env:AZURE_RESOURCE_GROUP -n $env:AZURE_FUNCTION_APP_NAME -o none --only-show-errors
if ($LASTEXITCODE -ne 0) {
    Write-Warning "postprovision: could not restart $($env:AZURE_FUNCTION_APP_NAME); the next deployment or restart picks up the key."
}
