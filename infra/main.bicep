// Survey pipeline: Flex Consumption function app + ADLS Gen2 lake + Event Grid, identity-only access.
// Deployed by `azd up` (see docs/deploy.md). Every module is a local file: no registry restore needed.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment. Seeds every resource name and is set by azd.')
param environmentName string

@minLength(1)
@description('Azure region of every resource. Must offer Flex Consumption: `az functionapp list-flexconsumption-locations -o table`.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Memory of each function instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances Flex Consumption may run at once. Bounds cost and the load on the lake account.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Object ID of the person or pipeline running azd (azd sets AZURE_PRINCIPAL_ID). Gets Key Vault Secrets Officer (the postprovision hook writes the pseudonym key), and with deployerSampleAccess write on incoming and read on reports; never a role on the whole lake. Empty grants nothing.')
param principalId string = ''

@description('Whether principalId is a user or a service principal (CI).')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Object ID of an Entra group of analysts given read access to curated, reports and findings (Power BI). Empty grants nothing.')
param analystsPrincipalId string = ''

@description('Object ID of an Entra group allowed to upload exports to the incoming container only. Empty grants nothing.')
param uploadersPrincipalId string = ''

@description('Key Vault purge protection. Recommended for production; once on it cannot be turned off, and `azd down --purge` cannot free the vault name until soft-delete retention ends.')
param keyVaultPurgeProtection bool = false

@description('Days deleted blobs and containers stay restorable in the lake and host accounts.')
@minValue(1)
@maxValue(365)
param storageSoftDeleteDays int = 14

@description('Let the deployer upload to incoming and read reports (to try a sample export). Default false, as in production; the dev parameters (main.parameters.json) turn it on.')
param deployerSampleAccess bool = false

@description('Network isolation: a VNet with private endpoints for both storage accounts and Key Vault, VNet integration for the app, and storage and Key Vault closed to public networks. Default false (quickstart); main.production.bicepparam turns it on. See docs/deploy.md, "Network isolation", for what then works only from inside the VNet.')
param networkIsolation bool = false

@description('With networkIsolation: comma-separated public IPv4 addresses or CIDR ranges still let through the lake and Key Vault firewalls (an office, a field team\'s gateway, the machine running azd), e.g. "203.0.113.0/24,198.51.100.7". Text rather than an array so azd can pass it from AZURE_OPERATOR_IP_RANGES. Default empty: the lake and the vault have their public endpoint turned off and are reachable from the VNet only.')
param operatorIpRanges string = ''

@description('Redundancy of both storage accounts. Default Standard_LRS (three copies in one datacenter). Standard_ZRS (production) keeps the lake readable through the loss of a zone but exists only in regions with availability zones; the deployment fails elsewhere. Changing it later is a conversion (docs/deploy.md, "Redundancy").')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Also log blob, queue and table reads to Log Analytics. Default false: reads are most of the traffic and of the ingestion cost; writes and deletes are always logged.')
param logStorageReads bool = false

@description('E-mail address notified by the alert rules (a shared mailbox). Default empty: alerts fire and show in Azure Monitor but nobody is e-mailed.')
param alertEmailAddress string = ''

@description('Hours without a successful findings run before the staleness alert fires. Default 26: the nightly 02:00 run plus two hours.')
@minValue(2)
@maxValue(47)
param findingsStaleAfterHours int = 26

@description('Name of the resource group; empty derives rg-<environmentName>.')
param resourceGroupName string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'eventgrid-deadletter'

var operatorIpRangeList = empty(operatorIpRanges) ? [] : split(replace(operatorIpRanges, ' ', ''), ',')

// Who may reach each account and the vault (docs/deploy.md, "Network isolation"). The host account keeps
// its public endpoint on but denies every network: Event Grid dead-letters into it as a trusted service,
// an exception that a disabled public endpoint would switch off.
var lakeNetworkAccess = !networkIsolation ? 'Open' : empty(operatorIpRanges) ? 'PrivateEndpointsOnly' : 'TrustedServicesOnly'
var hostNetworkAccess = networkIsolation ? 'TrustedServicesOnly' : 'Open'
var keyVaultNetworkAccess = !networkIsolation ? 'Open' : empty(operatorIpRanges) ? 'PrivateEndpointsOnly' : 'FirewallOnly'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-func-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

// The lake: ADLS Gen2 (hierarchical namespace) so Power BI and Spark read it as a file system.
// Blob versioning is not available with a hierarchical namespace; soft delete protects the zones
// instead (docs/deploy.md, "Data protection").
module lakeStorage 'core/storage/storage-account.bicep' = {
  name: 'lake-storage'
  scope: rg
  params: {
    name: 'dl${resourceToken}'
    location: location
    tags: tags
    isHnsEnabled: true
    isVersioningEnabled: false
    softDeleteRetentionDays: storageSoftDeleteDays
    skuName: storageSkuName
    networkAccess: lakeNetworkAccess
    allowedIpRanges: networkIsolation ? operatorIpRangeList : []
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    logReads: logStorageReads
    containerNames: [
      'incoming'
      'raw'
      'curated'
      'quarantine'
      'reports'
      'findings'
    ]
    tableNames: [
      'uploads'
      'findingsruns'
    ]
  }
}

// Host storage: AzureWebJobsStorage, the Flex deployment package and Event Grid dead letters. Kept
// apart from the lake so the runtime's own blobs never mix with survey data or reach analysts.
module hostStorage 'core/storage/storage-account.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    isHnsEnabled: false
    // The host rewrites lease and timer-status blobs all day; versions would pile up for nothing.
    isVersioningEnabled: false
    softDeleteRetentionDays: storageSoftDeleteDays
    skuName: storageSkuName
    networkAccess: hostNetworkAccess
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    logReads: logStorageReads
    containerNames: [
      deploymentContainerName
      deadLetterContainerName
    ]
  }
}

module keyVault 'core/security/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    networkAccess: keyVaultNetworkAccess
    allowedIpRanges: networkIsolation ? operatorIpRangeList : []
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module network 'app/network-isolation.bicep' = if (networkIsolation) {
  name: 'network-isolation'
  scope: rg
  params: {
    resourceToken: resourceToken
    location: location
    tags: tags
    lakeStorageAccountId: lakeStorage.outputs.id
    hostStorageAccountId: hostStorage.outputs.id
    keyVaultId: keyVault.outputs.id
  }
}

module eventGridTopic 'app/event-grid-topic.bicep' = {
  name: 'event-grid-topic'
  scope: rg
  params: {
    name: 'evgt-${resourceToken}'
    location: location
    tags: tags
    storageAccountId: lakeStorage.outputs.id
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module alerts 'core/monitor/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    resourceToken: resourceToken
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    eventGridSystemTopicId: eventGridTopic.outputs.id
    alertEmailAddress: alertEmailAddress
    findingsStaleAfterHours: findingsStaleAfterHours
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    lakeStorageAccountName: lakeStorage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    eventGridPrincipalId: eventGridTopic.outputs.principalId
    deadLetterContainerName: deadLetterContainerName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    deployerSampleAccess: deployerSampleAccess
    reportsContainerName: 'reports'
    uploadersPrincipalId: uploadersPrincipalId
    analystsPrincipalId: analystsPrincipalId
    analystContainerNames: [
      'curated'
      'reports'
      'findings'
    ]
    incomingContainerName: 'incoming'
  }
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  scope: rg
  // The app starts as soon as it exists; its roles must already be in place.
  dependsOn: [
    rbac
  ]
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'functions'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostStorageAccountName: hostStorage.outputs.name
    hostBlobEndpoint: hostStorage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    lakeBlobEndpoint: lakeStorage.outputs.blobEndpoint
    lakeQueueEndpoint: lakeStorage.outputs.queueEndpoint
    lakeTableEndpoint: lakeStorage.outputs.tableEndpoint
    keyVaultName: keyVault.outputs.name
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: networkIsolation ? network!.outputs.appSubnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

// Read by azd and by the hooks in infra/hooks (azd exports outputs as environment variables).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output AZURE_FUNCTION_APP_HOST_NAME string = functions.outputs.defaultHostName
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_LAKE_STORAGE_ACCOUNT_NAME string = lakeStorage.outputs.name
output AZURE_LAKE_DFS_ENDPOINT string = lakeStorage.outputs.dfsEndpoint
output AZURE_HOST_STORAGE_ACCOUNT_NAME string = hostStorage.outputs.name
output AZURE_EVENTGRID_DEADLETTER_CONTAINER string = deadLetterContainerName
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGridTopic.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_NETWORK_ISOLATION bool = networkIsolation
output AZURE_VIRTUAL_NETWORK_NAME string = networkIsolation ? network!.outputs.virtualNetworkName : ''
