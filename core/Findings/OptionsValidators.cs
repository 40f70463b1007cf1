using Microsoft.Extensions.Options;

namespace Pipeline.Core.Findings;

/// <summary>Start-up validation of <see cref="FindingsOptions"/>, generated from its attributes (no reflection at run time).</summary>
[OptionsValidator]
public sealed partial class ValidateFindingsOptions : IValidateOptions<FindingsOptions>;
