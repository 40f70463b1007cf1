using Pipeline.Core.Lake;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Findings;

/// <summary>
/// Publishes a findings run for people (the HTML report, CSV and Excel exports, label tables) beside the star schema
/// the findings service writes itself. A port: the implementation lives in the reporting layer, above this one, and is
/// wired by the host (<c>AddSurveyPipeline</c>).
/// </summary>
public interface IFindingsPublisher
{
    /// <summary>Writes the run's outputs into the run's folder. A failure fails the run, which stays not current.</summary>
    Task PublishAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, double confidence, CancellationToken cancellationToken);
}
