// Network isolation (main.bicep parameter networkIsolation): a VNet, private DNS zones and a private
// endpoint for every storage service the app uses and for Key Vault. The app reaches them through its
// VNet integration (functions.bicep, virtualNetworkSubnetId); the accounts and the vault refuse public
// traffic (storage-account.bicep, key-vault.bicep). docs/deploy.md, "Network isolation", says what
// still works from outside and how operators get in.

@description('Prefix of every resource name, e.g. the deployment\'s resource token.')
param resourceToken string

@description('Azure region of the VNet and the endpoints.')
param location string

@description('Tags applied to every resource.')
param tags object = {}

@description('Resource ID of the lake (ADLS Gen2) account.')
param lakeStorageAccountId string

@description('Resource ID of the host account (AzureWebJobsStorage, deployment package, dead letters).')
param hostStorageAccountId string

@description('Resource ID of the Key Vault.')
param keyVaultId string

@description('Address space of the VNet (see virtual-network.bicep for the default and why to change it).')
param addressPrefix string = '10.60.0.0/16'

@description('Subnet of the function app; its size bounds how many instances can run (see virtual-network.bicep).')
param appSubnetPrefix string = '10.60.1.0/24'

@description('Subnet of the private endpoints.')
param privateEndpointSubnetPrefix string = '10.60.2.0/26'

// The Key Vault zone is privatelink.vaultcore.<cloud suffix>, derived from '.vault.<cloud suffix>'.
var zoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  table: 'privatelink.table.${environment().suffixes.storage}'
  dfs: 'privatelink.dfs.${environment().suffixes.storage}'
  vault: replace(environment().suffixes.keyvaultDns, '.vault.', 'privatelink.vaultcore.')
}
var groupIds = [
  'blob'
  'queue'
  'table'
  'dfs'
  'vault'
]

// Blob, queue and table on both accounts: the app's LakeStorage and AzureWebJobsStorage connections use
// all three. dfs on the lake only: the app does not use it, but Power BI (through a gateway in the VNet)
// and Storage Explorer on a jump host do. The host account has no hierarchical namespace, hence no dfs.
var lakeEndpointGroups = [
  'blob'
  'queue'
  'table'
  'dfs'
]
var hostEndpointGroups = [
  'blob'
  'queue'
  'table'
]

module vnet '../core/network/virtual-network.bicep' = {
  name: 'virtual-network'
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
    addressPrefix: addressPrefix
    appSubnetPrefix: appSubnetPrefix
    privateEndpointSubnetPrefix: privateEndpointSubnetPrefix
  }
}

module zones '../core/network/private-dns-zone.bicep' = [
  for groupId in groupIds: {
    name: 'private-dns-${groupId}'
    params: {
      name: zoneNames[groupId]
      tags: tags
      virtualNetworkId: vnet.outputs.id
    }
  }
]

module lakeEndpoints '../core/network/private-endpoint.bicep' = [
  for groupId in lakeEndpointGroups: {
    name: 'pe-lake-${groupId}'
    params: {
      name: 'pe-dl${resourceToken}-${groupId}'
      location: location
      tags: tags
      subnetId: vnet.outputs.privateEndpointSubnetId
      targetResourceId: lakeStorageAccountId
      groupId: groupId
      privateDnsZoneId: zones[indexOf(groupIds, groupId)].outputs.id
    }
  }
]

module hostEndpoints '../core/network/private-endpoint.bicep' = [
  for groupId in hostEndpointGroups: {
    name: 'pe-host-${groupId}'
    params: {
      name: 'pe-st${resourceToken}-${groupId}'
      location: location
      tags: tags
      subnetId: vnet.outputs.privateEndpointSubnetId
      targetResourceId: hostStorageAccountId
      groupId: groupId
      privateDnsZoneId: zones[indexOf(groupIds, groupId)].outputs.id
    }
  }
]

module vaultEndpoint '../core/network/private-endpoint.bicep' = {
  name: 'pe-vault'
  params: {
    name: 'pe-kv${resourceToken}-vault'
    location: location
    tags: tags
    subnetId: vnet.outputs.privateEndpointSubnetId
    targetResourceId: keyVaultId
    groupId: 'vault'
    privateDnsZoneId: zones[indexOf(groupIds, 'vault')].outputs.id
  }
}

output virtualNetworkName string = vnet.outputs.name
output appSubnetId string = vnet.outputs.appSubnetId
