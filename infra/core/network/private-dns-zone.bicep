// A private DNS zone (privatelink.<service>) linked to the deployment's VNet, so that inside the VNet
// the usual public host names (dl<token>.blob.core.windows.net, kv-<token>.vault.azure.net) resolve to
// the private endpoints. Callers keep the ordinary endpoints; nothing in the app settings changes.

@description('Zone name, e.g. privatelink.blob.core.windows.net.')
param name string

@description('Tags applied to the zone and its link.')
param tags object = {}

@description('Resource ID of the virtual network that resolves names through this zone.')
param virtualNetworkId string

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: name
  // Private DNS zones are global resources.
  location: 'global'
  tags: tags
}

resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: 'vnet-link'
  location: 'global'
  tags: tags
  properties: {
    virtualNetwork: {
      id: virtualNetworkId
    }
    // The endpoints register through their zone groups, not through VM auto-registration.
    registrationEnabled: false
  }
}

output id string = zone.id
output name string = zone.name
