using Microsoft.Extensions.Options;

namespace Pipeline.Core.Privacy;

/// <summary>Start-up validation of <see cref="PseudonymisationOptions"/>, generated from its attributes (no reflection at run time).</summary>
[OptionsValidator]
public sealed partial class ValidatePseudonymisationOptions : IValidateOptions<PseudonymisationOptions>;
