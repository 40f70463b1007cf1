using System.ComponentModel.DataAnnotations;
using System.Text;
using Pipeline.Core.Packs;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Faults;
using Pipeline.Generator.Spec;
using Pipeline.Generator.Writers;

namespace Pipeline.Generator;

/// <summary>
/// Writes synthetic exports of a survey pack: N cases drawn as the pack's <c>generator.yaml</c> says, allocated across
/// the strata of the sample design, in CSPro text data, CSV per record, CSPro DB and Excel, with faults injected on request
/// and listed in <c>faults.csv</c>. Streams: each case is drawn, handed to every writer, and dropped, so memory does not
/// grow with N. <paramref name="time"/> only stamps the CSPro DB's revision (default: the system clock).
/// </summary>
public sealed class ExportGenerator(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Generates the exports. Throws <see cref="ValidationException"/> for bad options, <see cref="GeneratorSpecException"/>
    /// for a spec that does not fit the pack's dictionary.
    /// </summary>
    public async Task<GeneratorResult> GenerateAsync(SurveyPack pack, GeneratorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        FaultPlan faults;
        try
        {
            faults = FaultPlan.Parse(options.Faults);
        }
        catch (FormatException e)
        {
            throw new ValidationException(e.Message, e);
        }

        if (options.Formats == ExportFormats.None)
        {
            throw new ValidationException("Formats is empty: ask for Dat, Csv, Csdb and/or Xlsx.");
        }

        var spec = await GeneratorSpec.LoadAsync(pack, options.SpecPath, cancellationToken).ConfigureAwait(false);
        if (options.Cases > spec.MaxCases)
        {
            throw new ValidationException($"Cases = {options.Cases}: survey pack '{pack.Id}' can number at most {spec.MaxCases} cases with unique keys (ids.sequence and ids.overflow in {spec.File}).");
        }

        if (options.Formats.HasFlag(ExportFormats.Xlsx) && XlsxLimits.FindOverflow(spec, faults, options.Cases, options.Seed, cancellationToken: cancellationToken) is { } overflow)
        {
            // Refused rather than cut: CSPro's Excel export (zExcelO/ExcelWriter.cpp) does not check libxlsxwriter's
            // out-of-range error, so its workbook would lose those rows without a word.
            throw new ValidationException($"Cases = {options.Cases}: an Excel sheet holds at most {XlsxLimits.MaxDataRows:N0} rows below its header, and record {overflow.Record} would need more from case {overflow.Case:N0} on. Ask for fewer cases, or leave Xlsx out of Formats (.dat, CSV and .csdb have no such limit).");
        }

        var fit = DesignFit.Of(pack.Strata, options.Cases);
        if (fit.Factor > 1 && !options.ScaleUniverses)
        {
            throw new ValidationException(FormattableString.Invariant($"Cases = {options.Cases}: allocated by planned sample, stratum {fit.TightestStratum} would get more cases than its universe in {pack.Manifest.Design.Strata}, and the findings refuse a stratum with n_h > N_h. At most {fit.MaxCases} cases fit survey pack '{pack.Id}'; ask for fewer, or scale the universes (--scale-universes: every universe times {fit.Factor}, written to a copy of the pack)."));
        }

        Directory.CreateDirectory(options.OutputFolder);
        var run = new Run(pack, spec, options, faults, _time.GetUtcNow());
        var result = await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        if (fit.Factor == 1)
        {
            return result;
        }

        var scaled = await fit.WriteScaledPackAsync(pack, Path.Combine(options.OutputFolder, "pack"), cancellationToken).ConfigureAwait(false);
        return result with { UniverseFactor = fit.Factor, ScaledPackFolder = scaled };
    }

    /// <summary>One generation run: its writers, its fault injector and manifest, its counts.</summary>
    private sealed class Run(SurveyPack pack, GeneratorSpec spec, GeneratorOptions options, FaultPlan faults, DateTimeOffset now)
    {
        private static readonly Encoding Utf8Bom = new UTF8Encoding(true);
        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private readonly Dictionary<string, long> _byStratum = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _byRecord = new(StringComparer.Ordinal);
        private readonly Dictionary<FaultKind, long> _byFault = [];
        private readonly string _baseName = Path.GetFileNameWithoutExtension(pack.Manifest.Dictionary);

        private bool Latin1 => faults.Rates.ContainsKey(FaultKind.Latin1);

        public async Task<GeneratorResult> ExecuteAsync(CancellationToken cancellationToken)
        {
            var writers = await OpenWritersAsync(cancellationToken).ConfigureAwait(false);
            var manifest = new FaultManifest(options.OutputFolder);
            try
            {
                var source = new CaseSource(spec, options.Seed);
                var injector = new FaultInjector(spec, faults, options.Seed);
                for (long k = 1; k <= options.Cases; k++)
                {
                    if (k % 1024 == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    var generated = source.Next();
                    if (injector.Apply(generated) is { } fault)
                    {
                        manifest.Add(fault);
                        _byFault[fault.Kind] = _byFault.GetValueOrDefault(fault.Kind) + 1;
                    }

                    Count(generated);
                    foreach (var writer in writers)
                    {
                        await writer.WriteAsync(generated, cancellationToken).ConfigureAwait(false);
                    }
                }

                var files = new List<GeneratedFile>();
                foreach (var writer in writers)
                {
                    files.AddRange(await writer.CompleteAsync(cancellationToken).ConfigureAwait(false));
                }

                files = ApplyFileFaults(files, manifest);
                await manifest.CompleteAsync(cancellationToken).ConfigureAwait(false);
                if (faults.Rates.Count == 0)
                {
                    // No fault asked for: leave only exports in the folder, so `run <folder>` ingests exports only.
                    File.Delete(manifest.Path);
                    return new GeneratorResult(options.Cases, files, _byStratum, _byRecord, _byFault, string.Empty);
                }

                return new GeneratorResult(options.Cases, files, _byStratum, _byRecord, _byFault, manifest.Path);
            }
            finally
            {
                foreach (var writer in writers)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }

                await manifest.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async Task<List<ICaseWriter>> OpenWritersAsync(CancellationToken cancellationToken)
        {
            var layouts = spec.Records.Select(r => r.Layout).ToList();
            var writers = new List<ICaseWriter>();
            if (options.Formats.HasFlag(ExportFormats.Dat))
            {
                writers.Add(new DatCaseWriter(Path.Combine(options.OutputFolder, _baseName + ".dat"), pack.Dictionary, layouts, Latin1 ? Windows1252 : Utf8Bom));
            }

            if (options.Formats.HasFlag(ExportFormats.Csv))
            {
                writers.Add(new CsvCaseWriter(options.OutputFolder, layouts, Latin1 ? Windows1252 : Utf8));
            }

            if (options.Formats.HasFlag(ExportFormats.Csdb))
            {
                var dictionaryPath = Path.Combine(pack.Folder, pack.Manifest.Dictionary);
                var dictionaryText = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(dictionaryPath, cancellationToken).ConfigureAwait(false));
                writers.Add(await CsdbCaseWriter.CreateAsync(Path.Combine(options.OutputFolder, _baseName + ".csdb"), pack.Dictionary, dictionaryText, layouts, options.Seed, now, cancellationToken).ConfigureAwait(false));
            }

            if (options.Formats.HasFlag(ExportFormats.Xlsx))
            {
                writers.Add(new XlsxCaseWriter(Path.Combine(options.OutputFolder, _baseName + ".xlsx"), layouts));
            }

            return writers;
        }

        private void Count(GeneratedCase generated)
        {
            _byStratum[generated.Stratum.Id] = _byStratum.GetValueOrDefault(generated.Stratum.Id) + 1;
            foreach (var record in generated.Records)
            {
                _byRecord[record.Record.Name] = _byRecord.GetValueOrDefault(record.Record.Name) + 1;
            }
        }

        /// <summary>Latin-1 was chosen when the text files were opened; here it is listed, and the text files are cut if asked.</summary>
        private List<GeneratedFile> ApplyFileFaults(List<GeneratedFile> files, FaultManifest manifest)
        {
            var result = new List<GeneratedFile>();
            foreach (var file in files)
            {
                var text = file.Format is ExportFormats.Dat or ExportFormats.Csv;
                if (text && Latin1)
                {
                    Add(manifest, new InjectedFault(string.Empty, file.Record ?? string.Empty, 0, string.Empty, FaultKind.Latin1, Windows1252.WebName, "utf-8", Path.GetFileName(file.Path)));
                }

                if (text && faults.Rates.ContainsKey(FaultKind.Truncated))
                {
                    var encoding = Latin1 ? Windows1252 : Utf8;
                    var cut = file.Format == ExportFormats.Dat
                        ? FileFaults.Truncate(file.Path, encoding, IdEnd(), DescribeDatLine)
                        : FileFaults.Truncate(file.Path, encoding, 1, (line, column) => DescribeCsvRow(file.Record!, line, column));
                    if (cut is not null)
                    {
                        Add(manifest, cut);
                        result.Add(file with { Bytes = new FileInfo(file.Path).Length });
                        continue;
                    }
                }

                result.Add(file);
            }

            return result;
        }

        private void Add(FaultManifest manifest, InjectedFault fault)
        {
            manifest.Add(fault);
            _byFault[fault.Kind] = _byFault.GetValueOrDefault(fault.Kind) + 1;
        }

        private int IdEnd() => pack.Dictionary.CaseIdItems.Select(i => i.Start + i.Length - 1).Append(pack.Dictionary.RecordTypeStart + pack.Dictionary.RecordTypeLength - 1).Max();

        private (string, string, string) DescribeDatLine(string line, int column)
        {
            var dictionary = pack.Dictionary;
            var type = Slice(line, dictionary.RecordTypeStart, dictionary.RecordTypeLength);
            var record = spec.Records.FirstOrDefault(r => r.Record.RecordTypeValue.PadRight(dictionary.RecordTypeLength) == type);
            var key = string.Concat(dictionary.CaseIdItems.Select(i => Slice(line, i.Start, i.Length)));
            var position = column + 1; // the first character cut off, 1-based as dictionary positions are
            var item = record?.Record.Items.FirstOrDefault(i => i.Start <= position && position < i.Start + (i.Length * i.Occurrences))?.Name ?? string.Empty;
            return (key, record?.Name ?? string.Empty, item);
        }

        private (string, string, string) DescribeCsvRow(string record, string line, int column)
        {
            var layout = spec.Records.First(r => r.Name == record).Layout;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var fieldAtCut = -1;
            for (var i = 0; i < line.Length; i++)
            {
                if (i == column)
                {
                    fieldAtCut = fields.Count;
                }

                var c = line[i];
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == ',' && !quoted)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            fields.Add(field.ToString());
            var key = string.Concat(layout.CaseIdColumns.Select(c => fields[c].PadLeft(layout.Columns[c].Item.Length, '0')));
            return (key, record, fieldAtCut >= 0 && fieldAtCut < layout.Columns.Count ? layout.Columns[fieldAtCut].Name : string.Empty);
        }

        private static string Slice(string line, int start, int length) =>
            start - 1 >= line.Length ? new string(' ', length) : line.Substring(start - 1, Math.Min(length, line.Length - start + 1)).PadRight(length);

        private static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;
    }
}
