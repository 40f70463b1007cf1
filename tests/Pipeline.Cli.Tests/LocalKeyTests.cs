namespace Pipeline.Cli.Tests;

/// <summary>The local lake's pseudonymisation key: one key however many runs start at once, owner-only, outside the lake.</summary>
public sealed class LocalKeyTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task GetOrCreate_ManyConcurrentRuns_AllGetOneKey()
    {
        // Twenty rounds of sixteen runs at once: the race that once gave two keys showed about once in a dozen rounds.
        for (var round = 0; round < 20; round++)
        {
            var lake = new DirectoryInfo(Path.Combine(_temp.Path, $"round-{round}", "lake"));

            var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => LocalKey.GetOrCreateAsync(lake, CancellationToken.None))));

            Assert.Single(keys.Distinct(StringComparer.Ordinal));
            Assert.True(keys[0].Length >= 32);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(_temp.Path, $"round-{round}"), "*.tmp"));
        }
    }

    [Fact]
    public async Task GetOrCreate_NewKey_IsOwnerOnlyAndOutsideTheLake()
    {
        var lake = new DirectoryInfo(_temp.Lake);

        await LocalKey.GetOrCreateAsync(lake, CancellationToken.None);

        var file = LocalKey.PathFor(lake);
        Assert.True(File.Exists(file));
        Assert.False(Path.GetFullPath(file).StartsWith(lake.FullName + Path.DirectorySeparatorChar, StringComparison.Ordinal), $"{file} is inside the lake");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task GetOrCreate_OldKeyInsideTheLake_IsMovedOutAndKept()
    {
        var lake = Directory.CreateDirectory(_temp.Lake);
        var old = Path.Combine(lake.FullName, LocalKey.OldFileName);
        await File.WriteAllTextAsync(old, "an-old-key-made-by-an-earlier-version-0123456789");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(old, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var key = await LocalKey.GetOrCreateAsync(lake, CancellationToken.None);

        Assert.Equal("an-old-key-made-by-an-earlier-version-0123456789", key);
        Assert.False(File.Exists(old));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LocalKey.PathFor(lake)));
        }
    }
}
