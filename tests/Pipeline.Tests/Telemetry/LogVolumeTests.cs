using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Storage;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Telemetry;

/// <summary>An upload of many bad rows writes a few log lines, not one per row (issue 18: 12 million lines for one upload).</summary>
public sealed class LogVolumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Ingest_ThousandRejectedRows_LogsABoundedNumberOfLinesWithCountsPerRule()
    {
        var logs = new CapturedLogs();
        await using var services = await ServicesAsync(logs);
        var export = await ThousandBadRowsAsync();
        var path = "peru-coffee-cacao/THOUSAND_BAD.csv";
        await using (var content = File.OpenRead(export))
        {
            await services.GetRequiredService<ILakeStore>().WriteAsync(LakeZone.Incoming, path, content, null, CancellationToken.None);
        }

        var outcome = await services.GetRequiredService<IngestService>().IngestAsync(path);

        Assert.Equal(1000, outcome.Upload.RowsRejected);
        Assert.InRange(logs.Lines.Count, 1, 20);
        var summary = Assert.Single(logs.Lines, l => l.StartsWith("Rejected 1000 rows of " + path, StringComparison.Ordinal));
        Assert.Contains("dict.numeric 1000", summary, StringComparison.Ordinal);
        Assert.Contains("first rejected rows: 2, 3, 4, 5, 6", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Rejected row ", StringComparison.Ordinal));
    }

    private async Task<ServiceProvider> ServicesAsync(CapturedLogs logs)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pseudonymisation:Key"] = TestPipeline.PseudonymKey }).Build();
        var backend = LakeBackend.LocalFolder(_folder);
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information))
            .AddSurveyPipeline(configuration, await TestPipeline.PeruPacksAsync(), backend)
            .BuildServiceProvider(validateScopes: true);
        await backend.EnsureCreatedAsync(services.GetRequiredService<IOptions<LakeOptions>>().Value, CancellationToken.None);
        return services;
    }

    // The sample slice's first row 1,000 times, each a case of its own, each with an age that is not a number.
    private async Task<string> ThousandBadRowsAsync()
    {
        var lines = await File.ReadAllLinesAsync(RepoPaths.PeruSample);
        var header = lines[0].Split(',');
        var (quest, age) = (Array.IndexOf(header, "QUEST_NO"), Array.IndexOf(header, "B2_AGE"));
        var rows = Enumerable.Range(1, 1000).Select(i =>
        {
            var fields = lines[1].Split(',');
            fields[quest] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields[age] = "old";
            return string.Join(',', fields);
        });
        Directory.CreateDirectory(_folder);
        var file = Path.Combine(_folder, "THOUSAND_BAD.csv");
        await File.WriteAllLinesAsync(file, rows.Prepend(lines[0]));
        return file;
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
