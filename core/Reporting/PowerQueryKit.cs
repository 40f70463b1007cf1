using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Values;

namespace Pipeline.Core.Reporting;

/// <summary>
/// Writes the Power Query (M) query of each curated record of a survey pack (<c>powerbi/curated/&lt;survey&gt;/&lt;RECORD&gt;.pq</c>):
/// the current view of the record through the shared <c>CuratedRecord</c> function, every column typed as the
/// ingest writes it, value labels added by <c>AddValueLabels</c>. The column list follows the dictionary, so the files
/// are generated, not hand-written; regenerate them when the dictionary changes.
/// </summary>
public static class PowerQueryKit
{
    private static readonly Dictionary<string, string> PipelineColumns = new(StringComparer.Ordinal)
    {
        [RecordTables.CaseKey] = "case identifier (ID items joined)",
        [RecordTables.UploadId] = "upload this row came from",
        [RecordTables.SourceRow] = "row in the uploaded file (header = 1)",
        [RecordTables.IngestedUtc] = "when the upload was received (UTC)",
        [RecordTables.Warnings] = "warning rules the row breaks (comma-separated)",
        [CleaningCatalogue.NulledColumn] = "items cleaning set to null, with code and reason",
        [CleaningCatalogue.StratumColumn] = "the case's stratum (design/strata.csv)",
        [CleaningCatalogue.WeightColumn] = "base weight N_h / planned n_h",
    };

    /// <summary>The M type of a lake column: what <c>Parquet.Document</c> reads the Parquet type as.</summary>
    public static string MType(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => "Int64.Type",
        ColumnKind.Real => "type number",
        ColumnKind.Text => "type text",
        ColumnKind.Timestamp => "type datetimezone",
        ColumnKind.Date => "type date",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// The curated table's columns exactly as ingest writes them (taken from ingest's own table writer, so the two
    /// cannot drift apart), each with a label for the query's comments: the item's label from the dictionary.
    /// </summary>
    public static async Task<IReadOnlyList<(TableColumn Column, string Label)>> CuratedColumnsAsync(SurveyPack pack, DictionaryRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var layout = RecordLayout.For(pack, record);
        await using var tables = await RecordTables.CreateAsync(pack, layout, new Dictionary<string, string>(), new ParquetTableOptions { RowGroupRows = 1 }, cancellationToken).ConfigureAwait(false);
        var added = pack.Cleaning.Columns.Select(c => (c.Name, c.Label)).Concat(pack.Cleaning.CaseVariables.Select(v => (v.Name, v.Label)))
            .GroupBy(x => x.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Label, StringComparer.OrdinalIgnoreCase);
        return tables.CuratedColumns.Select(c => (c, added.TryGetValue(c.Name, out var label) ? label : Label(layout, c.Name))).ToList();
    }

    /// <summary>The M query of one curated record.</summary>
    public static async Task<string> CuratedQueryAsync(SurveyPack pack, DictionaryRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(record);
        var columns = await CuratedColumnsAsync(pack, record, cancellationToken).ConfigureAwait(false);
        var m = new StringBuilder();
        m.Append("// ").Append(record.Name).Append(": ").Append(OneLine(record.Label)).Append(", survey pack ").Append(pack.Id).Append('\n')
            .Append("// The current view: every published upload, and for each _case_key the rows of the latest upload that holds it.\n")
            .Append("// Each column labelled by the dictionary gets a text column <ITEM>_label next to its code (AddValueLabels).\n")
            .Append("// GENERATED from the dictionary ").Append(pack.Dictionary.Name).Append(" by Pipeline.Core.Reporting.PowerQueryKit: do not edit;\n")
            .Append("// regenerate after a dictionary change (docs/powerbi.md, \"When the dictionary changes\").\n")
            .Append("// Needs the queries in powerbi/shared: StorageAccountUrl, Survey, CuratedRecord, AsUtc, ValueLabels, AddValueLabels.\n")
            .Append("let\n")
            .Append("    Source = CuratedRecord(\"").Append(Escape(record.Name)).Append("\"),\n")
            .Append("    Utc = Table.TransformColumns(Source, {{\"").Append(RecordTables.IngestedUtc).Append("\", AsUtc}}),\n")
            .Append("    Typed = Table.TransformColumnTypes(Utc, {\n");
        for (var i = 0; i < columns.Count; i++)
        {
            var (column, label) = columns[i];
            m.Append("        {\"").Append(Escape(column.Name)).Append("\", ").Append(MType(column.Kind)).Append('}')
                .Append(i < columns.Count - 1 ? "," : string.Empty).Append(" // ").Append(OneLine(label)).Append('\n');
        }

        m.Append("    }),\n")
            .Append("    Labelled = AddValueLabels(Typed, \"").Append(Escape(record.Name)).Append("\")\n")
            .Append("in\n")
            .Append("    Labelled\n");
        return m.ToString();
    }

    /// <summary>Writes <c>&lt;folder&gt;/&lt;RECORD&gt;.pq</c> for every record of the pack's dictionary; returns the files written.</summary>
    public static async Task<IReadOnlyList<string>> WriteCuratedQueriesAsync(SurveyPack pack, string folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var record in pack.Dictionary.Records)
        {
            var path = Path.Combine(folder, record.Name + ".pq");
            await File.WriteAllTextAsync(path, await CuratedQueryAsync(pack, record, cancellationToken).ConfigureAwait(false), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        return written;
    }

    private static string Label(RecordLayout layout, string column)
    {
        if (PipelineColumns.TryGetValue(column, out var label))
        {
            return label;
        }

        var i = layout.IndexOf(column);
        if (i < 0)
        {
            return "added by the pipeline";
        }

        var c = layout.Columns[i];
        return c.Privacy == PersonalData.Pseudonymise ? c.Item.Label + " (pseudonymised)" : c.Item.Label;
    }

    private static string Escape(string text) => text.Replace("\"", "\"\"", StringComparison.Ordinal);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
