using System.Diagnostics;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// A second independent Parquet reader: hyparquet (pure JavaScript, npm), installed by scripts/test.sh into
/// .tools/node-readers and run with Node.js.
/// </summary>
public static class NodeParquet
{
    private const string Script = """
        import { readFileSync } from 'node:fs';
        import { parquetReadObjects } from 'hyparquet';
        const buffer = readFileSync(process.argv[1]);
        const file = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
        const rows = await parquetReadObjects({ file });
        process.stdout.write(JSON.stringify(rows, (k, v) => typeof v === 'bigint' ? v.toString() : v));
        """;

    public static string Folder => Path.Combine(RepoPaths.Root, ".tools", "node-readers");

    public static List<Dictionary<string, JsonElement>> Read(string parquetFile)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules", "hyparquet")), $"hyparquet is not installed in {Folder}; run ./scripts/test.sh.");
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--input-type=module", "-e", Script, parquetFile })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "hyparquet did not finish in 60 s");
        Assert.True(process.ExitCode == 0, $"hyparquet failed: {error}");
        return JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(output)!;
    }
}
