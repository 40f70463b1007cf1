using Pipeline.Core.Engine;
using Pipeline.Core.Ingest;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Generator;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Core;

/// <summary>
/// The readers' reused field arrays, as the ingest uses them: behind the read-ahead thread, with a consumer that
/// falls behind, every row still holds its own values when the consumer gets to it.
/// </summary>
public sealed class FieldArrayReuseTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task ReadAsync_CsvArraysReusedAfterTheRingBehindReadAhead_SlowConsumerSeesEveryRowIntact()
    {
        const ExportFormats format = ExportFormats.Csv;
        const string file = "PARTICIPANT_REC.csv";
        var pack = (await TestPipeline.PeruPacksAsync()).Find(Survey)!;
        var folder = Directory.CreateTempSubdirectory("field-arrays-").FullName;
        try
        {
            await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = 1_500, Formats = format, OutputFolder = folder }, default);
            var path = Path.Combine(folder, file);
            var expected = new List<string>();
            await using (var plain = await OpenAsync(path, pack))
            {
                await foreach (var row in plain.ReadAsync(default))
                {
                    expected.Add(Text(row));
                }
            }

            await using var reader = await OpenAsync(path, pack);
            reader.ReuseFieldArrays(RowChecks.RingSize);
            var seen = 0;
            await foreach (var row in ReadAhead.Of(reader.ReadAsync(default)))
            {
                if (seen % 97 == 0)
                {
                    await Task.Delay(1); // let the read-ahead thread fill every batch it may
                }

                Assert.Equal(expected[seen++], Text(row));
            }

            Assert.Equal(expected.Count, seen);
            Assert.True(seen > 3 * RowChecks.RingSize, $"only {seen} rows: the arrays were hardly reused");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<IExportReader> OpenAsync(string path, SurveyPack pack)
    {
        var content = File.OpenRead(path);
        var head = new byte[FormatDetector.SniffLength];
        var read = await content.ReadAsync(head);
        content.Position = 0;
        return await ExportReaders.OpenAsync(content, head.AsMemory(0, read), Path.GetFileName(path), pack, default);
    }

    private static string Text(SourceRow row) => $"{row.Row}|{row.Layout.Record.Name}|{string.Join('\u001f', row.Fields)}";
}
