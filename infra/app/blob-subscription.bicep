// Event Grid subscription: blob-created events in the lake's incoming container -> the blob
// extension webhook of IngestUpload (BlobTrigger with Source = EventGrid).
//
// Deployed by infra/hooks/postdeploy.* after `azd deploy`, not by main.bicep, because:
//  - the webhook URL needs the host's `blobs_extension` system key, which the Functions host creates
//    only when it first starts with the blob extension loaded, i.e. after the code is deployed;
//  - Event Grid validates a webhook when the subscription is created, and the blob extension answers
//    that handshake only once the code is running.
// listKeys() below reads the key inside ARM, so it never passes through a shell or a log.

targetScope = 'resourceGroup'

@description('Name of the function app that hosts IngestUpload.')
param functionAppName string

@description('Name of the Event Grid system topic on the lake account.')
param systemTopicName string

@description('Name of the storage account that receives undeliverable events.')
param deadLetterStorageAccountName string

@description('Container in that account for undeliverable events.')
param deadLetterContainerName string

@description('Delivery attempts before an event is dead-lettered (1-30).')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Minutes Event Grid keeps retrying an event before it is dead-lettered (1-1440).')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

resource functionApp 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

// Microsoft.Web/sites/host has no Bicep type, so the keys are listed by resource ID.
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-11-01').systemKeys.blobs_extension

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource deadLetterAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: deadLetterStorageAccountName
}

resource ingestUpload 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: 'ingest-upload'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // "Host.Functions.<name>" names the function; "code" is the blobs_extension system key.
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.IngestUpload&code=${blobsExtensionKey}'
        // One blob per request: each upload is processed (and scaled out) on its own.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // Only the incoming container; the pipeline's own writes to raw/curated/... never trigger it.
      subjectBeginsWith: '/blobServices/default/containers/incoming/'
      // Only completed uploads: PutBlob/PutBlockList (Blob API, az CLI, AzCopy), CopyBlob (server-side
      // copies), FlushWithClose (ADLS Gen2 API, e.g. Storage Explorer or AzCopy against dfs endpoint).
      // Drops e.g. CreateFile, whose blob is still empty.
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: [
            'PutBlob'
            'PutBlockList'
            'CopyBlob'
            'FlushWithClose'
          ]
        }
      ]
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterAccount.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output subscriptionName string = ingestUpload.name
