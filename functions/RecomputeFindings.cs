using Microsoft.Azure.Functions.Worker;
using Pipeline.Core.Findings;
using Pipeline.Core.Packs;

namespace Pipeline.Functions;

/// <summary>
/// Nightly timer: recomputes every survey pack's findings. The schedule is the app setting <c>FindingsSchedule</c>
/// (NCRONTAB with seconds, UTC; infra sets "0 0 2 * * *"). Firing twice is harmless: the second run finds the inputs
/// unchanged and records a skip.
/// </summary>
public sealed class RecomputeFindings(FindingsService findings, SurveyPackCatalog packs)
{
    [Function(nameof(RecomputeFindings))]
    public async Task RunAsync([TimerTrigger("%FindingsSchedule%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken)
    {
        foreach (var pack in packs.Packs)
        {
            await findings.RecomputeAsync(pack, force: false, cancellationToken);
        }
    }
}
