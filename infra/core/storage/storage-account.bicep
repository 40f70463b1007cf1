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

@description('Who may reach the account over the network. Open (default): any network, Entra ID still required. TrustedServicesOnly: public endpoint on, but only trusted Azure services (Event Grid dead-lettering with its system identity) and allowedIpRanges get through; private endpoints work. PrivateEndpointsOnly: public endpoint off, private endpoints only; trusted-service exceptions no longer apply.')
@allowed([
  'Open'
  'TrustedServicesOnly'
  'PrivateEndpointsOnly'
])
param networkAccess string = 'Open'

@description('Public IPv4 addresses or CIDR ranges let through the firewall when networkAccess is TrustedServicesOnly (e.g. an office or a field team\'s gateway). Default none. Ignored when Open; refused with PrivateEndpointsOnly.')
param allowedIpRanges string[] = []

@description('Resource ID of the Log Analytics workspace that receives the account\'s diagnostic logs and metrics.')
param logAnalyticsWorkspaceId string

@description('Also send read requests (StorageRead) to Log Analytics. Default false: every blob read by the app, Power BI or a person is a log row, which multiplies the ingestion cost; writes and deletes are always sent.')
param logReads bool = false

// Fail at template validation rather than at the storage RP with a less obvious message.
var versioning = isHnsEnabled && isVersioningEnabled
  ? fail('Blob versioning is not supported on an account with a hierarchical namespace (ADLS Gen2).')
  : isVersioningEnabled

var ipRules = networkAccess == 'PrivateEndpointsOnly' && !empty(allowedIpRanges)
  ? fail('allowedIpRanges has no effect when the public endpoint is off (PrivateEndpointsOnly); use TrustedServicesOnly to let those addresses in.')
  : map(networkAccess == 'Open' ? [] : allowedIpRanges, range => { value: range, action: 'Allow' })

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
    publicNetworkAccess: networkAccess == 'PrivateEndpointsOnly' ? 'Disabled' : 'Enabled'
    networkAcls: {
      // Event Grid dead-letters into the host account as a trusted Azure service (system identity).
      bypass: 'AzureServices'
      defaultAction: networkAccess == 'Open' ? 'Allow' : 'Deny'
      ipRules: ipRules
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

// ---- Diagnostic settings: who wrote or deleted what, and transaction metrics, kept in Log Analytics ----

var storageLogs = [
  { category: 'StorageRead', enabled: logReads }
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]
var transactionMetrics = [
  { category: 'Transaction', enabled: true }
]

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: account
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    // The account level has metrics only; logs are per service.
    metrics: transactionMetrics
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: blobService
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
    metrics: transactionMetrics
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' existing = {
  parent: account
  name: 'default'
}

// The blob trigger's poison queue (lake) and the host's internal queues (host account).
resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: queueService
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
    metrics: transactionMetrics
  }
}

resource tableServiceForDiagnostics 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' existing = {
  parent: account
  name: 'default'
}

// The upload and findings-run ledgers (lake) and the host's tables.
resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: tableServiceForDiagnostics
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
    metrics: transactionMetrics
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output dfsEndpoint string = account.properties.primaryEndpoints.dfs
