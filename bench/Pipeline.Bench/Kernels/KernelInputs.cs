using Pipeline.Core.Packs;
using Pipeline.Generator;

namespace Pipeline.Bench.Kernels;

/// <summary>
/// The kernels' inputs, generated once per benchmark process and held in memory: the pack's .dat and its participant
/// record's CSV for <see cref="Cases"/> cases (default seed, no faults). Reading from memory keeps the disk out of the figures.
/// </summary>
public sealed class KernelInputs
{
    /// <summary>Cases per benchmark operation batch; the benchmarks report per case (OperationsPerInvoke).</summary>
    public const int Cases = 2_000;

    private static readonly Lazy<KernelInputs> Shared = new(() => CreateAsync().GetAwaiter().GetResult());

    private KernelInputs(SurveyPack pack, byte[] dat, byte[] firstRecordCsv, string firstRecord)
    {
        Pack = pack;
        Dat = dat;
        FirstRecordCsv = firstRecordCsv;
        FirstRecord = firstRecord;
    }

    public SurveyPack Pack { get; }

    /// <summary>The whole .dat of <see cref="Cases"/> cases (every record type, about 8 lines per case).</summary>
    public byte[] Dat { get; }

    /// <summary>The CSV export of the dictionary's first record (one row per case: the participant record).</summary>
    public byte[] FirstRecordCsv { get; }

    public string FirstRecord { get; }

    public static KernelInputs Get() => Shared.Value;

    private static async Task<KernelInputs> CreateAsync()
    {
        var pack = await BenchPack.LoadAsync(BenchPack.DefaultSurvey);
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-bench-kernels-{Guid.NewGuid():N}");
        try
        {
            var result = await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = Cases, Formats = ExportFormats.Dat | ExportFormats.Csv, OutputFolder = folder }, CancellationToken.None);
            var firstRecord = pack.Dictionary.Records.First().Name;
            var dat = result.Files.Single(f => f.Format == ExportFormats.Dat);
            var csv = result.Files.Single(f => f.Format == ExportFormats.Csv && string.Equals(f.Record, firstRecord, StringComparison.OrdinalIgnoreCase));
            return new KernelInputs(pack, await File.ReadAllBytesAsync(dat.Path), await File.ReadAllBytesAsync(csv.Path), firstRecord);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
