using System.Text.RegularExpressions;

namespace Pipeline.Tests.Hostile;

/// <summary>
/// Issue #18, acceptance 1: every generated hostile input is rejected (or accepted) cleanly — no crash, a message naming
/// the file and a position, under 300 MB of peak memory and 30 s, measured in a child process.
/// </summary>
[Trait("Category", "Hostile")]
[Collection(HostileCollection.Name)]
public sealed partial class HostileInputTests(HostileSuiteFixture suite)
{
    /// <summary>The memory budget of one upload (issue #18: four parallel triggers share a 2 GB instance).</summary>
    public const double MaxPeakMB = 300;

    public const double MaxSeconds = 30;

    public static TheoryData<string> Inputs => [.. HostileCorpus.All.Select(c => c.Name)];

    [Fact]
    public void Corpus_HasAtLeast100InputsCoveringEveryClass()
    {
        Assert.True(HostileCorpus.All.Count >= 100, $"{HostileCorpus.All.Count} inputs");
        Assert.Equal(Enum.GetValues<HostileClass>().Order(), HostileCorpus.All.Select(c => c.Class).Distinct().Order());
        Assert.Equal(HostileCorpus.All.Count, HostileCorpus.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Ingest_HostileInput_IsHandledWithinBudgetAndSaysWhere(string name)
    {
        var input = HostileCorpus.All.Single(c => c.Name == name);
        Assert.True(suite.Results.TryGetValue(name, out var result), $"{name}: the probe reported nothing");
        Assert.True(result.Outcome is "accepted" or "rejected", $"{name} ({input.Why}): {result.Outcome}: {result.Message}");
        Assert.True(result.PeakMB < MaxPeakMB, $"{name} ({input.Why}): peak {result.PeakMB} MB");
        Assert.True(result.Seconds < MaxSeconds, $"{name} ({input.Why}): {result.Seconds:F1} s");
        Assert.DoesNotMatch(StackTraceOrInternals(), result.Message);
        Assert.DoesNotContain(suite.Seeds.PersonalValues, v => result.Message.Contains(v, StringComparison.Ordinal));
        if (result.Outcome == "rejected")
        {
            JudgeRejection(input, result);
        }
        else
        {
            JudgeAcceptance(input, result);
        }
    }

    private static void JudgeRejection(HostileCase input, ProbeResult result)
    {
        Assert.True(input.Expect.Verdict != Verdict.Accepted, $"{input.Name} ({input.Why}) should be accepted: {result.Message}");
        Assert.Contains(input.FileName, result.Message, StringComparison.Ordinal);
        Assert.Matches(PositionWords(), result.Message);
        foreach (var word in input.Expect.MessageMustNotContain ?? [])
        {
            Assert.DoesNotContain(word, result.Message, StringComparison.OrdinalIgnoreCase);
        }

        if (input.Expect.MessageMustContainAny is { } any)
        {
            Assert.True(any.Any(w => result.Message.Contains(w, StringComparison.OrdinalIgnoreCase)), $"{input.Name}: the message names none of {string.Join(", ", any)}: {result.Message}");
        }
    }

    private static void JudgeAcceptance(HostileCase input, ProbeResult result)
    {
        Assert.True(input.Expect.Verdict != Verdict.Rejected, $"{input.Name} ({input.Why}) was accepted: {result.RowsRead} rows read, {result.RowsRejected} rejected");
        Assert.Equal(result.RowsRead, result.RowsCurated + result.RowsRejected);
        if (input.Expect.RowsFlagged)
        {
            Assert.True(result.RowsRejected > 0, $"{input.Name} ({input.Why}) was accepted with no row rejected");
        }

        if (input.Expect.MaxRejectedRows is { } most)
        {
            Assert.True(result.RowsRejected <= most, $"{input.Name} ({input.Why}): {result.RowsRejected} rows rejected");
        }
    }

    // "line", "row", "cell", "entry"...: where in the file the problem is (a zip's part, a CSPro DB's meta field included).
    [GeneratedRegex(@"\b(lines?|rows?|cells?|entry|entries|columns?|bytes?|offset|pages?|tables?|records?|sheets?|items?|KiB)\b|\bmeta\.\w+|\bxl/\w+", RegexOptions.IgnoreCase)]
    private static partial Regex PositionWords();

    [GeneratedRegex(@"\bat [\w.`<>]+\.\w+\(|Exception:|MaxBufferSize|Object reference|Index was outside")]
    private static partial Regex StackTraceOrInternals();
}
