using Microsoft.Extensions.Options;

namespace Pipeline.Core.Lake;

/// <summary>Start-up validation of <see cref="LakeOptions"/>, generated from its attributes (no reflection at run time).</summary>
[OptionsValidator]
public sealed partial class ValidateLakeOptions : IValidateOptions<LakeOptions>;

/// <summary>Start-up validation of <see cref="ParquetTableOptions"/> (nested in IngestOptions as <c>Ingest:Parquet</c>).</summary>
[OptionsValidator]
public sealed partial class ValidateParquetTableOptions : IValidateOptions<ParquetTableOptions>;
