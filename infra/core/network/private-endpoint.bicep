// A private endpoint for one sub-resource (blob, queue, table, dfs or vault) with a zone group, so its
// A record is written to (and removed from) the private DNS zone together with the endpoint.

@description('Name of the private endpoint.')
param name string

@description('Azure region; must be the VNet\'s region.')
param location string

@description('Tags applied to the endpoint.')
param tags object = {}

@description('Resource ID of the subnet that hosts the endpoint.')
param subnetId string

@description('Resource ID of the storage account or Key Vault.')
param targetResourceId string

@description('Sub-resource (group ID): blob, queue, table or dfs for storage; vault for Key Vault.')
@allowed([
  'blob'
  'queue'
  'table'
  'dfs'
  'vault'
])
param groupId string

@description('Resource ID of the private DNS zone matching groupId.')
param privateDnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-07-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

output id string = endpoint.id
