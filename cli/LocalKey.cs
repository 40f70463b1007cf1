using System.Security.Cryptography;

namespace Pipeline.Cli;

/// <summary>
/// The local lake's own random pseudonymisation key, made on first use so pseudonyms stay stable across local runs and
/// no key is built into the code. It lives beside the lake folder, not in it (<c>out/lake</c> → <c>out/lake.pseudonym-key</c>):
/// whoever is given the lake's files (to copy the curated tables, say) is not given the key that links pseudonyms to
/// names. It is readable by its owner only (mode 0600), and made once: runs that start together take turns through a lock
/// file beside it (<c>out/lake.pseudonym-key.lock</c>), and the first one's key is everyone's.
/// </summary>
internal static class LocalKey
{
    /// <summary>Where versions before this one kept the key: inside the lake folder. Moved out on first use.</summary>
    public const string OldFileName = ".pseudonym-key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The key file of a lake folder: a sibling named after it.</summary>
    public static string PathFor(DirectoryInfo lakeFolder) => Path.TrimEndingDirectorySeparator(lakeFolder.FullName) + ".pseudonym-key";

    /// <summary>Reads the lake's key, moving an old one out of the lake or making a new one if there is none.</summary>
    public static async Task<string> GetOrCreateAsync(DirectoryInfo lakeFolder, CancellationToken cancellationToken)
    {
        var file = PathFor(lakeFolder);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        if (!File.Exists(file))
        {
            // File.Move without overwrite alone did not keep concurrent runs apart: in a loaded full test run two of
            // sixteen runs started at once got different keys (LocalKeyTests). The runs that find no key therefore take
            // turns, through an exclusive lock on a file beside it; the move stays, so no reader sees half a key.
            await using var turn = await TakeTurnAsync(file + ".lock", cancellationToken);
            if (!File.Exists(file))
            {
                var old = Path.Combine(lakeFolder.FullName, OldFileName);
                if (File.Exists(old))
                {
                    Publish(old, file, deleteSourceOnLoss: false);
                }
                else
                {
                    await CreateAsync(file, cancellationToken);
                }
            }
        }

        RestrictToOwner(file);
        return (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
    }

    // FileShare.None is an exclusive advisory lock (flock) on Unix, between processes and within one; it ends when the
    // stream is disposed. The lock file stays (empty, owner-only): deleting it could let two runs lock two files.
    private static async Task<FileStream> TakeTurnAsync(string path, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (attempt < 400)
            {
                await Task.Delay(25, cancellationToken); // another run is making the key: a few milliseconds
            }
        }
    }

    // Written under a unique temporary name, then moved into place without overwrite: a reader never sees half a key,
    // and a run that loses the race drops its own key and reads the winner's.
    private static async Task CreateAsync(string file, CancellationToken cancellationToken)
    {
        var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        await using (var stream = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).AsMemory(), cancellationToken);
        }

        Publish(temporary, file, deleteSourceOnLoss: true);
    }

    private static void Publish(string source, string file, bool deleteSourceOnLoss)
    {
        try
        {
            File.Move(source, file, overwrite: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another run put its key (or moved the old one) first; that one is the lake's key.
            if (deleteSourceOnLoss)
            {
                File.Delete(source);
            }
        }
    }

    // An old key, or one copied by hand, may be world-readable: the key is as sensitive as the names it hides.
    private static void RestrictToOwner(string file)
    {
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(file) != OwnerOnly)
        {
            File.SetUnixFileMode(file, OwnerOnly);
        }
    }
}
