// Alert rules for the failures nobody would otherwise see: an upload the pipeline gave up on, an event
// Event Grid could not deliver, and findings that failed or stopped being recomputed. Each rule notifies
// one action group (an e-mail address, parameter alertEmailAddress). docs/deploy.md, "Alerts", says
// what each one means and what to do.
//
// The log queries match the message templates of core/Ingest/IngestService.cs and
// core/Findings/FindingsService.cs; tests/Pipeline.Infra.Tests checks that those templates still exist.

@description('Prefix of every rule name, e.g. the deployment\'s resource token.')
param resourceToken string

@description('Azure region of the log alert rules (the Application Insights region).')
param location string

@description('Tags applied to every rule.')
param tags object = {}

@description('Resource ID of the Application Insights component the log queries run against.')
param applicationInsightsId string

@description('Resource ID of the Event Grid system topic whose dead-lettered events are counted.')
param eventGridSystemTopicId string

@description('Address that receives alert e-mails (a shared operations mailbox, not a person, is best). Empty (default): the rules still fire and show under Azure Monitor > Alerts, but nobody is told.')
param alertEmailAddress string = ''

@description('Hours without a successful findings run before the staleness alert fires. Default 26: the nightly 02:00 run plus two hours of slack. Lower it only together with a more frequent FindingsSchedule.')
@minValue(2)
@maxValue(47)
param findingsStaleAfterHours int = 26

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${resourceToken}'
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'survey-ops'
    enabled: true
    emailReceivers: empty(alertEmailAddress)
      ? []
      : [
          {
            name: 'operations'
            emailAddress: alertEmailAddress
            useCommonAlertSchema: true
          }
        ]
  }
}

var notify = {
  actionGroups: [
    actionGroup.id
  ]
}

// "Giving up on upload {Upload} after {Attempts} attempts" (Error): the upload failed MaxAttempts times for a
// reason that is not the file's (storage, a bug, out of memory) and stays in incoming until someone acts.
resource ingestFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${resourceToken}-ingest-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'Survey pipeline: an upload failed and was given up'
    description: 'IngestUpload gave up on an upload after its last attempt. The upload stays in incoming. See docs/deploy.md, "Alerts".'
    severity: 1
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces\n| where message startswith "Giving up on upload "'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: notify
  }
}

// "Findings run {RunId} for {Survey} failed before the pointer named it" (Warning), or the timer function
// itself failing (its invocation is a failed request).
resource findingsFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${resourceToken}-findings-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'Survey pipeline: a findings run failed'
    description: 'RecomputeFindings failed; the previous findings stay current. See docs/deploy.md, "Alerts".'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'union\n  (traces | where message startswith "Findings run " and message has "failed before the pointer named it"),\n  (requests | where operation_Name == "RecomputeFindings" and success == false)'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: notify
  }
}

// A run succeeded when it logs "Findings run {RunId} for {Survey}: {Cells} cells from ..." or found nothing new
// ("Findings for {Survey} are current (run {RunId}); skipped"). The query returns a row only when neither
// happened for findingsStaleAfterHours while the app was already sending telemetry before that, so a fresh
// deployment does not alert before its first night.
var staleQuery = '''
let stale = {0}h;
let lastSuccess = toscalar(traces
  | where (message startswith "Findings run " and message has " cells from ") or (message startswith "Findings for " and message endswith "; skipped")
  | summarize max(timestamp));
let firstSeen = toscalar(union traces, requests | summarize min(timestamp));
print lastSuccess = lastSuccess, firstSeen = firstSeen
| where firstSeen < ago(stale) and (isnull(lastSuccess) or lastSuccess < ago(stale))
'''

resource findingsStale 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${resourceToken}-findings-stale'
  location: location
  tags: tags
  properties: {
    displayName: 'Survey pipeline: no successful findings run for ${findingsStaleAfterHours} hours'
    description: 'RecomputeFindings has not succeeded for ${findingsStaleAfterHours} hours (timer not firing, app stopped, or every run failing). See docs/deploy.md, "Alerts".'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT1H'
    // Two days (the longest window a log alert allows) so that firstSeen can be older than the threshold.
    windowSize: 'P2D'
    criteria: {
      allOf: [
        {
          query: format(staleQuery, findingsStaleAfterHours)
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Resolves by itself once a run succeeds.
    autoMitigate: true
    actions: notify
  }
}

// DeadLetteredCount: an upload event that Event Grid gave up delivering after 30 attempts or 24 hours; the
// upload was never processed and is replayed by uploading the file again (docs/deploy.md, section 10).
resource deadLettered 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${resourceToken}-events-dead-lettered'
  // Metric alert rules are global resources.
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dead-lettered an upload event; that upload was not processed. See docs/deploy.md, "Alerts".'
    severity: 1
    enabled: true
    scopes: [
      eventGridSystemTopicId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          metricName: 'DeadLetteredCount'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
