// One storage account with the security baseline every account in this deployment shares:
// Entra ID only (no shared key, so no account keys or SAS), no anonymous blob access, TLS 1.2,
// HTTPS only. Containers and tables are created here so the app never needs rights to create them.

@description('Name of the account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object = {}

@description('true makes this an ADLS Gen2 account (hierarchical namespace). It can only be set at creation and it rules out blob versioning.')
param isHnsEnabled bool

@description('Blob containers to create. None is public.')
param containerNames string[] = []

@description('Tables to create.')
param tableNames string[] = []

@description('Days a deleted blob or container can be restored (1-365).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 14

@description('Blob versioning. Not supported together with a hierarchical namespace; the template refuses the combination.')
param isVersioningEnabled bool = false

@description('Redundancy. Standard_ZRS or Standard_GZRS survive a zone outage where the region has zones.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_LRS'

// Fail at template validation rather than at the storage RP with a less obvious message.
var versioning = isHnsEnabled && isVersioningEnabled
  ? fail('Blob versioning is not supported on an account with a hierarchical namespace (ADLS Gen2).')
  : isVersioningEnabled

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    isHnsEnabled: isHnsEnabled
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Event Grid and the Functions platform reach the account as trusted Azure services.
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: versioning
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = if (!empty(tableNames)) {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output dfsEndpoint string = account.properties.primaryEndpoints.dfs
