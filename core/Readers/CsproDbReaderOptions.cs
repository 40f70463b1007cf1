using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Readers;

/// <summary>Limits of <see cref="CsproDbReader"/>. Bind with <c>ValidateDataAnnotations().ValidateOnStart()</c>.</summary>
public sealed class CsproDbReaderOptions
{
    /// <summary>
    /// Largest .csdb accepted, in bytes. Default 4 GiB. The file is copied to a temporary file (SQLite needs random
    /// access), so this is also the temporary disk space one upload may take.
    /// </summary>
    [Range(1024L, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 4L << 30;
}
