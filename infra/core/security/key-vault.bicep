// Key Vault in RBAC mode: who may read or write secrets is decided by role assignments
// (Key Vault Secrets User / Officer), never by access policies.

@description('Name of the vault (3-24 characters, globally unique, also while soft-deleted).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags object = {}

@description('Days a deleted vault or secret can be recovered (7-90).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

@description('Purge protection forbids purging a deleted vault or secret until its retention ends. It cannot be turned off once on, and it makes `azd down --purge` leave the vault name reserved for the retention period.')
param enablePurgeProtection bool = false

@description('Who may reach the vault over the network. Open (default): any network, Entra ID and RBAC still required. FirewallOnly: public endpoint on, only allowedIpRanges and private endpoints get through. PrivateEndpointsOnly: public endpoint off, private endpoints only; the postprovision hook and `az keyvault` then work only from inside the VNet.')
@allowed([
  'Open'
  'FirewallOnly'
  'PrivateEndpointsOnly'
])
param networkAccess string = 'Open'

@description('Public IPv4 addresses or CIDR ranges let through the firewall when networkAccess is FirewallOnly (e.g. the machine running azd). Default none.')
param allowedIpRanges string[] = []

@description('Resource ID of the Log Analytics workspace that receives the vault\'s audit log (every secret read or write, by whom) and metrics.')
param logAnalyticsWorkspaceId string

var ipRules = networkAccess == 'PrivateEndpointsOnly' && !empty(allowedIpRanges)
  ? fail('allowedIpRanges has no effect when the vault\'s public endpoint is off (PrivateEndpointsOnly); use FirewallOnly to let those addresses in.')
  : map(networkAccess == 'Open' ? [] : allowedIpRanges, range => { value: range })

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The API rejects an explicit false once purge protection has ever been on, so "off" is sent as absent.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: networkAccess == 'PrivateEndpointsOnly' ? 'Disabled' : 'Enabled'
    networkAcls: {
      // The app resolves its Key Vault reference from inside the VNet, so no bypass is needed for it;
      // AzureServices keeps Azure Backup and similar trusted services working when the firewall is on.
      bypass: 'AzureServices'
      defaultAction: networkAccess == 'Open' ? 'Allow' : 'Deny'
      ipRules: ipRules
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: vault
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        // AuditEvent: each secret operation with the caller's identity and IP, never the secret's value.
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
