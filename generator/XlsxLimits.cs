using Pipeline.Generator.Cases;
using Pipeline.Generator.Faults;
using Pipeline.Generator.Spec;

namespace Pipeline.Generator;

/// <summary>Excel's worksheet size, and whether the records of a run fit in it.</summary>
public static class XlsxLimits
{
    /// <summary>Rows in an Excel worksheet (Excel 2007 and later), the header row included.</summary>
    public const int MaxRows = 1_048_576;

    /// <summary>Record occurrences one worksheet holds below its header.</summary>
    public const int MaxDataRows = MaxRows - 1;

    /// <summary>
    /// The first record whose worksheet would need more than <paramref name="maxDataRows"/> rows in a run of
    /// <paramref name="cases"/> cases of <paramref name="seed"/> with <paramref name="faults"/>, and the first case that
    /// would not fit; null when every record fits. Exact, and cheap when the answer is sure: more cases than rows (and
    /// no <c>orphan</c> fault to drop main records) overflows the main record at once, and when no record can reach the
    /// limit (cases × the record's <c>MaxRecords</c>) nothing is counted. Otherwise the cases are drawn, with their
    /// faults, and not written, until one overflows or all are counted: a large run pays the drawing twice (6 s per
    /// 100,000 Peru cases, against about 35 s to write them as .xlsx; docs/generator.md).
    /// </summary>
    public static (string Record, long Case)? FindOverflow(GeneratorSpec spec, FaultPlan faults, long cases, int seed, long maxDataRows = MaxDataRows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(faults);
        if (cases > maxDataRows && !faults.Rates.ContainsKey(FaultKind.Orphan))
        {
            return (spec.Main.Name, maxDataRows + 1); // every case has its main record
        }

        var atRisk = spec.Records.Where(r => cases * Math.Max(1, r.Record.MaxRecords) > maxDataRows).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        if (atRisk.Count == 0)
        {
            return null;
        }

        var rows = atRisk.ToDictionary(r => r, _ => 0L, StringComparer.Ordinal);
        var source = new CaseSource(spec, seed);
        var injector = new FaultInjector(spec, faults, seed);
        for (long k = 1; k <= cases; k++)
        {
            if (k % 1024 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var generated = source.Next();
            injector.Apply(generated);
            foreach (var record in generated.Records)
            {
                if (rows.TryGetValue(record.Record.Name, out var count))
                {
                    if (count == maxDataRows)
                    {
                        return (record.Record.Name, k);
                    }

                    rows[record.Record.Name] = count + 1;
                }
            }
        }

        return null;
    }
}
