using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using CsCheck;

namespace Pipeline.Readers.Tests.Fuzz;

/// <summary>
/// Issue #18, acceptance 2: each reader is fed mutated copies of its seeds (Fuzz/seeds/&lt;reader&gt;/) for a bounded time
/// (FUZZ_SECONDS per reader, default 20); reading must end normally or with the file's own exception. An input that
/// breaks this is written to Fuzz/regressions/&lt;reader&gt;/ and replayed by <see cref="Replay_EveryRegression_ReadsOrRejectsCleanly"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ReaderFuzzTests
{
    /// <summary>Seconds of fuzzing per reader when FUZZ_SECONDS is not set: 7 readers, about 2.5 minutes in all.</summary>
    public const int DefaultSeconds = 20;

    public static TheoryData<string> Readers => [.. FuzzTargets.Readers];

    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : DefaultSeconds;

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task Fuzz_MutatedSeeds_ReadOrRejectWithInputFileException(string reader)
    {
        var seeds = Directory.GetFiles(FuzzFolders.Seeds(reader)).Order(StringComparer.Ordinal).Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToArray();
        Assert.NotEmpty(seeds);
        var found = new ConcurrentBag<(byte[] Input, string Error)>();
        var gen = Gen.Select(Gen.Int[0, seeds.Length - 1], Mutation.Gen.Array[1, 6], (s, m) => new FuzzInput(seeds[s].Name, seeds[s].Bytes, m));
        try
        {
            await gen.SampleAsync(
                async input =>
                {
                    var bytes = input.Bytes();
                    try
                    {
                        await FuzzTargets.ReadAllAsync(reader, bytes);
                    }
                    catch (Exception e)
                    {
                        found.Add((bytes, FuzzTargets.Describe(e)));
                        throw;
                    }
                },
                time: Seconds,
                threads: 1);
        }
        catch (Exception) when (!found.IsEmpty)
        {
            var (input, error) = found.MinBy(f => f.Input.Length);
            var file = SaveRegression(reader, input);
            Assert.Fail($"{reader}: {error}\nThe input is saved as {file}; commit it, fix the reader, and Replay_EveryRegression replays it.");
        }
    }

    [Fact]
    public async Task Replay_EveryRegression_ReadsOrRejectsCleanly()
    {
        var failures = new List<string>();
        var replayed = 0;
        foreach (var reader in FuzzTargets.Readers)
        {
            var folder = FuzzFolders.Regressions(reader);
            foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray() : [])
            {
                replayed++;
                try
                {
                    await FuzzTargets.ReadAllAsync(reader, await File.ReadAllBytesAsync(file));
                }
                catch (Exception e)
                {
                    failures.Add($"{reader}/{Path.GetFileName(file)}: {FuzzTargets.Describe(e)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {replayed} regressions still fail:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public void Seeds_EveryReaderHasSeedFilesInTheRepository()
    {
        foreach (var reader in FuzzTargets.Readers)
        {
            Assert.True(Directory.Exists(FuzzFolders.Seeds(reader)) && Directory.GetFiles(FuzzFolders.Seeds(reader)).Length > 0, $"no seeds for {reader}");
        }
    }

    private static string SaveRegression(string reader, byte[] input)
    {
        var folder = FuzzFolders.Regressions(reader);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(input))[..16] + ".bin");
        File.WriteAllBytes(file, input);
        return file;
    }
}
