using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;
using static Pipeline.Readers.Tests.Support.ZipBuilder;

namespace Pipeline.Readers.Tests;

/// <summary>Zips built to crash the reader or to exhaust it (issue #18), each built here in code.</summary>
public class HostileZipTests
{
    private const uint EndSignature = 0x06054b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint LocalHeaderSignature = 0x04034b50;

    private static readonly byte[] Line = Encoding.ASCII.GetBytes("H0010010012345 3Ann\r\n");

    private static int EndRecord(byte[] zip)
    {
        for (var i = zip.Length - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == EndSignature)
            {
                return i;
            }
        }

        throw new InvalidOperationException("no end record");
    }

    /// <summary>
    /// The same zip with its end record moved into a Zip64 end record (APPNOTE 4.3.14) that declares <paramref name="entries"/>,
    /// behind a locator, and a classic end record whose fields all say 0xFFFF / 0xFFFFFFFF, as a Zip64 writer leaves them.
    /// </summary>
    private static byte[] AsZip64(byte[] zip, long entries)
    {
        var end = EndRecord(zip);
        var directorySize = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 12));
        var directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var result = new byte[end + 56 + 20 + 22];
        zip.AsSpan(0, end).CopyTo(result);
        var zip64 = result.AsSpan(end);
        BinaryPrimitives.WriteUInt32LittleEndian(zip64, 0x06064b50);
        BinaryPrimitives.WriteInt64LittleEndian(zip64[4..], 44);
        BinaryPrimitives.WriteUInt16LittleEndian(zip64[12..], 45);
        BinaryPrimitives.WriteUInt16LittleEndian(zip64[14..], 45);
        BinaryPrimitives.WriteInt64LittleEndian(zip64[24..], entries);
        BinaryPrimitives.WriteInt64LittleEndian(zip64[32..], entries);
        BinaryPrimitives.WriteInt64LittleEndian(zip64[40..], directorySize);
        BinaryPrimitives.WriteInt64LittleEndian(zip64[48..], directoryOffset);
        var locator = result.AsSpan(end + 56);
        BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
        BinaryPrimitives.WriteInt64LittleEndian(locator[8..], end);
        BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1);
        var classic = result.AsSpan(end + 76);
        BinaryPrimitives.WriteUInt32LittleEndian(classic, EndSignature);
        classic.Slice(8, 4).Fill(0xFF);
        classic.Slice(12, 8).Fill(0xFF);
        return result;
    }

    private static byte[] Times(byte[] bytes, int count) => Enumerable.Repeat(bytes, count).SelectMany(b => b).ToArray();

    [Fact]
    public async Task Open_Zip64EndRecordDeclaringThreeMillionEntries_IsRejectedFromTheZip64Count()
    {
        // 0xFFFF in the classic end record used to be read as 0 entries, and .NET then loaded the whole directory.
        var zip = AsZip64(Zip(("a.dat", Line)), entries: 3_000_000);

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "zip64.zip"));

        Assert.Equal("zip64.zip", error.File);
        Assert.Equal("the zip has 3000000 entries; the limit is 1000.", error.Problem);
    }

    [Fact]
    public async Task Open_Zip64BundleWithTheRightCount_IsReadThroughItsZip64EndRecord()
    {
        var zip = AsZip64(Zip(("a.dat", Line), ("b.dat", Line)), entries: 2);

        await using var bundle = await ZipBundle.OpenAsync(Fixture.Bytes(zip), "zip64.zip");

        Assert.Equal(["a.dat", "b.dat"], bundle.DataEntries.Select(e => e.Name));
    }

    [Fact]
    public async Task Open_Zip64MarkersWithoutALocator_IsRejectedAsDamaged()
    {
        var zip = Zip(("a.dat", Line));
        var end = EndRecord(zip);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 10), 0xFFFF);

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "nolocator.zip"));

        Assert.Contains("nolocator.zip: this is not a valid zip bundle: its end record says the entry count or directory position is in a Zip64 end record, but there is no valid Zip64 locator before it.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_EndRecordCountDisagreesWithDirectory_IsRejectedAsDamaged()
    {
        var zip = Zip(("a.dat", Line), ("b.dat", Line));
        var end = EndRecord(zip);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 8), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 10), 3);

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "liar.zip"));

        Assert.Equal("this is not a valid zip bundle: its end record says 3 entries, but its central directory holds 2.", error.Problem);
        Assert.Contains("zip the CSPro files again", error.WhatToDo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_DirectoryHoldingMoreEntriesThanItsEndRecordSays_StopsAtTheLimit()
    {
        var zip = Zip(Enumerable.Range(0, 50).Select(i => ($"f{i}.dat", Line)).ToArray());
        var end = EndRecord(zip);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 8), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 10), 2);

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "hidden.zip", new ZipBundleOptions { MaxEntries = 10 }));

        Assert.Equal("the zip has more than 10 entries in its central directory (its end record says 2); the limit is 10.", error.Problem);
    }

    [Fact]
    public async Task Open_EndRecordPointingPastTheFile_IsRejectedAsDamaged()
    {
        var zip = Zip(("a.dat", Line));
        var end = EndRecord(zip);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(end + 16), 0x7FFF_0000);

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "far.zip"));

        Assert.StartsWith("this is not a valid zip bundle: its end record places the central directory (offset 2147418112,", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_DirectoryOffsetIntoEntryData_IsRejectedAsDamagedNotRaw()
    {
        var zip = Zip(("a.dat", Line), ("b.dat", Line));
        var end = EndRecord(zip);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(end + 16), 5); // inside the first local header

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "shifted.zip"));

        Assert.Equal("this is not a valid zip bundle: entry 1 of the central directory (byte 5) is not a central directory header.", error.Problem);
    }

    [Fact]
    public async Task Open_PasswordProtectedZip_SaysPasswordNotDamaged()
    {
        var zip = Zip(("secret.dat", Line));
        SetFlagBit0(zip);

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "locked.zip"));

        Assert.Equal("locked.zip", error.File);
        Assert.Equal("the zip is protected by a password (entry 'secret.dat' is encrypted), so it cannot be read.", error.Problem);
        Assert.Equal("Zip the files again without a password and upload that zip.", error.WhatToDo);
        Assert.DoesNotContain("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ManySmallEntriesThatAddUpToABomb_AreRejectedByTheWholeZipRatio()
    {
        // Each entry is under RatioCheckMinimumBytes, so none is checked alone (the 270 KB zip that gave 5 million rows).
        var block = Times(Line, 48_000); // about 1 MB of one repeated line: compresses some 1,000 times
        var zip = Zip(Enumerable.Range(0, 20).Select(i => ($"part{i}.dat", block)).ToArray());

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "many.zip"));

        Assert.Matches(@"^the zip's entries together expand \d+ times \(\d+ → 20160000 bytes\); the limit is 100 times\. This looks like a zip bomb\.$", error.Problem);
    }

    [Fact]
    public async Task Open_EntryOverTheThresholdAboveTheRatio_IsRejectedNamingIt()
    {
        var zip = Zip(("ok.dat", Line), ("bomb.dat", Times(Line, 5_000)));

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "bomb.zip", new ZipBundleOptions { RatioCheckMinimumBytes = 64 << 10 }));

        Assert.Matches(@"^entry 'bomb\.dat' expands \d+ times \(\d+ → 105000 bytes\); the limit is 100 times\.", error.Problem);
    }

    [Fact]
    public async Task Open_OverlappingEntriesClaimingTheWholeFileAsCompressed_AreHeldToTheFileSize()
    {
        // Entries whose compressed sizes add up to more than the zip has: the ratio is taken against the zip's real size.
        var block = Times(Line, 48_000);
        var zip = Zip(("a.dat", block), ("b.dat", block));
        PatchCentral(zip, offset: 20, value: 0x00F0_0000); // each claims 15 MiB of compressed data

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "overlap.zip"));

        Assert.Matches($@"^the zip's entries together expand \d+ times \({zip.Length} → 2016000 bytes\)", error.Problem);
    }

    [Fact]
    public async Task ReadEntry_InflatingPastItsDeclaredSize_StopsAtTheDeclaredSizeNotAtTheEnd()
    {
        var content = Times(Line, 50_000); // 1 MB, declared as 100 bytes: the ratio check sees a harmless entry
        var zip = Zip(("liar.dat", content));
        PatchSizes(zip, 100);

        var read = 0L;
        var error = await Fixture.FileErrorAsync(async () =>
        {
            await using var bundle = await ZipBundle.OpenAsync(Fixture.Bytes(zip), "liar.zip");
            await using var stream = bundle.OpenEntry(bundle.DataEntries[0]);
            var buffer = new byte[4096];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                read += n;
            }
        });

        Assert.True(read <= 100, $"read {read} bytes of an entry declared as 100");
        Assert.Contains("entry 'liar.dat'", error.Message, StringComparison.Ordinal);
    }

    private static void SetFlagBit0(byte[] zip)
    {
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            var flags = signature == LocalHeaderSignature ? i + 6 : signature == CentralHeaderSignature ? i + 8 : -1;
            if (flags >= 0)
            {
                zip[flags] |= 1;
            }
        }
    }

    private static void PatchCentral(byte[] zip, int offset, uint value)
    {
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == CentralHeaderSignature)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + offset), value);
            }
        }
    }

    /// <summary>The uncompressed size in the local headers and the central directory.</summary>
    private static void PatchSizes(byte[] zip, uint size)
    {
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (signature == LocalHeaderSignature)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
            }
            else if (signature == CentralHeaderSignature)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
            }
        }
    }
}
