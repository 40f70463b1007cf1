// Production parameters: network isolation, zone-redundant storage, purge protection, no sample access
// for the deployer. main.parameters.json holds the quickstart (dev) values that `azd up` uses by default.
//
// Use it with azd by setting the same values in the azd environment (docs/deploy.md, "Production"), or
// directly: az deployment sub create -l <region> -f infra/main.bicep -p infra/main.production.bicepparam
// with AZURE_ENV_NAME, AZURE_LOCATION and AZURE_PRINCIPAL_ID set in the shell.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'ServicePrincipal') == 'User' ? 'User' : 'ServicePrincipal'
param analystsPrincipalId = readEnvironmentVariable('AZURE_ANALYSTS_PRINCIPAL_ID', '')
param uploadersPrincipalId = readEnvironmentVariable('AZURE_UPLOADERS_PRINCIPAL_ID', '')

// Storage and Key Vault reachable through private endpoints only; the app through VNet integration.
param networkIsolation = true
// Comma-separated public ranges let through the lake and vault firewalls, e.g. "203.0.113.0/24,198.51.100.7".
param operatorIpRanges = readEnvironmentVariable('AZURE_OPERATOR_IP_RANGES', '')

// Survives the loss of one availability zone; the region must have zones (docs/deploy.md, "Redundancy").
param storageSkuName = 'Standard_ZRS'
param keyVaultPurgeProtection = true
param storageSoftDeleteDays = 30
param deployerSampleAccess = false

param alertEmailAddress = readEnvironmentVariable('AZURE_ALERT_EMAIL', '')
param findingsStaleAfterHours = 26
