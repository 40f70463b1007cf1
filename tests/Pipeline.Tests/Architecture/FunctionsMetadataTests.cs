using System.Text.Json;
using Pipeline.Functions;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Architecture;

/// <summary>The bindings the Functions host will see, read from the functions.metadata the Worker SDK generates at build.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<JsonElement[]> Functions = new(() =>
    {
        var file = Path.Combine(RepoPaths.Root, "functions", "bin", RepoPaths.Configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(file), $"{file} is missing; build the solution first.");
        return JsonDocument.Parse(File.ReadAllText(file)).RootElement.EnumerateArray().ToArray();
    });

    [Fact]
    public void IngestUpload_IsEventGridBlobTriggerOnIncomingContainerSetting()
    {
        var binding = Binding(nameof(IngestUpload));

        Assert.Equal("blobTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("%IncomingContainer%/{name}", binding.GetProperty("path").GetString());
        Assert.Equal("EventGrid", binding.GetProperty("source").GetString());
        Assert.Equal("LakeStorage", binding.GetProperty("connection").GetString());
        Assert.Equal(IngestUpload.Connection, binding.GetProperty("connection").GetString());
    }

    [Fact]
    public void RecomputeFindings_IsTimerOnScheduleSettingWithoutRunOnStartup()
    {
        var binding = Binding(nameof(RecomputeFindings));

        Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("%FindingsSchedule%", binding.GetProperty("schedule").GetString());
        Assert.False(binding.GetProperty("runOnStartup").GetBoolean());
    }

    [Fact]
    public void BlobTrigger_BindsBlobClientNotBytesOrString()
    {
        // Deferred binding is what lets the worker hand over a BlobClient (streamed) instead of buffering the blob.
        var binding = Binding(nameof(IngestUpload));

        Assert.Equal("True", binding.GetProperty("properties").GetProperty("supportsDeferredBinding").GetString());
        Assert.False(binding.TryGetProperty("dataType", out _));
    }

    private static JsonElement Binding(string function) =>
        Functions.Value.Single(f => f.GetProperty("name").GetString() == function).GetProperty("bindings").EnumerateArray().Single();
}
