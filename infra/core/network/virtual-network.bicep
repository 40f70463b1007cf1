// The private network of an isolated deployment: one subnet for the function app's outbound traffic
// (VNet integration) and one for the private endpoints of storage and Key Vault. Nothing else joins it;
// a jump host or a VPN gateway for operators goes in a subnet you add (docs/deploy.md, "Network isolation").

@description('Name of the virtual network.')
param name string

@description('Azure region; must be the function app\'s region (Flex Consumption integrates only with a VNet in its own region).')
param location string

@description('Tags applied to the network.')
param tags object = {}

@description('Address space of the network. Default 10.60.0.0/16; change it only if it overlaps a network you peer with or reach over VPN.')
param addressPrefix string = '10.60.0.0/16'

@description('Subnet of the function app (VNet integration). Flex Consumption takes one address per running instance, so the default /24 (251 usable addresses) bounds maximumInstanceCount at about 250; a /27 would bound it at 27.')
param appSubnetPrefix string = '10.60.1.0/24'

@description('Subnet of the private endpoints. Default /26: 59 usable addresses for the 8 endpoints this deployment creates and any you add.')
param privateEndpointSubnetPrefix string = '10.60.2.0/26'

var appSubnetName = 'snet-app'
var privateEndpointSubnetName = 'snet-private-endpoints'

resource vnet 'Microsoft.Network/virtualNetworks@2024-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          // Flex Consumption integrates through Container Apps environments, not App Service plans:
          // a subnet delegated to Microsoft.Web/serverFarms is refused.
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

output id string = vnet.id
output name string = vnet.name
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, appSubnetName)
output privateEndpointSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, privateEndpointSubnetName)
