namespace Pipeline.Tests.Support;

/// <summary>
/// The Azurite instance started by scripts/test.sh (npm package azurite, --skipApiVersionCheck). Storage tests never use
/// a fake: without Azurite they fail with a message saying how to run them.
/// </summary>
public static class Azurite
{
    public const string Variable = "AZURITE_CONNECTION_STRING";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set. Run the tests with ./scripts/test.sh, which installs and starts Azurite.");

    /// <summary>A fresh prefix so that each test class gets its own containers and tables.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];
}
