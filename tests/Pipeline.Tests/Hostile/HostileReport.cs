using System.Globalization;
using System.Text;

namespace Pipeline.Tests.Hostile;

/// <summary>The measured table written next to the test assembly (hostile-results.md), summarised in docs/hostile-input.md.</summary>
public static class HostileReport
{
    public static string Table(IReadOnlyDictionary<string, ProbeResult> results)
    {
        var text = new StringBuilder("| input | class | outcome | peak MB | s | message |\n|---|---|---|---:|---:|---|\n");
        foreach (var input in HostileCorpus.All)
        {
            if (results.TryGetValue(input.Name, out var r))
            {
                var message = r.Message.Length > 160 ? r.Message[..160] + "…" : r.Message;
                text.Append(CultureInfo.InvariantCulture, $"| {input.Name} | {input.Class} | {r.Outcome} {r.RowsRead}/{r.RowsCurated}/{r.RowsRejected} | {r.PeakMB:F0} | {r.Seconds:F1} | {message.Replace('|', '/').Replace('\n', ' ')} |\n");
            }
        }

        return text.ToString();
    }
}
