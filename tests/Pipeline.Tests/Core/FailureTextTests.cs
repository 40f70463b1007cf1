using System.Xml;
using Pipeline.Core.Ingest;

namespace Pipeline.Tests.Core;

/// <summary>
/// What the ledger and the CLI say about an unexpected failure (issue #18): never the text a parser failed on, which may
/// be a personal value of the upload; storage and I/O failures keep their message for the operator.
/// </summary>
public sealed class FailureTextTests
{
    public static TheoryData<Exception> QuotingExceptions =>
    [
        new FormatException("The input string 'Juana Quispe' was not in a correct format."),
        new XmlException("'Juana' is an unexpected token."),
        new ArgumentException("Value 'Juana Quispe' is not valid."),
        new OverflowException("Value '-12.0461234' was either too large or too small."),
    ];

    [Theory]
    [MemberData(nameof(QuotingExceptions))]
    public void FailureText_ExceptionThatQuotesItsInput_IsNamedByTypeOnly(Exception e)
    {
        var text = IngestService.FailureText(e);

        Assert.DoesNotContain("Juana", text, StringComparison.Ordinal);
        Assert.DoesNotContain("12.04", text, StringComparison.Ordinal);
        Assert.StartsWith(e.GetType().Name, text, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureText_StorageOrIoFailure_KeepsItsMessage()
    {
        Assert.Equal("No space left on device", IngestService.FailureText(new IOException("No space left on device")));
    }
}
