using System.IO.Compression;

namespace Pipeline.Readers.Tests.Support;

/// <summary>Zip archives built in memory for the zip-bundle tests, each entry compressed as small as .NET can.</summary>
public static class ZipBuilder
{
    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
