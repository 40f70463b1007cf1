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

output name string = topic.name
output principalId string = topic.identity.principalId
