namespace Pipeline.Cli;

/// <summary>
/// The exit codes of <c>survey-pipeline</c>, as README.md ("The command line") and <c>--help</c> list them. Scripts and
/// CI branch on them, so a code never changes meaning.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Every upload accepted (rows may still be rejected: they are in the quarantine and the report).</summary>
    public const int Accepted = 0;

    /// <summary>
    /// At least one upload not accepted: rejected as a whole (its reason is printed and in the ledger), or being processed
    /// by another delivery of the same upload right now ("In progress", its result not known yet); or a pack check found
    /// problems.
    /// </summary>
    public const int SomeRejected = 1;

    /// <summary>Usage: bad arguments, a missing file or folder, a file where a folder was expected or the reverse, an unknown or broken survey pack, a bad setting.</summary>
    public const int Usage = 2;

    /// <summary>An unexpected failure (a bug or the storage unreachable): one line with the error; rerun with --verbose for the logs.</summary>
    public const int Failed = 3;

    /// <summary>The text <c>--help</c> ends with.</summary>
    public const string Help = "Exit codes: 0 all uploads accepted; 1 some upload rejected or still in progress elsewhere (see its line); 2 usage (bad arguments, missing path, unknown survey, bad setting); 3 unexpected failure.";
}
