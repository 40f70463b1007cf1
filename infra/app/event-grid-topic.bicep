// The Event Grid system topic that publishes the lake account's blob events. The subscription that
// delivers them to IngestUpload is in blob-subscription.bicep, deployed by the postdeploy hook
// (see docs/deploy.md, "Why the Event Grid subscription is created after the code").

@description('Name of the system topic.')
param name string

@description('Azure region; must be the storage account\'s region.')
param location string

@description('Tags applied to the topic.')
param tags object = {}

@description('Resource ID of the storage account whose events the topic publishes.')
param storageAccountId string

@description('Resource ID of the Log Analytics workspace that receives delivery failures and the topic\'s metrics.')
param logAnalyticsWorkspaceId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  // Dead-lettering authenticates with this identity; the account accepts no keys.
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: topic
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        // Each failed delivery to IngestUpload with its reason, before retries run out and the event is dead-lettered.
        category: 'DeliveryFailures'
        enabled: true
      }
    ]
    metrics: [
      {
        // DeliveryAttemptFailCount, DeadLetteredCount, MatchedEventCount, ...
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = topic.name
output id string = topic.id
output principalId string = topic.identity.principalId
