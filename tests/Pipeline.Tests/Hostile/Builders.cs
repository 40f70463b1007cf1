using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Pipeline.Tests.Hostile;

/// <summary>Zip archives, well formed or with their end records rewritten.</summary>
public static class Zips
{
    public static byte[] Of(params (string Name, byte[] Data)[] entries) => Of(CompressionLevel.Fastest, entries);

    public static byte[] Of(CompressionLevel level, params (string Name, byte[] Data)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var stream = zip.CreateEntry(name, level).Open();
                stream.Write(data);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>An entry of <paramref name="bytes"/> repetitions of <paramref name="fill"/>, written without holding it.</summary>
    public static byte[] Repeated(string name, byte[] fill, long bytes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
            var block = new byte[1 << 20];
            for (var i = 0; i < block.Length; i++)
            {
                block[i] = fill[i % fill.Length];
            }

            for (long written = 0; written < bytes; written += block.Length)
            {
                stream.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
            }
        }

        return buffer.ToArray();
    }

    public static int EndRecord(byte[] zip)
    {
        for (var i = zip.Length - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x06054b50)
            {
                return i;
            }
        }

        throw new InvalidOperationException("no end of central directory record");
    }

    /// <summary>Rewrites a field of the end record: +8/+10 entry counts (2 bytes), +12 directory size, +16 directory offset (4 bytes).</summary>
    public static byte[] WithEndField(byte[] zip, int offset, uint value)
    {
        var copy = (byte[])zip.Clone();
        var at = EndRecord(copy) + offset;
        if (offset is 8 or 10)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(at), (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
        }

        return copy;
    }

    /// <summary>A Zip64 end record and locator claiming <paramref name="entries"/> entries, the classic record saying 0xFFFF.</summary>
    public static byte[] Zip64Claiming(byte[] zip, long entries)
    {
        var end = EndRecord(zip);
        var directorySize = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 12));
        var directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var record = new byte[56 + 20];
        var s = record.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, 0x06064b50);
        BinaryPrimitives.WriteUInt64LittleEndian(s[4..], 44);
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], 45);
        BinaryPrimitives.WriteUInt16LittleEndian(s[14..], 45);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], (ulong)entries);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], (ulong)entries);
        BinaryPrimitives.WriteUInt64LittleEndian(s[40..], directorySize);
        BinaryPrimitives.WriteUInt64LittleEndian(s[48..], directoryOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(s[56..], 0x07064b50);
        BinaryPrimitives.WriteUInt64LittleEndian(s[64..], (ulong)end);
        BinaryPrimitives.WriteUInt32LittleEndian(s[72..], 1);
        var classic = zip[end..];
        BinaryPrimitives.WriteUInt16LittleEndian(classic.AsSpan(8), 0xFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(classic.AsSpan(10), 0xFFFF);
        return [.. zip[..end], .. record, .. classic];
    }

    /// <summary>Sets the "encrypted" flag of every local and central header (the data itself stays plain).</summary>
    public static byte[] MarkedEncrypted(byte[] zip)
    {
        var copy = (byte[])zip.Clone();
        for (var i = 0; i + 10 < copy.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(i));
            if (signature == 0x04034b50)
            {
                copy[i + 6] |= 1;
            }
            else if (signature == 0x02014b50)
            {
                copy[i + 8] |= 1;
            }
        }

        return copy;
    }

    /// <summary>Rewrites the text of every XML part of an Office package (a workbook) through <paramref name="edit"/>.</summary>
    public static byte[] EditParts(byte[] package, Func<string, string, string?> edit)
    {
        using var input = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        var parts = new List<(string, byte[])>();
        foreach (var entry in input.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            var text = reader.ReadToEnd();
            var edited = edit(entry.FullName, text);
            if (edited is not null)
            {
                parts.Add((entry.FullName, Encoding.UTF8.GetBytes(edited)));
            }
        }

        return Of([.. parts]);
    }
}

/// <summary>Workbooks: the generated one with its sheet XML edited.</summary>
public static class Workbooks
{
    /// <summary>Edits the worksheet of <paramref name="record"/> (found through workbook.xml and its relationships).</summary>
    public static byte[] EditSheet(byte[] xlsx, string record, Func<string, string> edit)
    {
        var target = SheetPart(xlsx, record);
        return Zips.EditParts(xlsx, (name, text) => name == target ? edit(text) : text);
    }

    public static string SheetPart(byte[] xlsx, string record)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        string Read(string name)
        {
            using var reader = new StreamReader(zip.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }

        var id = Regex.Match(Read("xl/workbook.xml"), $"<(?:\\w+:)?sheet [^>]*name=\"{record}\"[^>]*r:id=\"([^\"]+)\"").Groups[1].Value;
        var target = Regex.Match(Read("xl/_rels/workbook.xml.rels"), $"<Relationship [^>]*Id=\"{id}\"[^>]*Target=\"([^\"]+)\"|<Relationship [^>]*Target=\"([^\"]+)\"[^>]*Id=\"{id}\"");
        var path = target.Groups[1].Success ? target.Groups[1].Value : target.Groups[2].Value;
        return path.StartsWith('/') ? path[1..] : "xl/" + path;
    }

    public static string ReplaceFirst(string text, string pattern, string replacement) => new Regex(pattern).Replace(text, replacement, 1);

    /// <summary>Repeats the first data row (row 2) <paramref name="times"/> times, without row or cell references.</summary>
    public static string RepeatSecondRow(string sheet, int times)
    {
        var row = Regex.Match(sheet, "<(?:\\w+:)?row [^>]*r=\"2\".*?</(?:\\w+:)?row>", RegexOptions.Singleline).Value;
        var bare = Regex.Replace(row, " r=\"[^\"]*\"", string.Empty);
        return sheet.Replace(row, row + string.Concat(Enumerable.Repeat(bare, times)), StringComparison.Ordinal);
    }
}

/// <summary>CSPro DB files: the generated one changed with SQL.</summary>
public static class Databases
{
    public static byte[] Edit(byte[] csdb, params string[] statements)
    {
        var file = Path.Combine(Path.GetTempPath(), $"hostile-{Guid.NewGuid():N}.csdb");
        File.WriteAllBytes(file, csdb);
        try
        {
            using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
            {
                connection.Open();
                foreach (var sql in statements)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    command.ExecuteNonQuery();
                }
            }

            return File.ReadAllBytes(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>Seeded damage: the same seed gives the same bytes.</summary>
public static class Damage
{
    public static byte[] Truncate(byte[] data, double fraction) => data[..(int)(data.Length * fraction)];

    public static byte[] Flip(byte[] data, int seed, int count)
    {
        var random = new Random(seed);
        var copy = (byte[])data.Clone();
        for (var i = 0; i < count; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    public static byte[] Insert(byte[] data, int seed, int length)
    {
        var random = new Random(seed);
        var junk = new byte[length];
        random.NextBytes(junk);
        var at = random.Next(data.Length);
        return [.. data[..at], .. junk, .. data[at..]];
    }

    public static byte[] ZeroBlock(byte[] data, int seed, int length)
    {
        var random = new Random(seed);
        var copy = (byte[])data.Clone();
        var at = random.Next(Math.Max(1, copy.Length - length));
        Array.Clear(copy, at, Math.Min(length, copy.Length - at));
        return copy;
    }

    public static byte[] Splice(byte[] data, int seed)
    {
        var random = new Random(seed);
        var from = random.Next(data.Length);
        var to = random.Next(data.Length);
        var length = Math.Min(random.Next(1, 4096), data.Length - Math.Max(from, to));
        var copy = (byte[])data.Clone();
        Array.Copy(data, from, copy, to, Math.Max(0, length));
        return copy;
    }
}
