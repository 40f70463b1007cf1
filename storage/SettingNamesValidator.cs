using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Pipeline.Storage;

/// <summary>
/// Runs a source-generated options validator and says each failure in terms of the setting an operator edits: the
/// generated text names the C# member ("The field IngestOptions.Parquet.RowGroupRows must be between 1 and ..."), the
/// operator sets <c>Ingest:Parquet:RowGroupRows</c> (app setting <c>Ingest__Parquet__RowGroupRows</c>).
/// </summary>
public sealed partial class SettingNamesValidator<TOptions>(string section, IValidateOptions<TOptions> inner) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = inner.Validate(name, options);
        if (!result.Failed)
        {
            return result;
        }

        var failures = result.Failures.Select(Rename).ToList();
        failures[^1] += " Fix the setting (app setting, or environment variable with '__' for ':') and start again.";
        return ValidateOptionsResult.Fail(failures);
    }

    private string Rename(string failure)
    {
        // "RowGroupRows: The field IngestOptions.Parquet.RowGroupRows must be ..." → "Ingest:Parquet:RowGroupRows must be ..."
        var path = MemberPath().Replace(failure, m => m.Groups["type"].Value == typeof(TOptions).Name ? section + m.Groups["path"].Value.Replace('.', ':') : m.Value);
        return FieldPrefix().Replace(PropertyPrefix().Replace(path, string.Empty), string.Empty);
    }

    [GeneratedRegex(@"(?<type>\b[A-Za-z]+Options)(?<path>(\.[A-Za-z0-9_]+)+)")]
    private static partial Regex MemberPath();

    // The generated text starts with the member's C# name ("RowGroupRows: " or "Property X: "); the setting follows.
    [GeneratedRegex(@"^(Property )?[A-Za-z0-9_.]+: ")]
    private static partial Regex PropertyPrefix();

    [GeneratedRegex(@"\bThe field ")]
    private static partial Regex FieldPrefix();
}
