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

    /// <summary>
    /// Largest dictionary stored in the file (<c>meta.dictionary</c>), in bytes. Default 16 MiB, the limit of a
    /// dictionary file (<see cref="Pipeline.Core.Dictionary.DictionaryReader.MaxDictionaryBytes"/>); a real one is a few hundred KiB.
    /// The dictionary is read into memory whole, so a larger one is refused before it is read.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxDictionaryBytes { get; set; } = Pipeline.Core.Dictionary.DictionaryReader.MaxDictionaryBytes;
}
