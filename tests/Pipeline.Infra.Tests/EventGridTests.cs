using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>The system topic (main.bicep) and the IngestUpload subscription (app/blob-subscription.bicep, deployed by the postdeploy hook).</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class EventGridTests(CompiledTemplates templates)
{
    [Fact]
    public void SystemTopic_PublishesTheLakeAccountsEvents()
    {
        var topic = templates.Main.OfType("Microsoft.EventGrid/systemTopics").Single();
        var source = templates.Main.Module("event-grid-topic").Argument("storageAccountId").AsString() ?? string.Empty;

        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.Get("properties.topicType").AsString());
        Assert.Contains("'lake-storage'", source, StringComparison.Ordinal);
        Assert.Equal("SystemAssigned", topic.Get("identity.type").AsString());
    }

    [Fact]
    public void EventSubscription_Filter_OnlyBlobCreatedEvents()
    {
        var types = templates.EventSubscription.Get("properties.filter.includedEventTypes").AsStrings();

        Assert.Equal(new[] { "Microsoft.Storage.BlobCreated" }, types);
    }

    [Fact]
    public void EventSubscription_Filter_OnlyTheIncomingContainer()
    {
        var prefix = templates.EventSubscription.Get("properties.filter.subjectBeginsWith").AsString();
        var incoming = templates.AppSettings["IncomingContainer"].AsString();

        Assert.Equal("/blobServices/default/containers/incoming/", prefix);
        Assert.Equal($"/blobServices/default/containers/{incoming}/", prefix);
    }

    [Fact]
    public void EventSubscription_Filter_OnlyCompletedUploadApiCalls()
    {
        var filters = templates.EventSubscription.Get("properties.filter.advancedFilters") as System.Text.Json.Nodes.JsonArray;

        var filter = Assert.Single(filters ?? []);
        Assert.Equal("StringIn", filter?["operatorType"].AsString());
        Assert.Equal("data.api", filter?["key"].AsString());
        Assert.Equal(
            new[] { "CopyBlob", "FlushWithClose", "PutBlob", "PutBlockList" },
            filter?["values"].AsStrings().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EventSubscription_Endpoint_IsTheBlobExtensionWebhookOfIngestUpload()
    {
        var url = templates.EventSubscription.Get("properties.destination.properties.endpointUrl").AsString() ?? string.Empty;

        Assert.Equal("WebHook", templates.EventSubscription.Get("properties.destination.endpointType").AsString());
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.IngestUpload&code=", url, StringComparison.Ordinal);
        Assert.Contains("listKeys(", url, StringComparison.Ordinal);
        Assert.Contains("/host/default", url, StringComparison.Ordinal);
        Assert.Contains(".systemKeys.blobs_extension", url, StringComparison.Ordinal);
    }

    [Fact]
    public void EventSubscription_RetriesAndDeadLettersWithItsIdentity()
    {
        var subscription = templates.EventSubscription;

        Assert.Equal(30, subscription.Get("properties.retryPolicy.maxDeliveryAttempts").AsInt());
        Assert.Equal(1440, subscription.Get("properties.retryPolicy.eventTimeToLiveInMinutes").AsInt());
        Assert.Equal("SystemAssigned", subscription.Get("properties.deadLetterWithResourceIdentity.identity.type").AsString());
        Assert.Equal("StorageBlob", subscription.Get("properties.deadLetterWithResourceIdentity.deadLetterDestination.endpointType").AsString());
        Assert.Null(subscription.Get("properties.deadLetterDestination"));
    }

    [Fact]
    public void EventSubscription_Template_ListsNoKeyButTheBlobExtensionKey()
    {
        var text = templates.BlobSubscription.Root.ToJsonString();
        var listCalls = text.Split("list", StringSplitOptions.None).Length - 1;

        Assert.Equal(1, CountOf(text, "listKeys("));
        Assert.Equal(listCalls, CountOf(text, "listKeys("));
        Assert.DoesNotContain(templates.BlobSubscription.Outputs(), o => o.Contains("key", StringComparison.OrdinalIgnoreCase));
    }

    private static int CountOf(string text, string value) => text.Split(value, StringSplitOptions.None).Length - 1;
}

internal static class ArmTemplateOutputExtensions
{
    public static IEnumerable<string> Outputs(this ArmTemplate template) => template.RootScope.Outputs.Select(o => o.Key);
}
