// Flex Consumption plan + Linux function app running under a user-assigned identity.
// The app settings are the contract with the code in functions/ (binding expressions, connection
// prefixes and options sections); tests/Pipeline.Infra.Tests checks them against functions.metadata
// and the options classes of the built app.

@description('Name of the function app (also the first label of its host name).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('azd service name from azure.yaml; azd finds the app to deploy by the azd-service-name tag.')
param serviceName string

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Client ID of that identity; identity-based connections need it to pick this identity.')
param identityClientId string

@description('Blob endpoint of the host storage account, ending with a slash.')
param hostBlobEndpoint string

@description('Name of the host storage account (AzureWebJobsStorage).')
param hostStorageAccountName string

@description('Container in the host account that holds the deployment package.')
param deploymentContainerName string

@description('Blob endpoint of the lake account.')
param lakeBlobEndpoint string

@description('Queue endpoint of the lake account (the blob trigger\'s poison queue lives there).')
param lakeQueueEndpoint string

@description('Table endpoint of the lake account (upload and findings-run ledgers).')
param lakeTableEndpoint string

@description('Name of the Key Vault that holds the pseudonymisation key.')
param keyVaultName string

@description('Application Insights connection string (not a secret: local auth is disabled).')
param applicationInsightsConnectionString string

@description('Memory of each instance. 2048 suits CSV/Parquet work on exports of a few hundred MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances Flex Consumption may scale out to (one upload is one event).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Resource ID of the subnet (delegated to Microsoft.App/environments) the app sends its outbound traffic through; empty (default) means no VNet integration, so the app reaches storage and Key Vault over their public endpoints.')
param virtualNetworkSubnetId string = ''

@description('Resource ID of the Log Analytics workspace that receives the platform\'s FunctionAppLogs and metrics.')
param logAnalyticsWorkspaceId string

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    // With isolation on, storage and Key Vault accept only private endpoints, reached through this subnet.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    httpsOnly: true
    // Key Vault references (Pseudonymisation__Key) resolve with this identity, not a system one.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Publishing with a user name and password (SCM and FTP) is off; azd deploys with an Entra token.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// Literal names and values on purpose: the infra tests read them from the compiled template.
resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Functions host storage (leases, timer schedule state, blob receipts): identity-based.
    AzureWebJobsStorage__accountName: hostStorageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId

    // The lake, bound as Connection = "LakeStorage" by IngestUpload and read by the storage adapters.
    LakeStorage__blobServiceUri: lakeBlobEndpoint
    LakeStorage__queueServiceUri: lakeQueueEndpoint
    LakeStorage__tableServiceUri: lakeTableEndpoint
    LakeStorage__credential: 'managedidentity'
    LakeStorage__clientId: identityClientId

    // Binding expressions: %IncomingContainer% (blob trigger path), %FindingsSchedule% (timer).
    IncomingContainer: 'incoming'
    // NCRONTAB with seconds, evaluated in UTC on Linux: 02:00:00 every night.
    FindingsSchedule: '0 0 2 * * *'

    // Lake layout (options section "Lake").
    Lake__RawContainer: 'raw'
    Lake__CuratedContainer: 'curated'
    Lake__QuarantineContainer: 'quarantine'
    Lake__ReportsContainer: 'reports'
    Lake__FindingsContainer: 'findings'
    Lake__UploadsTable: 'uploads'
    Lake__FindingsRunsTable: 'findingsruns'

    // Resolved by the platform with keyVaultReferenceIdentity; the value never appears here.
    Pseudonymisation__Key: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=pseudonym-key)'

    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    // Entra authentication for telemetry, required because the component has local auth disabled.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: functionApp
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        // Host and worker logs, including invocation failures, in the FunctionAppLogs table.
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
