using Microsoft.Extensions.Options;

namespace Pipeline.Core.Ingest;

/// <summary>Start-up validation of <see cref="IngestOptions"/> and its nested <c>Parquet</c> section, generated from the attributes.</summary>
[OptionsValidator]
public sealed partial class ValidateIngestOptions : IValidateOptions<IngestOptions>;
