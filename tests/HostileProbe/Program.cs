using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.HostileProbe;
using Pipeline.Storage;

// Usage: HostileProbe <inputs folder> <lake folder> <packs folder> <survey> <log file> [first input name]
// Ingests every file of the inputs folder in name order (from the named one on, so the parent can resume after a
// crash) and writes one "start" and one "done" JSON line per input on stdout.
if (args.Length < 5)
{
    await Console.Error.WriteLineAsync("usage: HostileProbe <inputs> <lake> <packs> <survey> <log file> [first input]");
    return 2;
}

var (inputs, lakeFolder, packsFolder, survey, logFile) = (args[0], args[1], args[2], args[3], args[4]);
var first = args.Length > 5 ? args[5] : null;
using var log = new CapturingLoggerProvider(logFile);
var packs = await SurveyPackCatalog.LoadAsync(packsFolder);
var settings = new Dictionary<string, string?> { ["Pseudonymisation:Key"] = "hostile-suite-only-pseudonymisation-key-0123456789" };
var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
var backend = LakeBackend.LocalFolder(lakeFolder);
await using var services = new ServiceCollection()
    .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(log))
    .AddSurveyPipeline(configuration, packs, backend)
    .BuildServiceProvider();
await backend.EnsureCreatedAsync(services.GetRequiredService<IOptions<LakeOptions>>().Value, CancellationToken.None);
var lake = services.GetRequiredService<ILakeStore>();
var ingest = services.GetRequiredService<IngestService>();

var files = Directory.GetFiles(inputs).OrderBy(f => f, StringComparer.Ordinal)
    .SkipWhile(f => first is not null && Path.GetFileName(f) != first);
var fresh = true;
foreach (var file in files)
{
    var name = Path.GetFileName(file);
    if (!fresh && PeakMemory.Reset() > PeakMemory.MaxBaselineMB)
    {
        return 3; // the parent starts a fresh child at this input
    }

    fresh = false;
    Emit(new { @event = "start", name });
    var path = $"{survey}/{name}";
    await using (var content = File.OpenRead(file))
    {
        await lake.WriteAsync(LakeZone.Incoming, path, content, ifMatch: null, CancellationToken.None);
    }

    PeakMemory.Reset();
    var clock = Stopwatch.StartNew();
    var result = await IngestOneAsync(ingest, path);
    Emit(result with { PeakMB = PeakMemory.ReadMegabytes(), Seconds = clock.Elapsed.TotalSeconds, Name = name });
}

return 0;

static async Task<ProbeResult> IngestOneAsync(IngestService ingest, string path)
{
    try
    {
        var outcome = await ingest.IngestAsync(path);
        var u = outcome.Upload;
        return new ProbeResult(string.Empty, outcome.Succeeded ? "accepted" : "rejected", u.ErrorSummary, u.RowsRead, u.RowsCurated, u.RowsRejected, 0, 0);
    }
    catch (Exception e)
    {
        // What the Functions host would retry: for a hostile input, always a bug.
        return new ProbeResult(string.Empty, "crash", $"{e.GetType().FullName}: {e.Message}", 0, 0, 0, 0, 0);
    }
}

static void Emit(object line)
{
    Console.Out.WriteLine(JsonSerializer.Serialize(line, JsonOptions.Web));
    Console.Out.Flush();
}

namespace Pipeline.HostileProbe
{
    internal sealed record ProbeResult(string Name, string Outcome, string Message, long RowsRead, long RowsCurated, long RowsRejected, double PeakMB, double Seconds)
    {
        public string Event { get; } = "done";
    }

    internal static class JsonOptions
    {
        public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    }
}
