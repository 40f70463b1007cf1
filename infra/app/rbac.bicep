// Every role assignment of the deployment, in one place so it can be reviewed at a glance.
// Data-plane roles only: nothing here can change, delete or re-key a resource.
// Role definition IDs are literal on purpose: tests/Pipeline.Infra.Tests reads them from the
// compiled template and fails on any role that is not on its allow-list.

@description('Name of the lake (ADLS Gen2) storage account.')
param lakeStorageAccountName string

@description('Name of the host storage account (AzureWebJobsStorage, deployment package, dead letters).')
param hostStorageAccountName string

@description('Name of the Key Vault.')
param keyVaultName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Principal ID of the function app\'s user-assigned identity.')
param appPrincipalId string

@description('Principal ID of the Event Grid system topic\'s identity (dead-lettering).')
param eventGridPrincipalId string

@description('Container in the host account that receives dead-lettered events.')
param deadLetterContainerName string

@description('Object ID of the person or pipeline running azd; empty grants nothing.')
param deployerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

@description('Give the deployer write on incoming and read on reports, to upload a sample export and read its summary. Default false: the deployer gets no lake data role at all (production). Has no effect when deployerPrincipalId is empty.')
param deployerSampleAccess bool = false

@description('Lake container holding per-upload reports (summary.json), readable by the deployer with deployerSampleAccess.')
param reportsContainerName string = 'reports'

@description('Object ID of a group (or user) allowed to upload exports to the incoming container only; empty grants nothing.')
param uploadersPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param uploadersPrincipalType string = 'Group'

@description('Object ID of a group (or user) of analysts, e.g. for Power BI; empty grants nothing.')
param analystsPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param analystsPrincipalType string = 'Group'

@description('Lake containers analysts may read. Not raw, incoming or quarantine: those hold identifiable data.')
param analystContainerNames string[]

@description('The lake container uploaders may write to.')
param incomingContainerName string

resource lake 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: lakeStorageAccountName
}

resource lakeBlobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' existing = {
  parent: lake
  name: 'default'
}

resource analystContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = [
  for containerName in analystContainerNames: {
    parent: lakeBlobService
    name: containerName
  }
]

resource incomingContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: lakeBlobService
  name: incomingContainerName
}

resource reportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: lakeBlobService
  name: reportsContainerName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: hostStorageAccountName
}

resource hostBlobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' existing = {
  parent: hostStorage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: hostBlobService
  name: deadLetterContainerName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// ---- Function app identity -------------------------------------------------------------------

// Storage Blob Data Owner: the role the Functions blob trigger documents for its connection; the app
// also reads uploads and writes every zone with it.
resource appLakeBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: lake
  name: guid(lake.id, appPrincipalId, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Contributor: the blob trigger's poison queue lives on its connection's account.
resource appLakeQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: lake
  name: guid(lake.id, appPrincipalId, '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Table Data Contributor: the uploads and findingsruns ledgers.
resource appLakeTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: lake
  name: guid(lake.id, appPrincipalId, '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Owner on the host account: AzureWebJobsStorage and the Flex deployment package.
resource appHostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, appPrincipalId, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Contributor on the host account: the host's internal queues (blob trigger).
resource appHostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, appPrincipalId, '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Table Data Contributor on the host account: host diagnostics/events tables.
resource appHostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, appPrincipalId, '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault Secrets User: read (not list, not write) secret values, for the Key Vault reference.
resource appVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appPrincipalId, '4633458b-17de-408a-b874-0445c86b69e6')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Monitoring Metrics Publisher: send telemetry with an Entra token (local auth is off).
resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appPrincipalId, '3913510d-42f4-4e42-8a64-420c390055eb')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Event Grid system topic identity ----------------------------------------------------------

// Storage Blob Data Contributor on the dead-letter container only.
resource eventGridDeadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: deadLetterContainer
  name: guid(deadLetterContainer.id, eventGridPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: eventGridPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- The person (or pipeline) running azd ------------------------------------------------------

// Key Vault Secrets Officer: the postprovision hook creates pseudonym-key; rotation needs it too.
resource deployerVaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  scope: vault
  name: guid(vault.id, deployerPrincipalId, 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

// Nothing on the lake as a whole: azd deploys the code through the app's publish endpoint with an Entra
// token (no storage data role), and the hooks need only the vault role above. With deployerSampleAccess
// the deployer may also try the pipeline end to end (docs/deploy.md, sections 5 and 6): upload to incoming,
// read reports. Never raw, curated, quarantine or findings, which hold (pseudonymised) survey data.
resource deployerIncomingContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId) && deployerSampleAccess) {
  scope: incomingContainer
  name: guid(incomingContainer.id, deployerPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerReportsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId) && deployerSampleAccess) {
  scope: reportsContainer
  name: guid(reportsContainer.id, deployerPrincipalId, '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

// ---- Optional groups ---------------------------------------------------------------------------

// Storage Blob Data Contributor on incoming only: field teams upload exports and see nothing else.
resource uploadersIncomingContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(uploadersPrincipalId)) {
  scope: incomingContainer
  name: guid(incomingContainer.id, uploadersPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: uploadersPrincipalId
    principalType: uploadersPrincipalType
  }
}

// Storage Blob Data Reader on the analysis containers: Power BI's Azure Data Lake Storage Gen2 connector.
resource analystsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in analystContainerNames: if (!empty(analystsPrincipalId)) {
    scope: analystContainers[i]
    name: guid(analystContainers[i].id, analystsPrincipalId, '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
      principalId: analystsPrincipalId
      principalType: analystsPrincipalType
    }
  }
]
